rules "表达式" {
}

let plain = a + b * c - d / e
let grouped = (a + b) * (c - d)
let left_nested = a - b - c - (d - e)
let division = a / (b / c) * (d * e)
let negation = -a * -(b + c) - -5 + --d
let negative_call = -min(a, -b)
let comparisons = (a + 1 >= b * 2) == true
let membership = deal.x in [1, 2, 3] or deal.y not in ["A", "B"] and (deal.z in 名单) == false
let logic = not a and (b or c) or not (d and e) or not not f
let not_compare = (not a) == b
let precedence = a or b and c or (d or e) and f
let conditional = if a > 1 then if b then 1 else 2 else if c then 3 else 4
let conditional_operand = (if a then 1 else 2) + (if b then 3 else 4) * 5
let conditional_negated = -(if a then 1 else 2)
let conditional_condition = if if a then b else c then d else e
let calls = round(max(a, b) / abs(c - 1), 2)
let aggregates = count() + sum(deal.amount * 2) / average(deal.quantity)
let literals = [85%, 12.5%, 1_000_000, 5万, 1.2亿, 10万元, 300元, 2026-01-01, true, false, null, "a\"b\\c"]
let parenthesised_atoms = a + 1
let long_chain = a + b + c + d + e
let right_chain = a + (b + (c + d))
