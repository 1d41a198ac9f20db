# file comment one
# file comment two

rules "注释" {  # after the header's brace
  # before implements
  implements "办法" version "2026"  # trailing implements
  branch "盘锦分行"  # trailing branch
  # before the header's closing brace
}  # after the header

# before a let, separated by a blank line

let a = 1  # trailing a
# between two lets
let b = 2
# inside an expression, trailing
# inside an expression, alone on its line
let c = a + b
let d = 1
let e = 2  # after two lets on one line

product 个人住房贷款 {
  # first in a block
  points 10 per unit  # trailing points
  # between items
  target 120
  # last in a block
}  # after the closing brace

product 代发工资 {
  points 2 per unit
  target 3
}  # after a one-line block

catalog {
  # before the first entry
  个人住房贷款 code "MORTGAGE"  # trailing entry
  代发工资     code "PAYROLL"  # trailing second entry
  # before the closing brace of the catalogue
} cite "第二条"  # after the cite of the catalogue

gate g on deal {
  require deal.amount > 0  # trailing require
} cite "第二十条"  # after a cite on its own line

reward {
}  # after an empty block

# at the end of the file, one
# at the end of the file, two
