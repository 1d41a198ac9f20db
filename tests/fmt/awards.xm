# year-start targets and key-project awards (art. 4, 17), written loosely
rules "x" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "大连分行"
  effective 2026-01-01 to 2026-12-31
}
# key project
award 重点项目突破 for project "DL-HY-01" {
  cite "第四条"
  when count() >= 2   # two deals
  to 公司业务部 300
  to 个人金融部 200
} cite "第十七条"
award 重点客户 for client "C1" { to 公司业务部 1.5万 }
objective 公司业务部 {
  target 800
  completion < 60% deduct 20% of points
  completion<80% deduct 50
  completion >= 120% award 100 cite "第十七条"
}
