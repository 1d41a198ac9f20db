# expect: E404@2:1 E405@2:1 E401@10:20 E401@11:20 E215@13:9 E403@13:9
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}

targets for 公司业务部 { "上市公司": client.listed }
targets for 机构业务部 { }
set target_ratio = "一成"
set publish_days = 7.5
product 个人住房贷款 { points 10 per unit  target 120 }
product 住房贷款 { points 10 per unit  target 120 }
