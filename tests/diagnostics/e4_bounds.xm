# expect: E401@13:3 E401@17:3 E401@22:3 E401@23:3 E401@26:35 E401@28:3
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 公司业务部 { "上市公司": client.listed }
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 100万  allocate pro_rata  rounding 0.01 half_up }
# just beyond each of head office's bounds: points below zero, above the product's ceiling, a target of zero
product 个人住房贷款 {
  points -0.01 per unit
  target 120
}
product 代发工资 {
  points 10.01 per unit
  target 100
}
let 基础分 = 3
product 信用卡 {
  points 基础分 * 2 per unit
  target 0
}
product 电子银行 { points 1 per unit  target 200 }
product 贵宾客户 { points 5 per unit  target -1 }
product 借记卡 {
  points 5.5 per unit
  target 10
}
# exactly at the bounds: nothing to report
product 个人存款 { points 0 per deal  target 60 }
product 其他中间业务 { points 10 per deal  target 0.01 }
product 企业联名卡 { points 5 per unit  target 10 }
audit {
  spot_check 5%
}
