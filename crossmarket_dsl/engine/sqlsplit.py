"""Art. 19's split as SQL, for `compile --sql`'s script: each `participants` cell read as `rowchecks.py` reads it
(`participants_of`, `fractions_of`), in any dialect sqlglot writes.

A cell is split at `;；、,，`, its items stripped and the empty ones dropped; an item `部门:40%` (or `：`) declares
a share when the rules split `by declared`. For each product and cell the query decides R007 (no participant),
R008 (a name that is no department, a support department, the product's host, a name twice) and R009 (a share
missing, not a number or negative, or shares not adding up to 100) in that order, as the row loop does; a cell
with more items than the rules have departments must name one twice or wrongly (R008). The cells that pass
get their parts: the host's share first (place 0), then each participant's fraction of the deal's points —
the participants' share times the declared share, or divided equally — and the last participant none: it takes
what is left, so that the parts add up to the points exactly.

An equal fraction is the rules' participants' share divided by the count, written into the query to 14 places
for each possible count (a division in SQL would be floating point in DuckDB); a points figure times it is
rounded to 12 places, as the row loop rounds it. The query reads `xm_ledger` and writes these views:

| view | columns |
|---|---|
| `xm_split_cells` | `participants` (the cell, stripped), `items` (its items joined by `;`), `item_count` |
| `xm_split_items` | `participants`, `place` (1, 2, …), `name`, `share` (text), `number` (the share as a number) |
| `xm_split_checks` | `product`, `participants`, `item_count`, `code` (R007–R009, null when the split is good) |
| `xm_splits` | `product`, `participants`, `code`: the failing ones, which the rows query reads |
| `xm_split_parts` | `product`, `participants`, `place`, `department`, `fraction` (null: the remainder) |
"""

from __future__ import annotations

from decimal import Decimal

from sqlglot import exp

from .plan import Plan
from .sqlexpr import CONVERSIONS, WHITESPACE, constant, fill, staged

FRACTION = "DECIMAL(38, 14)"
FRACTION_PLACES = Decimal("1e-14")
SEPARATORS = "；、,，"  # and `;`, which they are made into


def values_table(columns: list[str], rows: list[list[exp.Expression]]) -> exp.Expression:
    """`SELECT … FROM (VALUES …) AS v(columns)`: constants of the rules as a table."""
    values = exp.Values(expressions=[exp.Tuple(expressions=row) for row in rows], alias=exp.TableAlias(
        this=exp.to_identifier("v"), columns=[exp.to_identifier(name) for name in columns]))
    return exp.select(*(exp.column(name, table="v") for name in columns)).from_(values)


def text(value: str) -> exp.Expression:
    return exp.Literal.string(value)


def fraction(value: Decimal) -> exp.Expression:
    """A fraction of the rules, to 14 places."""
    return exp.cast(constant(value.quantize(FRACTION_PLACES)).sql, FRACTION)


def product_list(plan: Plan) -> exp.Expression:
    """`xm_product_list`: name, code, unit, host and position of each product the rules configure."""
    return values_table(["name", "code", "unit", "host", "position"], [
        [text(p.name), text(p.code or ""), text(p.unit), text(p.host), exp.Literal.number(position)]
        for position, p in enumerate(plan.product_list)])


def product_keys(plan: Plan) -> exp.Expression:
    """`xm_product_keys`: each product by name and by code, as a ledger or the indicators may name it."""
    return values_table(["product_key", "name"], [[text(key), text(p.name)] for key, p in plan.products.items()])


def department_list(plan: Plan) -> exp.Expression:
    """`xm_department_list`: name, kind and position of each department the rules declare."""
    return values_table(["name", "kind", "position"], [
        [text(name), text(kind), exp.Literal.number(position)]
        for position, (name, kind) in enumerate(plan.departments.items())])


def cells() -> exp.Expression:
    """Each distinct `participants` cell (stripped as the rows query strips it), its items joined by `;`."""
    separated = fill("REGEXP_REPLACE(TRANSLATE(c, s, ';;;;'), w, ';', 'g')", c=exp.column("participants", table="t"),
                     s=text(SEPARATORS), w=text(f"[{WHITESPACE}]*;[{WHITESPACE}]*"))
    items = fill("TRIM(REGEXP_REPLACE(x, ';;+', ';', 'g'), ';')", x=separated)
    inner = exp.select(exp.alias_(fill("COALESCE(TRIM(l.participants), '')"), "participants")).distinct() \
        .from_(exp.to_table("xm_ledger").as_("l"))
    split = exp.select(exp.column("participants", table="t"), exp.alias_(items, "items")).from_(inner.subquery("t"))
    count = fill("CASE WHEN c.items = '' THEN 0 ELSE LENGTH(c.items) - LENGTH(REPLACE(c.items, ';', '')) + 1 END")
    return exp.select("c.participants", "c.items", exp.alias_(count, "item_count")).from_(split.subquery("c"))


def items(plan: Plan) -> exp.Expression:
    """Each item of each cell, up to as many as the rules have departments: its name and declared share."""
    places = values_table(["place"], [[exp.Literal.number(place)] for place in range(1, len(plan.departments) + 1)])
    colon = fill("REPLACE(SPLIT_PART(c.items, ';', k.place), '：', ':')")
    at = fill("STRPOS(x, ':')", x=colon)
    name = fill("TRIM(CASE WHEN a > 0 THEN LEFT(x, a - 1) ELSE x END)", x=colon, a=at)
    share = fill("CASE WHEN a > 0 THEN TRIM(SUBSTRING(x, a + 1)) ELSE '' END", x=colon, a=at)
    named = exp.select(exp.column("participants", table="c"), exp.column("place", table="k"),
                       exp.alias_(name, "name"), exp.alias_(share, "share")) \
        .from_(exp.to_table("xm_split_cells").as_("c")) \
        .join(places.subquery("k"), on=fill("k.place <= c.item_count"))
    return staged(named, ["participants", "place", "name", "share"], fill("NULLIF(RTRIM(s.share, '%'), '')"),
                  {"number": (CONVERSIONS["num"], "num")})


_CHECKS = """
SELECT p.name AS product, c.participants, c.item_count, CASE
    WHEN c.item_count = 0 THEN 'R007'
    WHEN c.item_count > __most OR a.bad > 0 OR a.names < c.item_count THEN 'R008'
    WHEN __declared AND NOT (c.item_count = 1 AND a.unshared = 1) AND (a.invalid > 0 OR a.total <> 100) THEN 'R009'
  END AS code
FROM xm_product_list AS p
CROSS JOIN xm_split_cells AS c
LEFT JOIN (
  SELECT p.name AS product, i.participants,
    SUM(CASE WHEN d.name IS NULL OR d.kind = 'support' OR i.name = p.host THEN 1 ELSE 0 END) AS bad,
    COUNT(DISTINCT i.name) AS names,
    SUM(CASE WHEN i.number IS NULL OR i.number < 0 THEN 1 ELSE 0 END) AS invalid,
    SUM(i.number) AS total,
    SUM(CASE WHEN i.share = '' THEN 1 ELSE 0 END) AS unshared
  FROM xm_product_list AS p
  CROSS JOIN xm_split_items AS i
  LEFT JOIN xm_department_list AS d ON d.name = i.name
  GROUP BY p.name, i.participants
) AS a ON a.product = p.name AND a.participants = c.participants
"""


def checks(plan: Plan) -> exp.Expression:
    """R007, R008, R009 (or null) for each product and cell, in the row loop's order."""
    return fill(_CHECKS, __most=exp.Literal.number(len(plan.departments)),
                __declared=exp.Boolean(this=plan.declared_split))


def failing() -> exp.Expression:
    return fill("SELECT s.product, s.participants, s.code FROM xm_split_checks AS s WHERE NOT s.code IS NULL")


_PARTS = """
SELECT s.product, s.participants, 0 AS place, p.host AS department, __host AS fraction
FROM xm_split_checks AS s JOIN xm_product_list AS p ON p.name = s.product
WHERE s.code IS NULL
UNION ALL
SELECT s.product, s.participants, i.place, i.name AS department,
  CASE WHEN i.place = s.item_count THEN NULL
    WHEN __declared THEN CAST(__participants * i.number * 0.01 AS DECIMAL(38, 14))
    ELSE __equal END AS fraction
FROM xm_split_checks AS s JOIN xm_split_items AS i ON i.participants = s.participants
WHERE s.code IS NULL
"""


def parts(plan: Plan) -> exp.Expression:
    """The departments of each good split and their fractions (`rowchecks.fractions_of`): the host first."""
    equal = exp.Case(this=exp.column("item_count", table="s"))
    for count in range(2, len(plan.departments) + 1):
        equal = equal.when(exp.Literal.number(count), fraction(plan.participant_share * (Decimal(1) / count)))
    if not equal.args.get("ifs"):
        equal = exp.cast(exp.Null(), FRACTION)
    return fill(_PARTS, __host=fraction(plan.host_share), __declared=exp.Boolean(this=plan.declared_split),
                __participants=constant(plan.participant_share).sql, __equal=equal)
