# expect: E501@10:13 E503@11:50 E504@11:81 W201@12:5 E504@12:10 E504@13:30 E504@13:83 E502@15:11 E503@15:38 E504@15:68 E504@18:52
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 100万  allocate pro_rata  rounding 0.01 half_up }
targets for 个人金融部 { "代发客户": client.payroll == true }
targets for 公司业务部 { "上市公司": client.listed  "大额": sum(client.assets) > 1亿  "成交": deal.amount > 0 }
let 门槛 = client.assets * 2
product 个人住房贷款 { points 10 + department.name per unit  target product.indicator * deal.quantity }
gate 楼盘集中度 on project for 个人住房贷款 {
  require deal.amount > 100万 and sum(maximum(deal.amount)) > 0 and client.rating == "AAA"
}
gate 单笔 on deal { require deal.amount > 0 and count() >= 1 }
attribute to outlet { "收入": deal.fee_income  "客户": client.assets }
