"""The rows query (`sqlplan.py`) as the text a database runs: sqlglot renders the one tree in each dialect,
and this adds what a dialect needs beyond the rendering, so that every database computes the same.

The tree is written with DuckDB's `TRY` (a product too large for `DECIMAL(38, 12)` is null) and `TRY_CAST`
(a cell that is not a number or a date is null, never an error):

- `spark`: Spark SQL has `TRY_CAST`, and computes `TRY` itself once the session is set as `SETTINGS`
  says (no ANSI errors, no decimal places given up in a product): the Spark engine sets them, and the
  script `compile --sql spark` prints begins with them;
- `postgres`: `TRY_CAST` becomes a cast guarded by `pg_input_is_valid` (PostgreSQL 16 and later),
  `ENDS_WITH` and `REGEXP_EXTRACT` their PostgreSQL spellings; a product past 26 digits is an error there.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.dialects.spark import Spark

from .contract import Window
from .plan import Plan
from .sqlplan import KEY_COLUMNS, RowsQuery

DIALECTS = ("duckdb", "spark", "postgres")
SETTINGS = {
    "spark": {
        "spark.sql.ansi.enabled": "false",  # a cast or a product that does not fit is null, as `TRY` makes it
        "spark.sql.decimalOperations.allowPrecisionLoss": "false",  # DECIMAL(38, 12) keeps its 12 places
        "spark.sql.caseSensitive": "true",  # `Amount` and `amount` are two columns, as in the ledger
    },
}
"""The session settings the query needs in each dialect, before it runs."""


def render(query: exp.Expression, dialect: str, pretty: bool = False) -> str:
    """The query's text in `dialect` (one of `DIALECTS`)."""
    return query.sql(dialect=_DIALECTS.get(dialect, dialect), pretty=pretty, copy=False)  # the tree stays as it is


def settings_sql(dialect: str) -> list[str]:
    """`SET` statements of the settings the dialect needs, as a script begins with them."""
    return [f"SET {key} = {value};" for key, value in SETTINGS.get(dialect, {}).items()]


class _Spark(Spark):
    """Spark SQL, `TRY` left to the session's settings (written as the expression it guards)."""

    class Generator(Spark.Generator):
        TRANSFORMS = {**Spark.Generator.TRANSFORMS, exp.Try: lambda self, node: self.sql(node, "this")}


def _try_cast(self, node: exp.TryCast) -> str:
    text, kind = self.sql(node, "this"), self.sql(node, "to")
    return f"CASE WHEN PG_INPUT_IS_VALID({text}, '{kind}') THEN CAST({text} AS {kind}) END"


def _regexp_extract(self, node: exp.RegexpExtract) -> str:
    text, pattern = self.sql(node, "this"), self.sql(node, "expression")
    group = int(node.args["group"].name) if node.args.get("group") else 0
    if not group:
        pattern, group = f"'(' || {pattern} || ')'", 1
    return f"COALESCE((REGEXP_MATCH({text}, {pattern}))[{group}], '')"  # DuckDB's: '' when nothing matches


class _Postgres(Postgres):
    """PostgreSQL, with DuckDB's `TRY_CAST`, `ENDS_WITH` and `REGEXP_EXTRACT` in its own words."""

    class Generator(Postgres.Generator):
        TRANSFORMS = {
            **Postgres.Generator.TRANSFORMS,
            exp.Try: lambda self, node: self.sql(node, "this"),
            exp.TryCast: _try_cast,
            exp.EndsWith: lambda self, node: (f"(RIGHT({self.sql(node, 'this')}, LENGTH({self.sql(node, 'expression')})) "
                                              f"= {self.sql(node, 'expression')})"),
            exp.RegexpExtract: _regexp_extract,
        }


_DIALECTS = {"spark": _Spark, "postgres": _Postgres}


# ---- the script a warehouse team runs ----------------------------------------------------------------

_NAMES = {"duckdb": "DuckDB", "spark": "Spark SQL", "postgres": "PostgreSQL"}
_NEEDS = {
    "spark": "Spark 3.4 或更高版本 (Spark 3.4 or later); 会话须先如下设置 (the session set as below first)",
    "postgres": "PostgreSQL 16 或更高版本 (PostgreSQL 16 or later: `pg_input_is_valid`)",
    "duckdb": "DuckDB 1.1 或更高版本 (DuckDB 1.1 or later)",
}


def script(query: RowsQuery, plan: Plan, window: Window, dialect: str, source: str) -> str:
    """The query in `dialect` for a bank's warehouse team, after a comment (Chinese, then English) saying
    which tables and columns it reads, what was written into it from the rules, and what it returns."""
    header = plan.header
    reported = f"{window.month} 月 (the month {window.month})" if window.monthly else "全期 (the whole period)"
    clients, projects = (", ".join([key, *(f"{column}, {column}__num DECIMAL(38, 12), {column}__bool BOOLEAN, "
                                           f"{column}__date DATE" for column in plan.fields.get(name, {}) if column != key)])
                         for name, key in (("client", "client_id"), ("project", "project_id")))
    ledger = ", ".join(["row_number BIGINT", *dict.fromkeys([*KEY_COLUMNS, *query.cells])])
    products = "; ".join(f"{p.name} ({p.code or '-'}, {p.unit})" for p in plan.product_list)
    lines = [
        f"{header.branch}《{header.name}》的逐行计算查询 — the rows query of the rules `{source}`",
        f"方言 dialect: {_NAMES[dialect]} — {_NEEDS[dialect]}",
        f"由 generated by: crossmarket compile {source} --sql {dialect}" + (f" --month {window.month}" if window.monthly else ""),
        "",
        "读取的表 (列均为文本，另注类型者除外) — the tables it reads, every column text unless a type is given:",
        f"  ledger          交易台账 the deal ledger: {ledger}",
        "                  (row_number: 台账中的行号，拒绝原因按它报告 the spreadsheet row, as rejections name it)",
        f"  clients         客户表 clients: {clients}",
        f"  projects        楼盘表 housing projects: {projects}",
        "                  (x__num、x__bool、x__date: 单元格 x 换算成的数值、是否、日期，换算不了为空 — the cell x as",
        "                  a number, a yes/no and a date, null when it is not one; `crossmarket evaluate` converts them)",
        "  target_list     目标客户名单 the target list: client_id, date_from DATE, date_to DATE",
        "                  (不限期写 0001-01-01 / 9999-12-31 — open ends as 0001-01-01 and 9999-12-31)",
        "  splits          参与部门写错的单元格 the participants cells that are wrong: product, participants, code",
        "                  (R007/R008/R009；由 crossmarket evaluate 判定，没有则为空表 — empty when none)",
        "  audit_rejected  内控抽查驳回的交易 the deals the audit rejected: deal_id",
        "",
        "写入查询的规则内容 — written into the query from the rules:",
        f"  考核期 period: {plan.period[0]} 至 to {plan.period[1]}; 报告 reported: {reported}",
        f"  产品 products (名称 name, 代码 code, 单位 unit): {products}",
        *_wrapped("  参数 parameters: ", [f"{name} = {_value(value)}" for name, value in plan.constants.items()]),
        "",
        "返回 — it returns one row per ledger row of the reported dates (and the accepted rows of earlier months):",
        "  code 为空即受理，否则为拒绝原因 R001–R013 (null: accepted; else why the row is rejected, docs/codes.md);",
        "  points 积分 DECIMAL(38, 12); reported 是否在报告期内 (whether the row is among the reported dates);",
        "  部门积分、门槛与奖励由 crossmarket 在这些行之上计算 (department points, gates and the reward are",
        "  computed by crossmarket from these rows).",
    ]
    comment = [f"-- {line}".rstrip() for line in lines]
    return "\n".join([*comment, *settings_sql(dialect), render(query.query, dialect, pretty=True) + ";"]) + "\n"


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
