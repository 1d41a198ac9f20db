# expect: E218@11:14 E218@13:3 E218@16:51 E212@18:1
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 公司业务部 { "上市公司": client.listed }
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
audit { spot_check 10% }
outlet 兴隆台支行 cite "第九十九条"
reward {
  cite "第二十二"
  pool 100万  allocate pro_rata  rounding 0.01 half_up
}
product 个人住房贷款 { points 10 per unit  target 120 } cite "第20条"
# a branch cannot add articles to head office's measure
article 第二十六条 "分支行自定条款"
