"""The plan as one SQL query over the ledger: every row's reason code (R001–R013) or its points.

The query is a `sqlglot` tree, rendered in any dialect sqlglot writes (`duckdb`, `spark`, `postgres`, …);
`columnar.py` runs it on DuckDB, `crossmarket compile --sql` prints it for a bank's warehouse team. It
reads these tables:

| table | columns |
|---|---|
| `ledger` | `row_number` (the spreadsheet row), then the ledger's columns as text |
| `clients`, `projects` | `client_id` / `project_id`, then the columns the rules read, as text, each followed by its conversions `<column>__num` (DECIMAL(38, 12)), `__bool` and `__date` (`lookup_tables` makes the rows) |
| `target_list` | `client_id`, `date_from`, `date_to` (dates; open ends as 0001-01-01 and 9999-12-31) |
| `splits` | `product`, `participants`, `code`: R007, R008 or R009 for each `participants` cell that has one |
| `audit_rejected` | `deal_id` of each deal the audit rejected |

The products (names, codes, units, targets) are the plan's own and are written into the query. It
returns, for each row of the evaluated window, `row_number`, `deal_id`, `day`, `product`, `code` (null:
accepted), `points` and `reported`, with the row's other cells as they came.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Callable
from decimal import Decimal

import sqlglot
from sqlglot import exp

from ..semantics import values
from .contract import Lookups, Window
from .plan import Plan
from .sqlexpr import (CONVERSIONS, DECIMAL, Typed, Unsupported, as_bool, as_number, compile_sql, constant, fill,
                      staged, stripped as stripped_sql)

STRIPPED_COLUMNS = ("deal_id", "product", "client_id", "project_id", "outlet", "participants", "staff")
"""The ledger's columns read stripped (`str.strip()`): its keys and names; the others are converted."""
KEY_COLUMNS = ("deal_id", "date", "product", "quantity", "client_id", "project_id", "outlet", "participants", "staff")
TOO_LARGE = Decimal("1e16")  # points this large have more than 28 digits at 12 places: not a number of points

_QUERY = """
WITH base AS (
  SELECT l.row_number, TRIM(l.deal_id) AS deal_id, TRIM(l.product) AS product_text,
    COALESCE(l.quantity, '') AS quantity_text, TRIM(l.client_id) AS client_id, TRIM(l.project_id) AS project_id,
    TRIM(l.outlet) AS outlet, COALESCE(TRIM(l.participants), '') AS participants,
    COALESCE(l.date, '') AS date_text, COALESCE(TRIM(l.staff), '') AS staff, __cells
  FROM ledger AS l
), dates AS (
  SELECT t.date_text, t.day, t.written_month FROM __dates AS t
), quantities AS (
  SELECT t.quantity_text,
    CASE WHEN t.quantity_text = '' THEN CAST(1 AS DECIMAL(38, 12)) ELSE t.quantity END AS quantity
  FROM __quantities AS t
), repeated AS (
  SELECT TRIM(l.deal_id) AS deal_id, MIN(l.row_number) AS first_row FROM ledger AS l
  GROUP BY TRIM(l.deal_id) HAVING COUNT(*) > 1
), numbered AS (
  SELECT b.*, d.day, d.written_month, q.quantity, __converted,
    COALESCE(b.row_number > r.first_row, FALSE) AS repeat
  FROM base AS b
  JOIN dates AS d ON d.date_text = b.date_text
  JOIN quantities AS q ON q.quantity_text = b.quantity_text
  LEFT JOIN repeated AS r ON r.deal_id = b.deal_id
), joined AS (
  SELECT n.*, p.name AS product, s.code AS split_code, a.deal_id IS NOT NULL AS audited,
    t.client_id IS NOT NULL AS on_list, __eligible AS eligible, __points AS points,
    j.project_id IS NOT NULL AS project_known,
    CASE WHEN n.day IS NOT NULL THEN n.day BETWEEN __report_from AND __report_to
      ELSE __annual OR COALESCE(n.written_month BETWEEN __report_from AND __report_to, FALSE) END AS reported
  FROM numbered AS n
  LEFT JOIN products AS p ON p.product_key = n.product_text
  LEFT JOIN splits AS s ON s.product = p.name AND s.participants = n.participants
  LEFT JOIN audit_rejected AS a ON a.deal_id = n.deal_id
  LEFT JOIN target_list AS t ON t.client_id = n.client_id AND n.day BETWEEN t.date_from AND t.date_to
  LEFT JOIN clients AS c ON c.client_id = n.client_id
  LEFT JOIN projects AS j ON j.project_id = n.project_id
), decided AS (
  SELECT j.*, CASE
    WHEN j.deal_id IS NULL OR j.deal_id = '' OR j.repeat THEN 'R001'
    WHEN j.day IS NULL THEN 'R002'
    WHEN j.day < __period_from OR j.day > __period_to THEN 'R003'
    WHEN j.product IS NULL THEN 'R004'
    WHEN j.quantity IS NULL OR j.quantity <= 0 THEN 'R005'
    WHEN NOT j.on_list THEN 'R006'
    WHEN j.split_code IS NOT NULL THEN j.split_code
    WHEN j.audited THEN 'R010'
    WHEN NOT j.eligible THEN 'R012'
    WHEN j.points IS NULL OR j.points < 0 OR ABS(j.points) >= __too_large THEN 'R011'
    WHEN j.project_id <> '' AND __project_gated AND NOT j.project_known THEN 'R013'
  END AS code
  FROM joined AS j
)
SELECT d.row_number, d.deal_id, d.day, d.product, d.code, d.reported, d.points, d.quantity_text, d.client_id,
  d.project_id, d.outlet, d.participants, d.product_text, d.date_text, d.written_month, d.quantity, d.staff,
  __cells_out,
  __attributed
FROM decided AS d
WHERE d.reported OR (d.code IS NULL AND d.day <= __end) OR (d.day IS NULL AND d.code = 'R002')
"""


RESULT_COLUMNS = ("row_number", "deal_id", "day", "product", "code", "reported", "points", "quantity_text",
                  "client_id", "project_id", "outlet", "participants", "product_text", "date_text", "written_month",
                  "quantity", "staff")
"""The query's columns before the cells (`cell_<i>`) and the outlet attributions' numbers (`attributed_<k>`)."""


@dataclass
class RowsQuery:
    query: exp.Expression
    cells: tuple[str, ...]  # the ledger columns the rules read, returned after the fixed ones
    tables: tuple[str, ...]  # the tables the query reads besides the ledger

    def sql(self, dialect: str = "duckdb", pretty: bool = False) -> str:
        return self.query.sql(dialect=dialect, pretty=pretty, copy=False)  # rendering leaves the tree as it is


@lru_cache(maxsize=None)
def _parsed_query_once() -> exp.Expression:
    return sqlglot.parse_one(_QUERY, read="duckdb")  # its TRIMs are the ledger's, made in `rows_query`


def _parsed_query() -> exp.Expression:
    return _parsed_query_once().copy()


def _date(value: date) -> exp.Expression:
    return exp.cast(exp.Literal.string(value.isoformat()), "DATE")


def rows_query(plan: Plan, window: Window, columns: list[str], stripped: bool = False) -> RowsQuery:
    """The query of the rows stage for this plan, window, and ledger columns (a missing one reads as empty).
    With `stripped`, the ledger's `STRIPPED_COLUMNS` come stripped already (the engines strip them as they load
    the ledger, once); otherwise the query strips them, as a warehouse's table needs."""
    cells = plan.cell_fields
    present = set(columns)

    def ledger_column(name: str) -> exp.Expression:
        return exp.column(name, table="l", quoted=True) if name in present else exp.cast(exp.Null(), "VARCHAR")

    conversions = _Conversions(lambda index: ledger_column(cells[index]))

    def field(scope: str, name: str) -> Typed:
        return _field_sql(plan, scope, name, conversions)

    values = {
        "__annual": exp.Boolean(this=not window.monthly),
        "__report_from": _date(max(window.report_from, date(1, 1, 1))),
        "__report_to": _date(min(window.report_to, date(9999, 12, 31))),
        "__period_from": _date(window.period_from), "__period_to": _date(window.period_to),
        "__end": _date(window.end), "__too_large": constant(TOO_LARGE).sql,
        "__eligible": _eligible(plan, field), "__points": _points(plan, field),
        "__project_gated": _project_gated(plan),
    }

    tables = {"__dates": _key_converted("date_text", ledger_column("date"), "date", {"day": "date", "written_month": "month"}),
              "__quantities": _key_converted("quantity_text", ledger_column("quantity"), "num", {"quantity": "num"})}

    def swap(node):
        if isinstance(node, exp.Trim) and isinstance(node.this, exp.Column) and node.this.table == "l":  # the template trims the ledger's columns only
            column = ledger_column(node.this.name)
            return column if stripped else stripped_sql(column)
        if isinstance(node, exp.Column) and not node.table and node.name in values:
            return values[node.name].copy()
        if isinstance(node, exp.Column) and node.table == "l" and node.name in KEY_COLUMNS:
            return ledger_column(node.name)
        if isinstance(node, exp.Table) and node.name in tables:
            return tables[node.name].subquery(node.alias, copy=False)
        return node

    query = _parsed_query().transform(swap, copy=False)
    query = _with_cells(query, cells, ledger_column)
    _with_attributed(query, plan, conversions)
    conversions.put(query)
    _put_products_first(query, _products(plan))
    return RowsQuery(query, cells, ("clients", "projects", "target_list", "splits", "audit_rejected"))


class _Conversions:
    """The conversions of the ledger's cells the rules ask for (`deal.amount` as a number, `deal.activated` as a
    boolean), each computed once per distinct cell in a table of its own and joined to the rows: a column of a
    million cells has a few thousand distinct texts, and a number's or date's text takes many steps, each
    written once in a subquery of its own (`sqlexpr.staged`), as are the dates' and quantities'. The
    distinct cells are read from the ledger itself, not from `base`: a CTE read once is inlined, one read by
    many is stored first."""

    def __init__(self, cell: Callable[[int], exp.Expression]):
        self.cell = cell  # the ledger's column of a cell, by its index
        self.wanted: dict[int, dict[str, None]] = {}  # cell index → kinds, in the order asked

    def of(self, index: int):
        def convert(kind: str) -> exp.Expression:
            self.wanted.setdefault(index, {})[kind] = None
            return exp.column(f"{kind}_{index}", table="n")
        return convert

    def put(self, query: exp.Expression) -> None:
        """The conversion tables before `numbered`, joined in it, their columns selected by it."""
        with_ = query.find(exp.With)
        ctes = list(with_.expressions)
        at = next(i for i, cte in enumerate(ctes) if cte.alias == "numbered")
        numbered = ctes[at].this
        for index, kinds in sorted(self.wanted.items()):
            name, cell = f"cv_{index}", f"cell_{index}"
            wanted = {kind: (CONVERSIONS[kind], kind) for kind in kinds}
            table = staged(_distinct("text", self.cell(index)), ["text"], fill("NULLIF(text, '')"), wanted)
            ctes.insert(at, exp.CTE(this=table, alias=exp.TableAlias(this=exp.to_identifier(name))))
            at += 1
            numbered.join(exp.to_table(name), on=exp.EQ(this=exp.column("text", table=name),
                                                         expression=exp.column(cell, table="b")),
                          join_type="left", copy=False)
            numbered.select(*(exp.alias_(exp.column(kind, table=name), f"{kind}_{index}") for kind in kinds),
                            copy=False)
        with_.set("expressions", ctes)
        numbered.set("expressions", [e for e in numbered.expressions
                                     if not (isinstance(e, exp.Column) and e.name == "__converted")])


def _distinct(name: str, text: exp.Expression) -> exp.Select:
    """The distinct texts of a ledger column (an expression of `l`), as the column `name`."""
    return exp.select(exp.alias_(text, name, copy=False), copy=False).distinct().from_(
        exp.to_table("ledger").as_("l"), copy=False)


def _key_converted(name: str, column: exp.Expression, kind: str, wanted: dict[str, str]) -> exp.Select:
    """The distinct texts of a key column (a missing cell read as empty) as `name`, with the results of its
    conversion to `kind` named in `wanted` (alias → result)."""
    text = exp.func("COALESCE", column, exp.Literal.string(""))
    return staged(_distinct(name, text), [name], exp.column(name),
                  {alias: (CONVERSIONS[kind], result) for alias, result in wanted.items()})


def _with_cells(query: exp.Expression, cells: tuple[str, ...], ledger_column) -> exp.Expression:
    """The cells the rules read: `cell_<i>` from the ledger, carried through to the result."""
    def swap(node):
        if isinstance(node, exp.Column) and node.name == "__cells":
            return _many([exp.alias_(ledger_column(name), f"cell_{index}") for index, name in enumerate(cells)],
                         exp.alias_(exp.Null(), "no_cells"))
        if isinstance(node, exp.Column) and node.name == "__cells_out":
            return _many([exp.column(f"cell_{index}", table="d") for index in range(len(cells))],
                         exp.column("no_cells", table="d"))
        return node
    query = query.transform(swap, copy=False)  # the query is ours alone by now: no copy of it
    for select in query.find_all(exp.Select):  # the placeholders became lists: flatten them into the SELECT
        flat = []
        for item in select.expressions:
            flat.extend(item.expressions if isinstance(item, exp.Tuple) and item.meta.get("cells") else [item])
        select.set("expressions", flat)
    return query


def _with_attributed(query: exp.Expression, plan: Plan, conversions: _Conversions) -> None:
    """`attributed_<k>`: the number in the cell of each outlet attribution that is a plain `deal.x` cell
    (`Plan.attribution_cells`), which the outlets' totals add up."""
    select = next(found for found in query.find_all(exp.Select)
                  if any(_placeholder(item, "__attributed") for item in found.expressions))
    items = []
    for k, (_, position) in enumerate(plan.attribution_cells):
        conversions.of(position)("num")
        items.append(exp.alias_(exp.column(f"num_{position}", table="d"), f"attributed_{k}"))
    select.set("expressions", [item for item in select.expressions if not _placeholder(item, "__attributed")] + items)


def _placeholder(node: exp.Expression, name: str) -> bool:
    return isinstance(node, exp.Column) and not node.table and node.name == name


def _many(items: list[exp.Expression], empty: exp.Expression) -> exp.Expression:
    group = exp.Tuple(expressions=items or [empty])
    group.meta["cells"] = True
    return group


def _put_products_first(query: exp.Expression, products: exp.Expression) -> None:
    with_ = query.find(exp.With)
    with_.set("expressions", [exp.CTE(this=products, alias=exp.TableAlias(this=exp.to_identifier("products"))),
                              *with_.expressions])


def _products(plan: Plan) -> exp.Expression:
    """The plan's products, by name and by code, as a VALUES table written into the query."""
    rows = []
    for key, product in plan.products.items():
        rows.append(exp.Tuple(expressions=[exp.Literal.string(key), exp.Literal.string(product.name),
                                           exp.Literal.string(product.code or ""), exp.Literal.string(product.unit)]))
    values = exp.Values(expressions=rows, alias=exp.TableAlias(
        this=exp.to_identifier("v"),
        columns=[exp.to_identifier(name) for name in ("product_key", "name", "code", "unit")]))
    return exp.select("v.product_key", "v.name", "v.code", "v.unit").from_(values)


CONVERTED_TYPES = {"num": DECIMAL, "bool": "BOOLEAN", "date": "DATE"}
_CONVERTERS = {"num": values.to_number, "bool": values.to_bool, "date": values.to_date}


def lookup_tables(plan: Plan, lookups: Lookups) -> dict[str, tuple[list[str], list[list[str]]]]:
    """The rows of `clients` and `projects` as the queries read them: each column the rules read as text, and
    converted by `values` (a few thousand rows: Python converts them exactly as the row loop does, and the
    queries need no conversion of their own)."""
    tables = {}
    for name, key, rows in (("clients", "client_id", lookups.clients), ("projects", "project_id", lookups.projects)):
        read = [column for column in plan.fields.get(name[:-1], {}) if column != key]
        columns = [key, *(f"{column}{suffix}" for column in read for suffix in ("", "__num", "__bool", "__date"))]
        tables[name] = (columns, [[row_key, *(text for column in read for text in _converted(row.get(column)))]
                                  for row_key, row in rows.items()])
    return tables


def _converted(cell) -> list[str]:
    """A cell as text, then as a number, a boolean and a date (empty: none)."""
    found = [_CONVERTERS[kind](cell) if cell is not None and cell != "" else None for kind in ("num", "bool", "date")]
    number, flag, day = found
    return [values.to_text(cell) or "", "" if number is None else format(number, "f"),
            "" if flag is None else str(flag).lower(), "" if day is None else day.isoformat()]


def lookup_field(table: str, name: str) -> Typed:
    """`client.x` or `project.x` of a joined row: its text, and its conversions computed beforehand."""
    def convert(kind: str) -> exp.Expression:
        return exp.column(f"{name}__{kind}", table=table, quoted=True)
    return Typed(fill("NULLIF(x, '')", x=exp.column(name, table=table, quoted=True)), "text", convert=convert)


def _field_sql(plan: Plan, scope: str, name: str, conversions: _Conversions) -> Typed:
    blank = lambda column: fill("NULLIF(x, '')", x=column)  # noqa: E731 — an empty cell is null (SPEC §3.5)
    if scope == "deal":
        if name == "quantity":
            return Typed(exp.column("quantity", table="n"), "num")
        cells = plan.cell_fields
        if name in cells:
            index = cells.index(name)
            return Typed(blank(exp.column(f"cell_{index}", table="n")), "text", convert=conversions.of(index))
        return Typed(exp.Null(), "null")
    if scope == "client":
        return lookup_field("c", name)
    if scope == "project":
        return lookup_field("j", name)
    if scope == "product" and name in ("name", "code", "unit"):
        return Typed(blank(exp.column(name, table="p")), "text")
    if scope == "product" and name in ("indicator", "target"):
        raise Unsupported(f"`product.{name}` in points")
    if scope == "outlet" and name == "name":
        return Typed(blank(exp.column("outlet", table="n")), "text")
    return Typed(exp.Null(), "null")


def _project_gated(plan: Plan) -> exp.Expression:
    """Whether the deal's product is one a `project` gate judges (its project must be known: R013)."""
    names = sorted(plan.project_gated)
    if not names:
        return exp.false()
    return exp.In(this=exp.column("product", table="j"), expressions=[exp.Literal.string(name) for name in names])


def _eligible(plan: Plan, field) -> exp.Expression:
    """Whether the product's `when` holds (a product without one is always eligible)."""
    case = exp.Case(this=exp.column("name", table="p"))
    for product in plan.product_list:
        when = product.when_tree
        test = exp.true() if when is None else \
            exp.func("COALESCE", as_bool(compile_sql(when, plan.constants, field)), exp.false())
        case = case.when(exp.Literal.string(product.name), test, copy=False)  # a copy a product: quadratic
    return case.else_(exp.false(), copy=False)


def _points(plan: Plan, field) -> exp.Expression:
    """The product's points, times the quantity for points `per unit`."""
    case = exp.Case(this=exp.column("name", table="p"))
    for product in plan.product_list:
        value = as_number(compile_sql(product.points_tree, plan.constants, field))
        if product.per_unit:
            value = exp.func("TRY", exp.cast(exp.Mul(this=exp.paren(value), expression=exp.column("quantity", table="n")),
                                             DECIMAL))
        case = case.when(exp.Literal.string(product.name), exp.cast(value, DECIMAL), copy=False)
    return case
