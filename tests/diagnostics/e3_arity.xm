# expect: E302@12:25 E302@13:23 E302@13:45 E302@15:11 E302@15:41 E301@15:79
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 100万  allocate pro_rata  rounding 0.01 half_up }

targets for 公司业务部 { "上市": client.listed }
product 个人住房贷款 { points round(deal.amount) per unit  target 120 }
product 个人理财 { points abs(deal.amount, 2) + min(deal.amount) per deal  target 2亿 }
gate 本行门槛 on product {
  require count(deal.quantity) >= 1 and sum() > 0 and round(sum(deal.amount), "二") > 1
}
