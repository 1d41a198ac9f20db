# expect: E504@13:25 E521@15:12 E520@16:6 E203@17:6 E210@18:6 E210@20:7 E502@20:39 E522@22:1 E521@27:27 E521@28:16 E521@28:26 E520@30:11
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 公司业务部 { "上市公司": client.listed }
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 100万  allocate pro_rata  rounding 0.01 half_up }
audit { spot_check 10% }
award 重点项目突破 for project "P001" {
  when count() >= 1 and client.listed
  cite "第四条"
  to 公司业务部 0
  to 人力资源部 100
  to 公司业务 50
  to 公司业务部 20
}
award 重点项目突破 for client "C001" { when deal.amount > 0  to 个人金融部 10 }
# an objective judged without a target
objective 机构业务部 {
  completion < 60% deduct 100
}
objective 公司业务部 {
  target 800
  completion < 60% deduct 120% of points
  completion < -1 deduct -5
}
objective 财务会计部 { target 100 }
