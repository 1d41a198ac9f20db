# 大连分行公私联动交叉营销实施细则 (2026)
# Stricter than head office where the measure allows it: 90% mortgage share on exclusive projects,
# a 60% completion floor, targets at 12% of next year's indicators, ten days of publication.
# Participants share their 80% by the proportions they agreed (第十九条: 参与部门间分配比例可进行协商).
rules "大连分行公私联动交叉营销实施细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "大连分行"
  effective 2026-01-01 to 2026-12-31
  cite "第二十四条"
}

# 第十条、第十四条: outlets that co-organise marketing and serve the clients afterwards.
outlet 中山支行 cite "第十条"
outlet 西岗支行 cite "第十条"
outlet 沙河口支行 cite "第十条"
outlet 金州支行 cite "第十四条"

set mortgage_exclusive = 90% cite "第二十条"
set completion_floor = 60% cite "第二十二条"
set target_ratio = 12% cite "第十八条"
set publish_days = 10 cite "第二十一条"

let 优质评级 = ["AAA", "AA+"]
let 理财起点金额 = 5万
let 大额理财复核线 = 1000万 cite "第二十一条"

# 第九条: target-client criteria of the three corporate departments, on head office's figures.
targets for 公司业务部 {
  "省内利税排名前200名": client.tax_rank <= 利税排名前列 cite "第九条"
  "授信超过亿元的大型企业": client.credit_line > 大型企业授信额度 cite "第九条"
  "优质上市公司": client.listed and client.rating in 优质评级 cite "第九条"
  "全球500强独资或控股的外资企业": client.global_rank <= 世界五百强 cite "第九条"
  "省内销售额前20名的外贸公司": client.type == "外贸" and client.export_rank <= 外贸公司销售额排名前列 cite "第九条"
} cite "第八条"

targets for 机构业务部 {
  "总分行签约的金融同业": client.type in ["证券", "保险", "银行"] and client.head_office_signed cite "第九条"
  "政府、部队、机关团体和事业单位": client.type in ["政府", "部队", "机关", "事业单位"] cite "第九条"
  "211大学与三级医院": client.type in ["大学", "医院"] and client.rating in 优质评级 cite "第九条"
} cite "第八条"

targets for 房地产信贷部 {
  "我行牵头和参与用信的房地产开发楼盘": client.type == "房地产开发" and client.credit_line > 0 cite "第九条"
  "全国房地产企业200强": client.type == "房地产开发" and client.national_rank <= 全国房地产企业排名前列 cite "第九条"
} cite "第八条"

# 第十九条: the participants' 80% is divided by the shares declared on each deal (电子银行部:60;信用卡中心:40).
split {
  by declared
  cite "第十九条"
}

# 第十八条、第十九条: points by the product's importance and profit; targets for the year.
product 个人住房贷款 {
  points 12 per unit
  target 60
  cite "第二十条"
}

product 代发工资 {
  points 2 per unit
  target target_ratio * product.indicator
  cite "第十八条"
}

product 个人理财 {
  points deal.amount / 1万 * 0.5 per deal when deal.amount >= 理财起点金额
  target 40
}

product 个人贷款 {
  points deal.amount / 10万 per deal
  target 12
}

product 信用卡 {
  points 1 per unit when deal.activated
  target 150
  cite "第十三条"
}

product 企业联名卡 {
  points 2 per unit when deal.activated
  target 60
  cite "第十三条"
}

product 电子银行 {
  points 1 per unit
  target 80
  cite "第十三条"
}

# 第十二条: a product is the way in, a combination of products keeps the client; at year end a client whose
# staff bought from us only once scores half.
gate 客户产品组合 on client at period_end {
  cite "第十二条"
  require count() >= 2
  otherwise scale 50%
}

# 第二十一条: a wealth sale above 10 million must have been reviewed by a second person to score.
gate 大额理财复核 on deal for 个人理财 {
  cite "第二十一条"
  when deal.amount > 大额理财复核线 require deal.reviewed
  otherwise zero
}

# 第二十一条: monthly spot checks by 内控合规部, a larger sample than Panjin's.
audit {
  spot_check 15%
  cite "第二十一条"
}

# 第二十二条、第二十三条: the reward pool, paid to the yuan.
reward {
  pool 350万
  allocate pro_rata
  rounding 1 half_up
  cite "第二十二条"
}

# 第十七条: income and new deposits belong to the outlet that co-organised the deal.
attribute to outlet {
  "中间业务收入": deal.fee_income
  "新增存款": deal.new_deposits
} cite "第十七条"

# 第四条「项目推动」「客户渗透」、第十七条: key projects and clients named by the committee; the year's
# breakthrough with each earns the departments that worked it a special award at year end.
award 西岗万象府项目突破 for project "DL-WX-02" {
  cite "第四条"
  to 房地产信贷部 200
  to 个人金融部 100
} cite "第十七条"

award 远洋船舶综合营销突破 for client "DL0001" {
  cite "第四条"
  when count() >= 20
  to 公司业务部 150
} cite "第十七条"

# 第十七条: each marketing department's year-start target (年初目标, in points). At year end a department
# below 60% of it loses a tenth of its points, one below 80% loses 20 points, and one at 120% or more earns
# a special award; the first line that holds applies.
objective 公司业务部 {
  target 1500
  completion < 60% deduct 10% of points
  completion < 80% deduct 20
  completion >= 120% award 80
  cite "第十七条"
}

objective 机构业务部 {
  target 1500
  completion < 60% deduct 10% of points
  completion < 80% deduct 20
  completion >= 120% award 80
  cite "第十七条"
}

objective 房地产信贷部 {
  target 300
  completion < 60% deduct 10% of points
  completion < 80% deduct 20
  completion >= 120% award 80
  cite "第十七条"
}

objective 个人金融部 {
  target 600
  completion < 60% deduct 10% of points
  completion < 80% deduct 20
  completion >= 120% award 80
  cite "第十七条"
}

objective 电子银行部 {
  target 250
  completion < 60% deduct 10% of points
  completion < 80% deduct 20
  completion >= 120% award 80
  cite "第十七条"
}

objective 信用卡中心 {
  target 300
  completion < 60% deduct 10% of points
  completion < 80% deduct 20
  completion >= 120% award 80
  cite "第十七条"
}
