"""The columnar engine: the rows stage (`sqlplan.py`) run as one SQL query on DuckDB, embedded.

It fills the same `RowOutcome` as the row loop (`rows.py`, the reference engine): DuckDB decides each
row's code and computes the points of the accepted ones; the rejected rows' reasons are put in words
by `reasons.py`, and each distinct `participants` cell is split by it once, so that both engines say
the same. Gates, totals and the reward then run in Python on the outcome, whichever engine filled it.
"""

from __future__ import annotations

import csv
import os
import tempfile
from typing import Iterable, Sequence

from ..core.errors import UserError
from ..io.records import Table
from ..semantics.expr import Env
from ..semantics.values import Converter, to_text
from .contract import Lookups, Rejection, RowOutcome, Window
from .deals import NO_ROW, Tally, new_deal
from .plan import Plan
from . import reasons
from .rowchecks import fractions_of, participants_of, points_of, quantity_of, unknown_product
from .sqlplan import rows_query

FIXED = 15  # columns of the rows query before the cells


def process_rows(plan: Plan, ledger: Table, window: Window, lookups: Lookups) -> RowOutcome:
    """Validate every row of the ledger and compute points and base shares of the accepted ones, on DuckDB."""
    duckdb = load_duckdb()
    query = rows_query(plan, window, ledger.columns)
    with tempfile.TemporaryDirectory(prefix="crossmarket-") as folder, duckdb.connect() as con:
        tables = _Tables(con, folder)
        tables.put_ledger(ledger)
        tables.put_lookups(plan, lookups)
        splits = _put_splits(tables, plan)
        rows = con.execute(query.sql("duckdb")).fetchall()
        outcome = _Outcome(plan, window, lookups, splits, _staff_cells(con)).fill(rows)
        outcome.ids = {deal_id for (deal_id,) in con.execute(
            "SELECT DISTINCT TRIM(deal_id) FROM ledger WHERE TRIM(deal_id) <> ''").fetchall()}
    return outcome


def load_duckdb():
    try:
        import duckdb
    except ImportError:
        raise UserError("X101", "the DuckDB engine is not installed", exit_status=2,
                        help="install it with `python3 -m pip install duckdb`, or run with `--engine python`") from None
    return duckdb


# ---- tables in -----------------------------------------------------------------------------------

def _text(cell) -> str:
    """A cell as text: text as it came, typed cells (XLSX, JSON Lines) as `values.to_text` writes them."""
    return cell if cell.__class__ is str else (to_text(cell) or "")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Tables:
    """Tables of text put into DuckDB through CSV files it reads in one go: no Python object per cell on its
    side. An empty cell and a missing one are both empty text, which the query treats alike."""

    def __init__(self, con, folder: str):
        self.con, self.folder = con, folder

    def put(self, name: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
        path = os.path.join(self.folder, f"{name}.csv")
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, quoting=csv.QUOTE_ALL).writerows([_text(cell) for cell in row] for row in rows)
        types = ", ".join(f"'c{index}': 'VARCHAR'" for index in range(len(columns)))
        names = ", ".join(f"c{index} AS {_quoted(column)}" for index, column in enumerate(columns))
        source = path.replace("'", "''")
        self.con.execute(f"CREATE TABLE {name} AS SELECT {names} FROM read_csv('{source}', header = false, "
                         f"columns = {{{types}}}, auto_detect = false, quote = '\"', escape = '\"', delim = ',', allow_quoted_nulls = false)")

    def put_ledger(self, ledger: Table) -> None:
        rows = ([number, *record] for numbers, records in ledger.record_chunks()
                for number, record in zip(numbers, records))
        self.put("ledger_text", ["row_number", *ledger.columns], rows)
        self.con.execute("CREATE VIEW ledger AS SELECT * REPLACE (CAST(row_number AS BIGINT) AS row_number) "
                         "FROM ledger_text")

    def put_lookups(self, plan: Plan, lookups: Lookups) -> None:
        for name, key, rows in (("clients", "client_id", lookups.clients), ("projects", "project_id", lookups.projects)):
            columns = [key, *(column for column in plan.fields.get(name[:-1], {}) if column != key)]
            self.put(name, columns, ([row_key, *(row.get(column) for column in columns[1:])]
                                     for row_key, row in rows.items()))
        test = lookups.on_target_list
        spells = [(client, *span) for client, span in test.spans.items()] + \
            [(client, *span) for client, spans in test.spells.items() for span in spans]
        self.put("target_text", ["client_id", "date_from", "date_to"], spells)
        self.con.execute("CREATE VIEW target_list AS SELECT client_id, CAST(date_from AS DATE) AS date_from, "
                         "CAST(date_to AS DATE) AS date_to FROM target_text")
        self.put("audit_rejected", ["deal_id"], ([deal_id] for deal_id in lookups.audit_rejected))


def _put_splits(tables: _Tables, plan: Plan) -> dict:
    """Each distinct `participants` cell of each product split once: R007–R009 for the query, and the
    fractions of the accepted deals."""
    cells = tables.con.execute("SELECT DISTINCT TRIM(product), COALESCE(TRIM(participants), '') FROM ledger") \
        .fetchall() if "participants" in _columns(tables.con) else []
    splits, failing = {}, []
    for product_text, participants in cells:
        product = plan.products.get(product_text or "")
        if product is None or (product.name, participants) in splits:
            continue
        shares, problem = participants_of(plan, product, participants)
        splits[(product.name, participants)] = problem or fractions_of(plan, product, shares)
        if problem:
            failing.append((product.name, participants, problem[0]))
    tables.put("splits", ["product", "participants", "code"], failing)
    return splits


def _staff_cells(con) -> dict[int, str]:
    """The `staff` cell of each row that has one (art. 21), by row number: divided after the gates, in Python,
    as the row loop's are (`staff.py`)."""
    if "staff" not in _columns(con):
        return {}
    return dict(con.execute("SELECT row_number, TRIM(staff) FROM ledger WHERE TRIM(staff) <> ''").fetchall())


def _columns(con) -> set[str]:
    return {row[0] for row in con.execute("DESCRIBE ledger").fetchall()}


# ---- the outcome -------------------------------------------------------------------------------

class _Outcome:
    """The query's rows made into the row loop's outcome: deals, rejections in words, undated rows."""

    def __init__(self, plan: Plan, window: Window, lookups: Lookups, splits: dict, staff: dict[int, str]):
        self.plan, self.window, self.lookups, self.splits, self.staff = plan, window, lookups, splits, staff
        self.outcome = RowOutcome(plan)
        self.quantities = Converter(quantity_of)
        self.outlets = Converter(lambda name: {"name": name})

    def fill(self, rows: list[tuple]) -> RowOutcome:
        outcome, plan, info = self.outcome, self.plan, self.lookups.product_info
        clients, projects, names = self.lookups.clients, self.lookups.projects, self.plan.cell_fields
        accept, by_product, reported_deals = outcome.accepted.append, outcome.by_product, []
        for row in rows:
            (number, deal_id, day, product, code, reported, points, quantity, client_id, project_id, outlet,
             participants, _, _, _) = row[:FIXED]
            outcome.rows += reported
            if code is not None:
                self._reject(row, code, reported)
                continue
            client_id, project_id, outlet = client_id or "", project_id or "", outlet or ""
            product_plan = plan.products[product]
            deal = new_deal((number, deal_id, day, product_plan, self.quantities[quantity or ""], client_id, project_id,
                             outlet, names, row[FIXED:], clients.get(client_id, NO_ROW),
                             projects.get(project_id, NO_ROW), info[product], self.outlets[outlet], points,
                             self.splits[(product, participants or "")], reported, self.staff.get(number, "")))
            accept(deal)
            by_product[product].append(deal)
            if reported:
                reported_deals.append(deal)
        outcome.tally = Tally.of(reported_deals, plan.attribution_cells)
        return outcome

    def _reject(self, row: tuple, code: str, reported: bool) -> None:
        number, deal_id, day, written_month = row[0], row[1] or "", row[2], row[FIXED - 1]
        if not reported:
            if day is None and code == "R002" and written_month is None:
                self.outcome.undated.append(number)  # a date of no month at all; another month's is that month's
            return
        self.outcome.rejected.append(Rejection(number, deal_id, code, *self._reason(row, code)))

    def _reason(self, row: tuple, code: str) -> reasons.Reason:
        """The row loop's words for the code the query decided."""
        (_, deal_id, day, product, _, _, _, quantity, client_id, project_id, outlet, participants, product_text,
         date_text, _) = row[:FIXED]
        plan, window = self.plan, self.window
        if code == "R001":
            return reasons.duplicate(deal_id) if deal_id else reasons.no_id()
        if code == "R002":
            return reasons.bad_date(text(date_text))
        if code == "R003":
            return reasons.outside_period(day, window.period_from, window.period_to)
        if code == "R004":
            return unknown_product(plan, product_text or "")
        if code == "R005":
            return reasons.bad_quantity(text(quantity))
        if code == "R006":
            return reasons.not_on_list(client_id or "", day)
        if code in ("R007", "R008", "R009"):
            return self.splits[(product, participants or "")][1]
        if code == "R010":
            return reasons.audit_rejected(self.lookups.audit_rejected[deal_id])
        if code == "R013":
            return reasons.unknown_project(project_id)
        env = Env(deal=dict(zip(plan.cell_fields, row[FIXED:]), quantity=self.quantities[quantity or ""]),
                  client=self.lookups.clients.get(client_id or "", NO_ROW),
                  project=self.lookups.projects.get(project_id or "", NO_ROW),
                  product=self.lookups.product_info[product], outlet={"name": outlet or ""})
        return points_of(plan.products[product], env)[1][1]


def text(value) -> str:
    return "" if value is None else value.strip()
