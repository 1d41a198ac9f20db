# expect: E401@14:12 E218@15:3
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 公司业务部 { "上市公司": client.listed }
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 100万  allocate pro_rata  rounding 0.01 half_up }
audit { spot_check 10% }
# just beyond head office's ceiling of 1000 points a department for one breakthrough; 1000 itself passes
award 重点客户突破 for client "C001" {
  to 公司业务部 1001  to 个人金融部 1000
  cite "第四十条"
}
