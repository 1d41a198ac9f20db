measure "商业银行公私联动交叉营销管理办法"   version "2026" { issuer "省分行" schema "head-office-2026" cite "第二十四条" }
department 公司业务部 corporate cite "第七条" department 个人金融部 retail
    department 科技部 support
param host_share=20%  cite "第十九条"
  param participant_share   =   80%
let 大型企业授信额度 = 1亿
catalog {
个人住房贷款 code "MORTGAGE" host 个人金融部 unit "户" cite "第二十条"
      代发工资 code "PAYROLL" host 个人金融部
  unit "户"
  信用卡 code "CARD"   host 信用卡中心 unit "张"
  EBANK
} cite "第二条"
split { host host_share participants participant_share by equal cite "第三条" cite "第十九条" }
gate 住房按揭最低户数 on project for 个人住房贷款 { cite "第二十条"
  when project.dev_loan == "exclusive" require count() >= mortgage_exclusive * project.total_mortgages
  when project.dev_loan=="partial"   require count()>=project.dev_loan_share*project.total_mortgages
  otherwise zero }
gate 产品完成率下限 on product at period_end { require sum(deal.quantity) >= completion_floor * product.target otherwise scale 50% }
gate 部门 on department {}
statement { publish publish_days days cite "第二十一条" }
