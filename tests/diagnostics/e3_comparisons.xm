# expect: E301@12:9 E301@14:26 E301@16:9
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 100万  allocate pro_rata  rounding 0.01 half_up }

targets for 公司业务部 {
  "评级": "AA" > 3
  "上市": client.listed == true
  "名单": client.rating in "AAA"
  "日期": client.since < 2020-01-01
  "真假": client.listed > false
  "列表": client.x == ["A"]
}
