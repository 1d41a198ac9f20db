rules "盘锦分行公私联动交叉营销实施细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "盘锦分行"
  effective 2026-01-01 to 2026-12-31
}

outlet 兴隆台支行 cite "第十条"
outlet 大洼支行

set mortgage_exclusive = 90%
set completion_floor = 0.5

let 优质评级 = ["AAA", "AA+", "AA"]
let 空 = []

targets for 公司业务部 {
  "优质上市公司": client.listed and client.rating in 优质评级 cite "第九条"
  "说\"引号\"与\\反斜杠": client.type not in ["政府", "部队"]
}

targets for 机构业务部 {
} cite "第八条"

product 个人住房贷款 {
  points 10 per unit
  target 120
}

product 个人理财 {
  points deal.amount / 1万 * 0.5 per deal
  target 2亿
  cite "第十八条"
}

product 信用卡 {
  points 1 per unit when deal.activated and not deal.cancelled
  target 1_000
}

split {
  by declared
}

reward {
  pool 200万元
  allocate pro_rata
  rounding 0.01 half_even
}

audit {
  spot_check 10%
  seed "盘锦分行-2026"
}

statement {
  publish 7 days
}

attribute to outlet {
  "中间业务收入": deal.fee_income
  "新增存款": deal.new_deposits
} cite "第十七条"
