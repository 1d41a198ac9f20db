# expect: E210@13:8 E210@15:5 E210@17:9 E210@17:50 E210@18:13 E210@18:51 E210@19:1 E210@21:6 E210@21:59
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 公司业务部 { "上市公司": client.listed }
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 100万  allocate pro_rata  rounding 0.01 half_up }

outlet 兴隆台支行
outlet 兴隆台支行
let 基础分 = 5
let 基础分 = 6
product 个人住房贷款 { points 基础分 per unit  target 120 }
product 个人住房贷款 { points 10 per unit  target 120  target 130 }
targets for 公司业务部 { "优质": client.rating == "AAA"  "优质": client.rating == "AA" }
reward { pool 50万 }
gate 本行门槛 on client { require count() >= 1 }
gate 本行门槛 on client { require count() >= 2 otherwise zero otherwise zero }
