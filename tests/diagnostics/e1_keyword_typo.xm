# expect: E103@9:1
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}

targets for 公司业务部 { "上市公司": client.listed }
prodcut 个人住房贷款 { points 10 per unit  target 120 }
