"""`crossmarket compile RULES --sql DIALECT`: the branch's rules as one SQL script over its raw tables, down to
department points, product totals and completion, for a bank's warehouse team to run where its data lives.

The script reads the tables as a warehouse keeps them, every column text as in the CSV files (`ledger` with
the spreadsheet's `row_number`, `clients`, `projects`, `target_list`, `audit`, `indicators`), and makes one
table a stage (temporary; on Spark, which has none, a Parquet table of the current database), each named `xm_…`
so that none shadows a table of the warehouse's own:

1. the tables read as `inputs.py` reads them: keys stripped, the cells the rules read converted as the row
   loop converts them (`sqlexpr.py`), a project's art. 20 columns made exact, the target list (given, its
   spells merged; or derived from the clients register by the criteria, art. 7–9), the audit's rejections;
2. the split of art. 19 (`sqlsplit.py`), then the rows query (`sqlplan.py`): each row's code or points;
3. the gates of every scope (`sqlgates.py`), each group passed or not, and their factors on the deals;
4. department points (the split applied, the gates applied: a deal a failing department gate judges is split
   on its own, the others by product, participants and staff cell, as `totals.py` adds them up), product
   totals and completion against the target.

What comes after the totals — art. 4 and 17's awards and deductions at year end, art. 22's reward pool by
largest remainder — stays in crossmarket, as the script's header says. A rule the SQL cannot keep exact
raises `Unsupported`, which `compile --sql` reports as X204.

A share and a gated figure are rounded to 12 places half up where crossmarket rounds half to even: they
can differ only in the twelfth place, and only when the thirteenth digit is a tie, which the four places
shown never see. No value is ever a floating-point number: the completion is divided in whole numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from . import sqlsplit
from .contract import Window
from .inputs import DEV_LOAN, VERDICTS
from .plan import GatePlan, Plan
from .sqlexpr import DECIMAL, Typed, as_bool, as_number, compile_sql, constant, fill, staged_columns
from .sqlgates import KEYS, gate_query
from .sqlplan import KEY_COLUMNS, lookup_field, rows_query
from .sqlsplit import text
from .sqltext import render, settings_sql, spelled_out

KINDS = ("num", "bool", "date")  # a lookup column's conversions, as the rules may read it
RAW_TABLES = ("ledger", "clients", "projects", "target_list", "audit", "indicators")
RESULTS = ("xm_rows", "xm_gates", "xm_departments", "xm_products")
_RENAMED = {"ledger": "xm_ledger", "clients": "xm_clients", "projects": "xm_projects", "target_list": "xm_target_list",
            "splits": "xm_splits", "audit_rejected": "xm_audit_rejected", "decided": "xm_rows",
            "product_info": "xm_product_info", "split_departments": "xm_split_parts"}


@dataclass(frozen=True)
class Stage:
    """One view of the script: its name, its query, and what it is for (Chinese, English, the article)."""

    name: str
    query: exp.Expression
    zh: str
    en: str
    article: str = ""


def stages(plan: Plan, window: Window, derive_targets: bool) -> list[Stage]:
    """Every view of the script, in the order they are made."""
    gates = [gate for gate in plan.gates if window.monthly is False or not gate.at_period_end]
    rows = rows_query(plan, window, list(dict.fromkeys([*KEY_COLUMNS, *plan.cell_fields])))
    return [
        Stage("xm_ledger", _ledger(plan), "交易台账：行号转为整数，只取规则读取的列", "the ledger: its row number as an "
              "integer, the columns the rules read"),
        Stage("xm_product_list", sqlsplit.product_list(plan), "规则配置的产品及其主办部门", "the products the rules "
              "configure, and their host departments", "第十八条"),
        Stage("xm_product_keys", sqlsplit.product_keys(plan), "产品名称与代码", "products by name and by code"),
        Stage("xm_department_list", sqlsplit.department_list(plan), "规则声明的部门", "the departments the rules "
              "declare"),
        Stage("xm_clients", _lookup(plan, "clients", "client_id"), "客户表：客户号去空格，规则读取的列换算为数值、是否、"
              "日期", "clients: the id stripped, the columns the rules read as a number, a yes/no and a date"),
        Stage("xm_projects", _lookup(plan, "projects", "project_id"), "楼盘表：第二十条的开发贷款规范化",
              "housing projects, art. 20's development loan made one of exclusive, partial, none", "第二十条"),
        Stage("xm_target_list", _derived_targets(plan) if derive_targets else _given_targets(),
              "目标客户名单" + ("（由客户表按认定标准生成）" if derive_targets else "（重叠的期间合并）"),
              "the target list" + (", derived from the clients register by the criteria" if derive_targets
                                   else ", overlapping spells of a client made one"), "第七条至第九条"),
        Stage("xm_audit_rejected", _audit_rejected(), "内控抽查驳回的交易", "the deals the audit rejected", "第二十一条"),
        Stage("xm_split_cells", sqlsplit.cells(), "参与部门单元格：按 ;；、,， 分隔，去空格", "participants cells, "
              "split at ;；、,， and stripped", "第十九条"),
        Stage("xm_split_items", sqlsplit.items(plan), "每个参与部门及其申报比例", "each participant and its declared "
              "share", "第十九条"),
        Stage("xm_split_checks", sqlsplit.checks(plan), "参与部门的检查：R007、R008、R009", "the participants checked: "
              "R007, R008, R009", "第十九条"),
        Stage("xm_splits", sqlsplit.failing(), "有误的参与部门单元格", "the participants cells that fail", "第十九条"),
        Stage("xm_split_parts", sqlsplit.parts(plan), "积分分配：主办部门份额，参与部门按比例或平均，最后一个取余数",
              "the split: the host's share, the participants' declared or equal fractions, the last one the "
              "remainder", "第十九条"),
        Stage("xm_rows", _renamed(rows.query), "逐行计算：拒绝原因代码（R001–R013）或积分", "each row: its reason "
              "code (R001–R013) or its points", "第十八条、第十九条"),
        Stage("xm_product_info", _product_info(plan), "产品的指标与目标", "each product's indicator and target",
              "第十八条"),
        Stage("xm_gates", _gates(plan, gates), "门槛：每个范围的每一组是否通过及其系数", "the gates: each group of "
              "each scope, passed or not, and its factor", _articles(gates)),
        Stage("xm_deal_parts", _deal_parts(plan, gates), "报告期内受理的交易按部门拆分，附门槛系数", "each accepted "
              "deal of the reported dates by department, with the gates' factors"),
        Stage("xm_shares", _shares(), "部门份额：门槛已计入，同一产品、参与部门、营销人员的交易合并后分配",
              "departments' shares, the gates applied; deals of one product, participants and staff cell split "
              "together", "第十九条"),
        Stage("xm_departments", _departments(), "部门积分（年终奖惩调整前）", "department points (before the "
              "year-end awards and deductions)", "第十九条"),
        Stage("xm_products", _products(), "产品合计：积分、数量、笔数、目标完成率", "product totals: points, quantity, "
              "deals, completion of the target", "第十八条"),
    ]


def _articles(gates: list[GatePlan]) -> str:
    return "、".join(dict.fromkeys(cite for gate in gates for cite in gate.cite))


# ---- the tables as read ----------------------------------------------------------------------------

def _ledger(plan: Plan) -> exp.Expression:
    columns = dict.fromkeys([*KEY_COLUMNS, *plan.cell_fields])
    return exp.select(exp.alias_(exp.cast(exp.column("row_number", table="l"), "BIGINT"), "row_number"),
                      *(exp.column(name, table="l", quoted=True) for name in columns)) \
        .from_(exp.to_table("ledger").as_("l"))


def _cell(table: str, name: str) -> exp.Expression:
    return exp.column(name, table=table, quoted=True)


def _lookup(plan: Plan, table: str, key: str) -> exp.Expression:
    """`clients` or `projects` as `sqlplan.lookup_tables` gives them: the key stripped, each column the rules read
    stripped and followed by its conversions `__num`, `__bool`, `__date` (empty keys left out). The text is made
    first, in a query of its own, then each conversion a subquery a stage (`sqlexpr.staged_columns`): written
    out in one expression, a number's conversion repeats its text some fifty times."""
    scope = table[:-1]
    read = [name for name in dict.fromkeys([*plan.fields.get(scope, {}), *plan.criteria_fields.get(scope, {})])
            if name != key]
    stripped_key = fill("COALESCE(TRIM(x), '')", x=_cell("t", key))
    texts = exp.select(exp.alias_(stripped_key, key, quoted=True),
                       *(exp.alias_(fill("COALESCE(x, '')", x=_normalised(table, name, fill(
                           "NULLIF(TRIM(x), '')", x=_cell("t", name)))), name, quoted=True) for name in read)) \
        .from_(exp.to_table(table).as_("t"))
    converted = staged_columns(texts, [key, *read], {name: list(KINDS) for name in read})
    return exp.select(exp.Star()).from_(converted.subquery("s")) \
        .where(exp.NEQ(this=_cell("s", key), expression=text("")))


def _normalised(table: str, name: str, value: exp.Expression) -> exp.Expression:
    """Art. 20's development loan as `inputs._projects` makes it: one of exclusive, partial, none."""
    if table != "projects" or name != "dev_loan":
        return value
    case = exp.Case(this=fill("LOWER(x)", x=value))
    for word, kind in DEV_LOAN.items():
        case = case.when(text(word.lower()), text(kind))
    return case


_GIVEN_TARGETS = """
SELECT m.client_id, MIN(m.date_from) AS date_from, MAX(m.date_to) AS date_to
FROM (
  SELECT r.*, SUM(CASE WHEN r.reach IS NULL OR r.date_from > r.reach THEN 1 ELSE 0 END)
    OVER (PARTITION BY r.client_id ORDER BY r.date_from, r.date_to ROWS UNBOUNDED PRECEDING) AS spell
  FROM (
    SELECT s.*, MAX(s.date_to) OVER (PARTITION BY s.client_id ORDER BY s.date_from, s.date_to
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM (
      SELECT COALESCE(t.client_id, '') AS client_id,
        COALESCE(t.from__date, CAST('0001-01-01' AS DATE)) AS date_from,
        COALESCE(t.to__date, CAST('9999-12-31' AS DATE)) AS date_to
      FROM xm_target_dates AS t
    ) AS s
  ) AS r
) AS m
GROUP BY m.client_id, m.spell
"""


def _given_targets() -> exp.Expression:
    """The target list's spells, overlapping ones of a client made one (the rows query joins a deal to the
    one spell holding its date); an empty `from` or `to` is open."""
    texts = exp.select(*(exp.alias_(fill("TRIM(x)", x=_cell("t", name)), name, quoted=True)
                         for name in ("client_id", "from", "to"))).from_(exp.to_table("target_list").as_("t"))
    dated = staged_columns(texts, ["client_id", "from", "to"], {"from": ["date"], "to": ["date"]})

    def swap(node):
        if isinstance(node, exp.Table) and node.name == "xm_target_dates":
            return dated.subquery("t")
        return node
    return fill(_GIVEN_TARGETS).transform(swap)


def _derived_targets(plan: Plan) -> exp.Expression:
    """Art. 7–9 for a branch that keeps no target list: the clients meeting any criterion, for the whole period."""
    def field(scope: str, name: str) -> Typed:
        return lookup_field("c", name) if scope == "client" else Typed(exp.Null(), "null")

    meets = [fill("COALESCE(x, FALSE)", x=as_bool(compile_sql(criterion_tree, plan.constants, field)))
             for criterion_tree in (criterion.tree for criterion in plan.criteria)]
    return exp.select("c.client_id", exp.alias_(fill("CAST('0001-01-01' AS DATE)"), "date_from"),
                      exp.alias_(fill("CAST('9999-12-31' AS DATE)"), "date_to")) \
        .from_(exp.to_table("xm_clients").as_("c")).where(exp.or_(*meets) if meets else exp.false())


def _audit_rejected() -> exp.Expression:
    """The deals a verdict of the audit table rejects (`驳回`, `rejected`, …), their ids as written."""
    deal = fill("TRIM(a.deal_id)")
    written = fill("CASE WHEN LEFT(d, 1) = '''' AND SUBSTRING(d, 2, 1) IN ('=', '+', '-', '@') THEN SUBSTRING(d, 2) "
                   "ELSE d END", d=deal)
    rejected = [text(word.lower()) for word, verdict in VERDICTS.items() if verdict == "rejected"]
    return exp.select(exp.alias_(written, "deal_id")).distinct().from_(exp.to_table("audit").as_("a")) \
        .where(exp.In(this=fill("LOWER(TRIM(a.verdict))"), expressions=rejected))


def _product_info(plan: Plan) -> exp.Expression:
    """Each product's `product.*` row for the gates: its indicator (art. 18) from the indicators table, and its
    target computed from it as the rules write it."""
    reads_indicator = "indicator" in plan.fields.get("product", {})

    def field(scope: str, name: str) -> Typed:
        if scope == "product" and name == "indicator":
            return Typed(exp.column("indicator", table="i"), "num")
        if scope == "product" and name in ("name", "code", "unit"):
            return Typed(fill("NULLIF(x, '')", x=exp.column(name, table="p")), "text")
        return Typed(exp.Null(), "null")

    target = exp.Case(this=exp.column("name", table="p"))
    for product in plan.product_list:
        if product.target_tree is not None:
            target = target.when(text(product.name), as_number(compile_sql(product.target_tree, plan.constants, field)))
    target = target if target.args.get("ifs") else exp.cast(exp.Null(), DECIMAL)
    if reads_indicator:
        texts = exp.select(exp.alias_(fill("TRIM(n.product)"), "product"), exp.alias_(fill("TRIM(n.indicator)"),
                                                                                     "indicator")) \
            .from_(exp.to_table("indicators").as_("n"))
        converted = staged_columns(texts, ["product", "indicator"], {"indicator": ["num"]})
        indicators = exp.select("k.name", exp.alias_(fill("MIN(n.indicator__num)"), "indicator")) \
            .from_(converted.subquery("n")) \
            .join(exp.to_table("xm_product_keys").as_("k"), on=fill("k.product_key = n.product")) \
            .group_by("k.name")
    else:
        indicators = exp.select("p.name", exp.alias_(exp.cast(exp.Null(), DECIMAL), "indicator")) \
            .from_(exp.to_table("xm_product_list").as_("p"))
    return exp.select("p.name", "p.code", "p.unit", "i.indicator", exp.alias_(exp.cast(target, DECIMAL), "target"),
                      "p.position") \
        .from_(exp.to_table("xm_product_list").as_("p")) \
        .join(indicators.subquery("i"), on="i.name = p.name", join_type="left")


# ---- gates -----------------------------------------------------------------------------------------

def _gates(plan: Plan, gates: list[GatePlan]) -> exp.Expression:
    """Every gate's groups, each passed or not, with the factor its deals get (1 when it passed)."""
    selects = []
    for index, gate in enumerate(gates):
        query = _renamed(gate_query(plan, gate).query)
        query.set("order", None)
        clauses = len(gate.clauses)
        failed = [fill("COALESCE(a, FALSE) AND NOT COALESCE(h, FALSE)", a=exp.column(f"applies_{i}", table="g"),
                       h=exp.column(f"holds_{i}", table="g")) for i in range(clauses)]
        passed = exp.not_(exp.paren(exp.or_(*failed))) if failed else exp.true()
        factor = exp.cast(exp.Case().when(passed.copy(), exp.Literal.number(1)).else_(constant(gate.factor).sql), DECIMAL)
        selects.append(exp.select(
            exp.alias_(exp.Literal.number(index), "gate_index"), exp.alias_(text(gate.name), "gate"),
            exp.alias_(text(gate.scope), "scope"), exp.alias_(text(gate.product or ""), "product"),
            exp.alias_(exp.cast(exp.column("key", table="g"), "VARCHAR"), "key"), "g.first", "g.deals",
            exp.alias_(passed, "passed"), exp.alias_(factor, "factor")).from_(query.subquery("g")))
    if not selects:
        return fill("SELECT 0 AS gate_index, '' AS gate, '' AS scope, '' AS product, '' AS key, 0 AS first, "
                    "0 AS deals, TRUE AS passed, CAST(1 AS DECIMAL(38, 12)) AS factor FROM (SELECT 1 AS one) AS none "
                    "WHERE 1 = 0")
    union = selects[0]
    for select in selects[1:]:
        union = exp.union(union, select, distinct=False)
    return union


def _failing(index: int, gate: GatePlan, alias: str, key: exp.Expression, product: exp.Expression):
    """The join of a deal (or a deal's department) to the failing group of gate `index` it is in."""
    failing = fill("SELECT f.key, f.factor FROM xm_gates AS f WHERE f.gate_index = i AND NOT f.passed",
                   i=exp.Literal.number(index))
    on = exp.EQ(this=exp.column("key", table=alias), expression=key)
    if gate.product is not None:
        on = exp.and_(on, exp.EQ(this=product, expression=text(gate.product)))
    return failing.subquery(alias), on


def _times(factors: list[exp.Expression]) -> exp.Expression:
    """The factors multiplied, each step kept to 12 places (a factor of the rules has a few)."""
    found: exp.Expression = exp.cast(exp.Literal.number(1), DECIMAL)
    for factor in factors:
        found = exp.cast(exp.Mul(this=found, expression=fill("COALESCE(x, 1)", x=factor)), DECIMAL)
    return found


def _deal_parts(plan: Plan, gates: list[GatePlan]) -> exp.Expression:
    """Each accepted deal of the reported dates, once for each department of its split, with the factor of the
    failing gates on the deal (`deal_factor`) and on that department (`department_factor`), and whether a
    department gate failed on any of its departments (`alone`: such a deal is split on its own, `totals.add_up`)."""
    select = exp.select("d.row_number", "d.product", "d.participants", "d.staff", "d.points", "sp.place",
                        "sp.department", "sp.fraction") \
        .from_(exp.to_table("xm_rows").as_("d")) \
        .join(exp.to_table("xm_split_parts").as_("sp"), on="sp.product = d.product AND sp.participants = d.participants")
    on_deal, on_department = [], []
    for index, gate in enumerate(gates):
        alias = f"f{index}"
        if gate.scope == "department":
            table, on = _failing(index, gate, alias, exp.column("department", table="sp"), exp.column("product", table="d"))
            on_department.append(alias)
        else:
            table, on = _failing(index, gate, alias, exp.column(KEYS[gate.scope], table="d"),
                                 exp.column("product", table="d"))
            on_deal.append(alias)
        select = select.join(table, on=on, join_type="left")
    gated = exp.or_(*(exp.not_(exp.Is(this=exp.column("key", table=alias), expression=exp.Null()))
                      for alias in on_department)) if on_department else exp.false()
    select = select.select(
        exp.alias_(_times([exp.column("factor", table=alias) for alias in on_deal]), "deal_factor"),
        exp.alias_(_times([exp.column("factor", table=alias) for alias in on_department]), "department_factor"),
        exp.alias_(gated, "department_gated"), copy=False)
    select = select.where("d.code IS NULL AND d.reported")
    return exp.select("p.*", exp.alias_(fill("MAX(CASE WHEN p.department_gated THEN 1 ELSE 0 END) "
                                             "OVER (PARTITION BY p.row_number) = 1"), "alone")) \
        .from_(select.subquery("p"))


_SHARES = """
SELECT g.product, g.place, g.department,
  COALESCE(g.share, g.total - SUM(g.share) OVER (PARTITION BY g.product, g.participants, g.staff)) AS points
FROM (
  SELECT t.product, t.participants, t.staff, t.total, sp.place, sp.department,
    CAST(t.total * sp.fraction AS DECIMAL(38, 12)) AS share
  FROM (
    SELECT p.product, p.participants, p.staff, SUM(CAST(p.points * p.deal_factor AS DECIMAL(38, 12))) AS total
    FROM xm_deal_parts AS p WHERE NOT p.alone AND p.place = 0
    GROUP BY p.product, p.participants, p.staff
  ) AS t
  JOIN xm_split_parts AS sp ON sp.product = t.product AND sp.participants = t.participants
) AS g
UNION ALL
SELECT a.product, a.place, a.department,
  CAST(COALESCE(a.share, a.points - SUM(a.share) OVER (PARTITION BY a.row_number))
       * CAST(a.deal_factor * a.department_factor AS DECIMAL(38, 12)) AS DECIMAL(38, 12)) AS points
FROM (
  SELECT p.*, CAST(p.points * p.fraction AS DECIMAL(38, 12)) AS share FROM xm_deal_parts AS p WHERE p.alone
) AS a
"""


def _shares() -> exp.Expression:
    return fill(_SHARES)


_DEPARTMENTS = """
SELECT l.name AS department, COALESCE(s.points, CAST(0 AS DECIMAL(38, 12))) AS points, l.position
FROM xm_department_list AS l
LEFT JOIN (SELECT department, SUM(points) AS points FROM xm_shares GROUP BY department) AS s ON s.department = l.name
WHERE l.kind <> 'support' OR NOT s.points IS NULL
"""


def _departments() -> exp.Expression:
    return fill(_DEPARTMENTS)


_PRODUCTS = """
SELECT p.name AS product, p.code, t.quantity, t.deals, t.points, i.target, __completion AS completion,
  z.key IS NULL AS counted, p.position
FROM xm_product_list AS p
JOIN xm_product_info AS i ON i.name = p.name
JOIN (
  SELECT p.name, COALESCE(q.quantity, CAST(0 AS DECIMAL(38, 12))) AS quantity, COALESCE(q.deals, 0) AS deals,
    COALESCE(s.points, CAST(0 AS DECIMAL(38, 12))) AS points
  FROM xm_product_list AS p
  LEFT JOIN (SELECT product, SUM(points) AS points FROM xm_shares GROUP BY product) AS s ON s.product = p.name
  LEFT JOIN (SELECT product, SUM(quantity) AS quantity, COUNT(*) AS deals FROM xm_rows
             WHERE code IS NULL AND reported GROUP BY product) AS q ON q.product = p.name
) AS t ON t.name = p.name
LEFT JOIN (SELECT DISTINCT key FROM xm_gates WHERE scope = 'product' AND NOT passed AND factor = 0) AS z
  ON z.key = p.name
"""


def _products() -> exp.Expression:
    """Each product's points after the gates, quantity, deals and completion of its target; `counted` false
    when a product gate zeroed it."""
    return fill(_PRODUCTS, __completion=completion(exp.column("quantity", table="t"), exp.column("target", table="i")))


_COMPLETION = """
CASE WHEN d > 0 THEN
  CAST(n * 10000 // d + CASE WHEN 2 * ABS(n * 10000 - n * 10000 // d * d) >= d
                            THEN CASE WHEN n < 0 THEN -1 ELSE 1 END ELSE 0 END AS DECIMAL(38, 0)) * 0.0001
END
"""


def completion(quantity: exp.Expression, target: exp.Expression) -> exp.Expression:
    """Quantity ÷ target to 4 places, half away from zero, as `evaluate` shows it; null without a positive target.

    Divided in whole numbers, every dialect's exact integer division (`//`): quantity and target times 10¹² as
    integers `n` and `d`, the steps of 0.0001 in `n × 10⁴ ÷ d`, one more when the remainder is half of `d`."""
    return fill(_COMPLETION, n=_whole(quantity), d=_whole(target))


def _whole(value: exp.Expression) -> exp.Expression:
    """A `DECIMAL(38, 12)` value times 10¹², as a whole number: its integer part and its fraction apart, since
    the product would not fit the decimal type (`INT128` is written `DECIMAL(38, 0)` on Spark, `NUMERIC` on
    PostgreSQL)."""
    whole = fill("FLOOR(CAST(x AS DECIMAL(38, 12)))", x=value)
    return fill("CAST(w AS INT128) * 1000000000000 + CAST((CAST(x AS DECIMAL(38, 12)) - w) * 1000000000000 AS INT128)",
                w=whole, x=value)


def _renamed(query: exp.Expression) -> exp.Expression:
    """A query of `sqlplan` or `sqlgates` reading the script's views (`xm_…`) in place of the engine's tables."""
    own = {cte.alias for cte in query.find_all(exp.CTE)}  # the rows query's own `decided` stays itself

    def swap(node):
        if isinstance(node, exp.Table) and not node.db and node.name in _RENAMED and node.name not in own:
            renamed = exp.to_table(_RENAMED[node.name])
            if node.alias:
                renamed.set("alias", node.args["alias"].copy())
            return renamed
        return node
    return query.transform(swap, copy=False)  # the query is the script's own



# ---- the script's text -----------------------------------------------------------------------------

def statements(plan: Plan, window: Window, dialect: str, derive_targets: bool) -> list[tuple[list[str], str]]:
    """Each statement of the script in `dialect`, after the comment lines naming its stage: the stages' tables,
    then a SELECT of each result. A stage is a table made once, temporary (DuckDB, PostgreSQL) or a Parquet
    table of the current database (Spark): Spark has no temporary table, and a view, even cached, brings the
    whole plan of every stage it reads into the next one's, each stage of the gates and the totals reading
    the rows several times, until planning takes minutes and exhausts the driver's memory."""
    out = []
    kind = exp.FileFormatProperty(this=exp.Var(this="PARQUET")) if dialect == "spark" else exp.TemporaryProperty()
    for number, stage in enumerate(stages(plan, window, derive_targets), 1):
        article = f"（{stage.article}）" if stage.article else ""
        comment = [f"第 {number} 步 {stage.name}: {stage.zh}{article}", f"step {number}: {stage.en}"]
        create = exp.Create(this=exp.to_table(stage.name), kind="TABLE", expression=stage.query,
                            replace=dialect == "duckdb", properties=exp.Properties(expressions=[kind]))
        made = [render(spelled_out(create), dialect, pretty=True)]
        if dialect != "duckdb":  # neither has CREATE OR REPLACE TABLE … AS (Spark's is for its v2 tables only)
            made.insert(0, f"DROP TABLE IF EXISTS {stage.name}")
        out += [(comment, made[0]), *(([], statement) for statement in made[1:])]
    for name, order in RESULT_ORDER.items():
        query = exp.select("*").from_(name).order_by(*order)
        out.append(([f"结果 result: {name}"], render(query, dialect, pretty=True)))
    return out


RESULT_ORDER = {"xm_departments": ["position"], "xm_products": ["position"], "xm_gates": ["gate_index", "first", "key"]}

_MADE = {
    "duckdb": ["生成的结果表 — the result tables it makes (临时表 temporary, 名称以 xm_ 开头 named xm_…):"],
    "spark": ["生成的结果表 — the result tables it makes (名称以 xm_ 开头 named xm_…)：当前数据库中的 Parquet 表，同名的表",
              "先删除，请在专用的数据库中运行 (USE …) — Parquet tables of the current database, any of the same name dropped",
              "first: run it in a database of its own (USE …):"],
}
_NAMES = {"duckdb": "DuckDB", "spark": "Spark SQL", "postgres": "PostgreSQL"}
_NEEDS = {
    "spark": "Spark 3.4 或更高版本 (Spark 3.4 or later); 会话须先如下设置 (the session set as below first)",
    "postgres": "PostgreSQL 16 或更高版本 (PostgreSQL 16 or later: `pg_input_is_valid`)",
    "duckdb": "DuckDB 1.1 或更高版本 (DuckDB 1.1 or later)",
}


def script(plan: Plan, window: Window, dialect: str, source: str, derive_targets: bool) -> str:
    """The script in `dialect` for a bank's warehouse team, after a comment (Chinese, then English) saying which
    tables and columns it reads, what was written into it from the rules, what it makes and what it leaves to
    crossmarket."""
    header = plan.header
    reported = f"{window.month} 月 (the month {window.month})" if window.monthly else "全期 (the whole period)"
    ledger = ", ".join(["row_number", *dict.fromkeys([*KEY_COLUMNS, *plan.cell_fields])])
    clients, projects = (", ".join([key, *(name for name in dict.fromkeys(
        [*plan.fields.get(scope, {}), *plan.criteria_fields.get(scope, {})]) if name != key)])
        for scope, key in (("client", "client_id"), ("project", "project_id")))
    products = "; ".join(f"{p.name} ({p.code or '-'}, {p.unit})" for p in plan.product_list)
    flags = (f" --month {window.month}" if window.monthly else "") + (" --derived-targets" if derive_targets else "")
    targets = ("  (不读 target_list：目标客户由 clients 按认定标准生成 — no target_list: the target clients are derived "
               "from clients by the criteria, art. 7–9)") if derive_targets else \
        "  target_list     目标客户名单 the target list: client_id, department, from, to (日期；空为不限 — dates; empty: open)"
    lines = [
        f"{header.branch}《{header.name}》的计算脚本 — the rules `{source}` as SQL, from the raw tables to department points",
        f"方言 dialect: {_NAMES[dialect]} — {_NEEDS[dialect]}",
        f"由 generated by: crossmarket compile {source} --sql {dialect}{flags}",
        "",
        "读取的表，列均为文本（与 CSV 文件相同，列名为 crossmarket 的列名） — the tables it reads, every column text as in",
        "the CSV files, named as crossmarket names them (docs/tables.md):",
        f"  ledger          交易台账 the deal ledger: {ledger}",
        "                  (row_number: 台账中的行号，表头为第 1 行 — the spreadsheet row, the header being row 1;",
        "                  台账没有的列请补为空列 — add any column the ledger lacks, empty)",
        f"  clients         客户表 clients: {clients}",
        f"  projects        楼盘表 housing projects: {projects}",
        targets,
        "  audit           内控抽查结论 the audit's verdicts: deal_id, verdict (驳回/rejected …)",
        "  indicators      产品指标 the product indicators: product, indicator",
        "请先用 crossmarket evaluate 检查这些表（缺列、重复的客户号、写错的日期等），脚本不再检查 — check the tables with",
        "crossmarket evaluate first (missing columns, repeated ids, dates that are not dates): the script assumes them.",
        "",
        "写入脚本的规则内容 — written into the script from the rules:",
        f"  考核期 period: {plan.period[0]} 至 to {plan.period[1]}; 报告 reported: {reported}",
        f"  产品 products (名称 name, 代码 code, 单位 unit): {products}",
        *_wrapped("  参数 parameters: ", [f"{name} = {_value(value)}" for name, value in plan.constants.items()]),
        "",
        *_MADE.get(dialect, _MADE["duckdb"]),
        "  xm_rows         每行的拒绝原因 code（空为受理，R001–R013）和积分 points — each row's code (null: accepted) and points",
        "  xm_gates        每个门槛每一组：passed 是否通过，factor 系数 — each gate's groups, passed or not, their factor",
        "  xm_departments  部门积分 points，已按参与部门分配、已计门槛 — department points, split and gated",
        "  xm_products     产品积分 points、数量 quantity、笔数 deals、目标 target、完成率 completion、是否计入 counted",
        "积分为 DECIMAL(38, 12)；crossmarket evaluate 显示到 4 位小数 — points are DECIMAL(38, 12); evaluate shows 4 places.",
        "",
        "仍由 crossmarket 计算 — left to crossmarket: 年终的专项奖励与年初目标考核（第四条、第十七条）、奖励池按最大",
        "余数法分配（第二十二条）、营销人员积分（第二十一条）、网点归属（第十七条）、登记簿中的抽查结论 — the year-end",
        "awards and year-start targets (art. 4, 17), the reward pool by largest remainder (art. 22), points by",
        "marketer (art. 21), the outlets' attribution (art. 17), and audit verdicts kept in the register.",
    ]
    text = [f"-- {line}".rstrip() for line in lines]
    text += settings_sql(dialect)
    for comment, statement in statements(plan, window, dialect, derive_targets):
        text += ["", *(f"-- {line}" for line in comment)] if comment else []
        text.append(statement + ";")
    return "\n".join(text) + "\n"


def _value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return str(value)


def _wrapped(first: str, items: list[str], width: int = 100) -> list[str]:
    lines, line = [], first
    for item in items or ["(无 none)"]:
        if len(line) + len(item) > width and line.strip() != first.strip():
            lines.append(line.rstrip().rstrip(";"))
            line = " " * len(first)
        line += item + "; "
    return [*lines, line.rstrip().rstrip(";")]
