# expect: E211@12:7 E212@13:1 E211@14:12 E212@15:1 E211@16:5 E211@17:11 E211@18:6 E213@19:9 E505@19:14
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 公司业务部 { "上市公司": client.listed }
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 100万  allocate pro_rata  rounding 0.01 half_up }

param mortgage_exclusive = 90%
param 本行参数 = 3
department 公司业务部 corporate
department 营业部 retail
let completion_floor = 60%
catalog { 个人住房贷款 code "MORTGAGE" host 个人金融部 unit "户" }
gate 产品完成率下限 on product { require sum(deal.quantity) >= product.target }
split { host 30%  by declared }
product 个人住房贷款 { points 10 per unit  target 120 }
