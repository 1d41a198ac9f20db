# expect: E509@11:18 E513@12:9 E513@13:10 E514@15:61 E401@16:21
rules "测试细则" {
  implements "商业银行公私联动交叉营销管理办法" version "2026"
  branch "测试分行"
  effective 2026-01-01 to 2026-12-31
}
targets for 公司业务部 { "上市公司": client.listed }
targets for 机构业务部 { "机关": client.type == "机关" }
targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }
reward { pool 200万  allocate pro_rata  rounding 0.01 half_up }
set host_share = 999999999999999999999999999
let 大 = 1亿 * 1亿 * 1亿 * 1亿
let 更大 = 大 * 大
let 空 = null
gate 客户门槛 on client { require count() >= 2  otherwise scale 空 }
statement { publish 1亿 days }
audit { spot_check 10% }
product 个人住房贷款 { points 10 per unit  target 120 }
product 个人理财 { points round(deal.amount, 30) per deal  target 10 }
