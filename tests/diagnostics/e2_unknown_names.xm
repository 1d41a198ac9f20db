# expect: W201@12:5 E201@15:62 E202@18:23 E201@19:23 E203@20:13
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 公司业务部 { "上市公司": client.listed }
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 100万  allocate pro_rata  rounding 0.01 half_up }

let 评级 = ["AAA", "AA"]
product 个人住房贷款 { points 10 per unit  target 120 }
product 信用卡 {
  points 1 per unit when deal.activated and client.rating in 评极
  target 300
}
product 个人理财 { points rnd(deal.amount / 1万) per deal  target 2亿 }
product 代发工资 { points 基础分 per unit  target target_ratio * product.indicator }
targets for 公司业务 { "大型企业": client.credit_line > 1亿 }
