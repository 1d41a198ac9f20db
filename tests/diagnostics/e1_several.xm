# expect: E101@8:13 E103@10:28
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}

let 基础分 = 5 @ 2
product 个人住房贷款 { points 10 per unit  target 120 }
product 信用卡 { points 1 per target 300 }
