# expect: E216@2:1 E401@7:26 E201@8:44 E301@8:56 E501@9:13 E503@11:29 W201@12:5 E301@13:22 E215@15:9 E403@15:9 E510@16:10
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  effective 2026-01-01 to 2026-12-31
}
# problems of every kind, in no particular order of checks: all are reported, sorted by position
set mortgage_exclusive = 80%
targets for 公司业务部 { "评级": client.rating in 优质评级  "数字": 3 + 4 }
targets for 个人金融部 { "代发": client.payroll }
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": count() > 0 }
let 没用 = 1
product 信用卡 { points "一" per unit  target 300 }
product 个人住房贷款 { points 10 per unit  target 120 }
product 信用 { points 1 per unit  target 3 }
reward { pool 0  allocate pro_rata }
