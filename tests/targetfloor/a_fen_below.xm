# expect: W202@47:10
# 个人理财 149.99 of 1500: a fen below 10%
rules "盘锦分行公私联动交叉营销实施细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "盘锦分行"
  effective 2026-01-01 to 2026-12-31
}

# 第十条、第十四条: the outlets that co-organise marketing and serve clients afterwards.
outlet 兴隆台支行 cite "第十条"
outlet 双台子支行 cite "第十条"
outlet 大洼支行 cite "第十四条"

let 优质评级 = ["AAA", "AA+", "AA"]

# 第九条: target-client criteria of each corporate department.
targets for 公司业务部 {
  "省内利税排名前200名": client.tax_rank <= 利税排名前列 cite "第九条"
  "授信超过亿元的大型企业": client.credit_line > 大型企业授信额度 cite "第九条"
  "优质上市公司": client.listed and client.rating in 优质评级 cite "第九条"
  "年销售额超过亿元的大型企业": client.annual_sales > 大型企业年销售额 cite "第九条"
} cite "第八条"

targets for 机构业务部 {
  "政府、部队、机关团体和事业单位": client.type in ["政府", "部队", "机关", "事业单位"] cite "第九条"
  "省属重点大学与三级医院": client.type in ["大学", "医院"] and client.rating in 优质评级 cite "第九条"
} cite "第八条"

targets for 房地产信贷部 {
  "我行用信的房地产开发楼盘": client.type == "房地产开发" and client.credit_line > 0 cite "第九条"
  "全国房地产企业200强": client.type == "房地产开发" and client.national_rank <= 全国房地产企业排名前列 cite "第九条"
} cite "第八条"

# 第十八条、第十九条: points per unit and targets (10% of next year's product-line indicator).
product 个人住房贷款 {
  points 10 per unit
  target 120
}

product 代发工资 {
  points 2 per unit
  target target_ratio * product.indicator
}

product 个人理财 {
  points deal.amount / 1万 * 0.5 per deal
  target 149.99
}

product 信用卡 {
  points 1 per unit when deal.activated
  target 300
}

product 电子银行 {
  points 1 per unit
  target 200
}

product 贵宾客户 {
  points 5 per unit
  target 40
}

# 第二十一条: monthly spot checks by 内控合规部 (the draw's secret is theirs: `crossmarket audit commit`).
audit {
  spot_check 10%
  cite "第二十一条"
}

# 第二十二条: the reward pool, divided in proportion to department points.
reward {
  pool 200万
  allocate pro_rata
  rounding 0.01 half_up
  cite "第二十二条"
}

# 第十七条: fee income and new deposits belong to the outlet that co-organised the deal.
attribute to outlet {
  "中间业务收入": deal.fee_income
  "新增存款": deal.new_deposits
} cite "第十七条"
