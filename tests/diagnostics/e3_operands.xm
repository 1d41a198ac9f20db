# expect: E301@13:9 E301@15:13 E301@16:27 E301@18:25 E301@19:22 E301@19:40 E301@19:50 E301@20:26 E301@20:70
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 100万  allocate pro_rata  rounding 0.01 half_up }

let 文本 = "十"
targets for 公司业务部 {
  "数字": 3 + 4
  "字段": client.rating
  "否定": not 3
  "并且": client.listed and 5
}
product 个人住房贷款 { points 文本 * 2 per unit  target 120 }
product 信用卡 { points "一" per unit when 1  target true }
product 个人理财 { points if 3 then deal.amount else 2 per deal  target -"五" }
