# 鞍山分行公私联动交叉营销实施细则 (2026)
# A smaller branch with county business (海城、台安): equal split among participants, a 55% completion floor,
# targets at 15% of next year's indicators, a participation floor for each corporate department (art. 17)
# and an outlet that co-organises too few deals scoring less (art. 10, 14).
rules "鞍山分行公私联动交叉营销实施细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "鞍山分行"
  effective 2026-01-01 to 2026-12-31
  cite "第二十四条"
}

outlet 铁东支行 cite "第十条"
outlet 铁西支行 cite "第十条"
outlet 立山支行 cite "第十条"
outlet 海城支行 cite "第十四条"
outlet 台安支行 cite "第十四条"

set completion_floor = 55% cite "第二十二条"
set target_ratio = 15% cite "第十八条"

let 对公部门参与下限 = 12 cite "第十七条"
let 网点协办下限 = 5 cite "第十条"
let 大额代发户数 = 100
let 个人贷款封顶积分 = 20

# 第九条: target-client criteria, with the county items of 公司业务部 (9) spelt out.
targets for 公司业务部 {
  "省内利税排名前200名": client.tax_rank <= 利税排名前列 cite "第九条"
  "年销售额超过亿元的大型企业": client.annual_sales > 大型企业年销售额 cite "第九条"
  "银行有贷款的优质客户": client.loan_balance > 0 and client.rating in ["AAA", "AA+", "AA"] cite "第九条"
  "县域优质公司类企业与农业产业化龙头企业": client.county and client.type in ["县域企业", "农业龙头"] cite "第九条"
} cite "第七条"

targets for 机构业务部 {
  "县级以上政府、机关团体和事业单位": client.type in ["政府", "机关", "事业单位"] cite "第九条"
  "三级医院、省属重点大学、4A级以上景区": client.type in ["医院", "大学", "景区"] cite "第九条"
  "县级以上优质政府投融资平台": client.type == "投融资平台" cite "第九条"
} cite "第七条"

targets for 房地产信贷部 {
  "我行牵头和参与用信的房地产开发楼盘": client.type == "房地产开发" and client.credit_line > 0 cite "第九条"
  "优质客户名录房地产企业的经营性物业": client.type == "经营性物业" and client.listed_premium cite "第九条"
} cite "第七条"

# 第十九条: points per unit, larger payrolls earn more per household; loans by amount, capped per deal.
product 个人住房贷款 {
  points 10 per unit
  target 50
  cite "第二十条"
}

product 代发工资 {
  points if deal.headcount >= 大额代发户数 then 3 else 2 per unit
  target target_ratio * product.indicator
}

product 第三方存管 {
  points 3 per unit
  target 40
}

product 贵宾客户 {
  points 5 per unit when deal.assets >= 50万
  target 30
  cite "第十五条"
}

product 个人贷款 {
  points min(deal.amount / 10万, 个人贷款封顶积分) per deal when deal.amount >= 1万
  target 25
}

product 信用卡 {
  points 1 per unit when deal.activated
  target 200
  cite "第十三条"
}

product 电子银行 {
  points 1 per unit
  target 150
  cite "第十三条"
}

# 第二条: personal deposits, debit cards and other intermediary business (基金定投, 代理保险 …).
product 个人存款 {
  points deal.amount / 10万 per deal
  target 60
  cite "第二条"
}

product 借记卡 {
  points 0.5 per unit
  target 300
  cite "第二条"
}

product 其他中间业务 {
  points 2 per deal
  target 40
  cite "第二条"
}

# 第十七条: a corporate department that took part in fewer than 12 cross-sales in the year has its
# points halved (完成情况不理想的部门对照年初目标进行扣分).
gate 对公部门参与下限 on department at period_end {
  cite "第十七条"
  when department.name in ["公司业务部", "机构业务部", "房地产信贷部"] require count() >= 对公部门参与下限
  otherwise scale 50%
}

# 第十条、第十四条: an outlet named on fewer than five deals did not really co-organise; those deals score 80%.
gate 网点协办 on outlet at period_end {
  cite "第十条"
  cite "第十四条"
  require count() >= 网点协办下限
  otherwise scale 80%
}

audit {
  spot_check 20%
  cite "第二十一条"
}

reward {
  pool 80万
  allocate pro_rata
  rounding 10 down
  cite "第二十二条"
}

# 第十七条: only new deposits are attributed to outlets here.
attribute to outlet {
  "新增存款": deal.new_deposits
} cite "第十七条"
