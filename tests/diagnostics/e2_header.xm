# expect: E216@2:1
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
}
targets for 公司业务部 { "上市公司": client.listed }
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 100万 }
