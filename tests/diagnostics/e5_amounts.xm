# expect: E506@5:3 E402@10:25 E505@10:25 E510@11:10 E510@11:48 E509@12:9 E509@14:61
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2025-07-01 to 2026-06-30
}
targets for 公司业务部 { "上市公司": client.listed }
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
set participant_share = 90%
reward { pool -5万  allocate pro_rata  rounding 0 half_up }
audit { spot_check 150%  seed "测试" }
product 个人住房贷款 { points 10 per unit  target 120 }
gate 客户门槛 on client { require count() >= 2  otherwise scale 120% }
