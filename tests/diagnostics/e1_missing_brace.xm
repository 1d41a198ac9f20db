# expect: E102@12:1
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}

reward {
  pool 100万
  allocate pro_rata
  rounding 0.01 half_up
