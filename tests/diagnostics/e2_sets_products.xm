# expect: E214@12:5 E214@13:5 E215@14:9 E403@14:9 E215@15:9 E403@15:9 E204@16:26
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 公司业务部 { "上市公司": client.listed }
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 100万  allocate pro_rata  rounding 0.01 half_up }

set mortgage_exlusive = 90%
set 基础分 = 3
product 个人住房贷 { points 10 per unit  target 120 }
product 房产 { points 10 per unit  target 120 }
gate 楼盘门槛 on project for 信用 { require count() >= 3 }
