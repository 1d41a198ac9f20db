# 《商业银行公私联动交叉营销管理办法》— head office's measure as code.
# Every figure and rule of the measure that can be computed is written here, with its article.
measure "商业银行公私联动交叉营销管理办法" version "2026" {
  issuer "省分行"
  schema "head-office-2026"  # schemas/head-office-2026.schema.json
  effective 2026-01-01 to 2026-12-31
  cite "第二十四条"  # branches file their rules with head office
}

# 第二条: 对公 and 零售 departments; 第五条: the committee and its office (个人金融部);
# 第七条: the corporate departments screen target clients; 第十三条: retail channel departments.
department 公司业务部 corporate cite "第七条"
department 机构业务部 corporate cite "第七条"
department 房地产信贷部 corporate cite "第七条"
department 个人金融部 retail cite "第五条"
department 电子银行部 retail cite "第十三条"
department 信用卡中心 retail cite "第十三条"
department 人力资源部 support cite "第二十二条"
department 财务会计部 support cite "第十七条"
department 科技部 support cite "第五条"
department 内控合规部 support cite "第二十一条"

param host_share = 20% cite "第十九条"
param participant_share = 80% cite "第十九条"
param mortgage_exclusive = 85% cite "第二十条"
param completion_floor = 50% cite "第二十二条"
param target_ratio = 10% cite "第十八条"
param publish_days = 7 cite "第二十一条"

# 第九条: the figures of head office's suggested target-client standards, for branches' criteria.
let 利税排名前列 = 200 cite "第九条"
let 大型企业授信额度 = 1亿 cite "第九条"
let 大型企业年销售额 = 1亿 cite "第九条"
let 外贸公司销售额排名前列 = 20 cite "第九条"
let 全国房地产企业排名前列 = 200 cite "第九条"
let 世界五百强 = 500 cite "第九条"

# 第二条: the retail products that may be cross-sold, with their host department (产品主办部门).
catalog {
  个人住房贷款 code "MORTGAGE"  host 个人金融部 unit "户" cite "第二十条"
  代发工资     code "PAYROLL"   host 个人金融部 unit "户"
  个人理财     code "WEALTH"    host 个人金融部 unit "笔"
  第三方存管   code "CUSTODY"   host 个人金融部 unit "户"
  贵宾客户     code "VIP"       host 个人金融部 unit "户" cite "第十五条"
  个人贷款     code "PLOAN"     host 个人金融部 unit "笔"
  信用卡       code "CARD"      host 信用卡中心 unit "张" cite "第十三条"
  企业联名卡   code "COBRAND"   host 信用卡中心 unit "张" cite "第十三条"
  电子银行     code "EBANK"     host 电子银行部 unit "户" cite "第十三条"
  个人存款     code "DEPOSIT"   host 个人金融部 unit "户"
  借记卡       code "DEBIT"     host 个人金融部 unit "张"
  其他中间业务 code "OTHER_FEE" host 个人金融部 unit "笔"
} cite "第二条"

# 第三条: the host department leads, the other departments assist;
# 第十九条: the host keeps 20% of a product's points, the participants share 80%.
split {
  host host_share
  participants participant_share
  by equal
  cite "第三条"
  cite "第十九条"
}

# 第二十条: housing projects whose mortgage households (户数, not ledger rows) fall short of the bank's share
# score nothing on their mortgages.
gate 住房按揭最低户数 on project for 个人住房贷款 {
  cite "第二十条"
  when project.dev_loan == "exclusive" require households() >= mortgage_exclusive * project.total_mortgages
  when project.dev_loan == "partial" require households() >= project.dev_loan_share * project.total_mortgages
  otherwise zero
}

# 第二十二条: a product below half its target at the end of the period counts for nothing.
gate 产品完成率下限 on product at period_end {
  cite "第二十二条"
  require sum(deal.quantity) >= completion_floor * product.target
  otherwise zero
}

# 第二十一条: monthly figures are published for a week.
statement {
  publish publish_days days
  cite "第二十一条"
}
