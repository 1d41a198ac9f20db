"""The columnar engine: the rows stage (`sqlplan.py`) run as one SQL query on DuckDB, embedded.

DuckDB reads the ledger (`duckload.py`), decides each row's code and computes the points of the accepted
ones into a table of its own; only what the totals need comes back to Python: the rejected rows, the
tally (points and quantity by product and `participants` cell, deals and attribution sums by outlet) and
the row counts. The accepted deals themselves are made only when something reads them (`deals.csv`, a
sample, a statement, a gate the SQL cannot judge): `accepted` and `by_product` are lazy.

The rejected rows' reasons are put in words by `reasons.py`, and each distinct `participants` cell is split
by it once, so that both engines say the same. Gates, totals and the reward then run on the outcome,
whichever engine filled it.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import weakref
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Callable, Iterable, Iterator

from ..core.errors import UserError
from ..io.records import Table
from ..semantics.expr import Env
from ..semantics.values import EXACT, Converter
from . import reasons
from .contract import Lookups, Rejection, RowOutcome, Window
from .deals import NO_ROW, Tally, new_deal
from .duckload import Tables, quoted
from .gates import KEYS, ClauseOutcome, GateOutcome, apply_gates, apply_factors
from .plan import GatePlan, Plan
from .rowchecks import fractions_of, participants_of, points_of, quantity_of, unknown_product
from .sqlexpr import Unsupported
from .sqlgates import KEYS as KEY_COLUMNS, gate_query
from .sqlplan import CONVERTED_TYPES, RESULT_COLUMNS, lookup_tables, rows_query

FIXED = len(RESULT_COLUMNS)  # columns of the rows query before the cells
STAFF = RESULT_COLUMNS.index("staff")
MEMORY_LIMIT = "512MB"  # DuckDB's own; past it, it spills to its temporary folder
ON_DISK_BYTES = 256 << 20  # a ledger file past this size is loaded into a database file (`_Run`)
FETCH_ROWS = 10_000  # rows fetched at a time when deals are made


def process_rows(plan: Plan, ledger: Table, window: Window, lookups: Lookups) -> RowOutcome:
    """Validate every row of the ledger and compute points and base shares of the accepted ones, on DuckDB."""
    query = rows_query(plan, window, ledger.columns, stripped=True)
    prepared = prepare(plan, ledger, lookups)
    prepared.run.con.execute(f"CREATE TABLE decided AS {query.sql('duckdb')}")
    return prepared.outcome(plan, window, lookups)


class Prepared:
    """The tables the rows query reads, in DuckDB, ready for a `decided` table of its rows (made by DuckDB, or
    by Spark: `spark.py`) from which the outcome is read."""

    def __init__(self, run: _Run, read: str, splits: dict):
        self.run, self.read, self.splits = run, read, splits

    def outcome(self, plan: Plan, window: Window, lookups: Lookups) -> RowOutcome:
        outcome = ColumnarOutcome(self.run, plan, window, lookups, self.splits)
        outcome.ledger_read = self.read
        return outcome


def prepare(plan: Plan, ledger: Table, lookups: Lookups) -> Prepared:
    """The ledger and the lookups put into a DuckDB database of the evaluation's own, and the splits."""
    run = _Run(load_duckdb(), on_disk=_ledger_bytes(ledger) > ON_DISK_BYTES)
    tables = Tables(run.con, run.folder)
    read = tables.put_ledger(ledger)
    _put_lookups(tables, plan, lookups)
    return Prepared(run, read, _put_splits(tables, plan))


def _ledger_bytes(ledger: Table) -> int:
    """The size of the ledger's file, when DuckDB reads one (CSV, Parquet); 0 for records put in."""
    file = getattr(ledger.source, "file", None)
    return os.path.getsize(file) if file else 0


def load_duckdb():
    try:
        import duckdb
    except ImportError:
        raise UserError("X101", "the DuckDB engine is not installed", exit_status=2,
                        help="install it with `python3 -m pip install duckdb`, or run with `--engine python`") from None
    return duckdb


class _Run:
    """A DuckDB database of one evaluation, with a temporary folder of its own where it spills; both go when
    the last thing that may still read it (the outcome, its lazy deals) goes. It is in memory, unless the
    ledger is too large to fit DuckDB's (`ON_DISK_BYTES`): then in a file of the folder, since DuckDB
    compresses the tables it stores and spills less (ten million deals: 65 s and 1.6 GB at peak, against
    90 s and 1.7 GB in memory; a million: 0.7 s slower on disk, so in memory)."""

    def __init__(self, duckdb, on_disk: bool = False):
        self.folder = tempfile.mkdtemp(prefix="crossmarket-")
        database = os.path.join(self.folder, "evaluation.duckdb") if on_disk else ":memory:"
        self.con = duckdb.connect(database, config={"memory_limit": MEMORY_LIMIT, "temp_directory": self.folder})
        weakref.finalize(self, _close, self.con, self.folder)

    def rows(self, sql: str, *parameters) -> list[tuple]:
        return self.con.execute(sql, list(parameters)).fetchall()

    def stream(self, sql: str, *parameters) -> Iterator[tuple]:
        """The rows of a large result a batch at a time: only the deals made of them stay."""
        cursor = self.con.execute(sql, list(parameters))
        while batch := cursor.fetchmany(FETCH_ROWS):
            yield from batch


def _close(con, folder: str) -> None:
    con.close()
    shutil.rmtree(folder, ignore_errors=True)


# ---- tables in -----------------------------------------------------------------------------------

def _put_lookups(tables: Tables, plan: Plan, lookups: Lookups) -> None:
    for name, (columns, rows) in lookup_tables(plan, lookups).items():
        tables.put(f"{name}_text", columns, rows)
        typed = ", ".join(f"TRY_CAST(NULLIF({quoted(column)}, '') AS {CONVERTED_TYPES[column.rpartition('__')[2]]}) "
                          f"AS {quoted(column)}" if "__" in column else quoted(column) for column in columns)
        tables.con.execute(f"CREATE VIEW {name} AS SELECT {typed} FROM {name}_text")
    test = lookups.on_target_list
    spells = {client: [span] for client, span in test.spans.items()}
    spells.update(test.spells)
    tables.put("target_text", ["client_id", "date_from", "date_to"],
               ((client, start, end) for client, dates in spells.items() for start, end in _merged(dates)))
    tables.con.execute("CREATE VIEW target_list AS SELECT client_id, CAST(date_from AS DATE) AS date_from, "
                       "CAST(date_to AS DATE) AS date_to FROM target_text")
    tables.put("audit_rejected", ["deal_id"], ([deal_id] for deal_id in lookups.audit_rejected))


def _merged(spells: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """A client's spells on the list, overlapping ones made one: the query joins a deal to the one spell
    that holds its date, and never to two."""
    merged: list[list[date]] = []
    for start, end in sorted(spells):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _put_splits(tables: Tables, plan: Plan) -> dict:
    """Each distinct `participants` cell of each product split once: R007–R009 for the query, and the
    fractions of the accepted deals."""
    cells = tables.con.execute("SELECT DISTINCT product, COALESCE(participants, '') FROM ledger") \
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


def _columns(con) -> set[str]:
    return {row[0] for row in con.execute("DESCRIBE ledger").fetchall()}


# ---- the outcome -------------------------------------------------------------------------------

class LazyDeals(Sequence):
    """Deals made only when first read; their number is known before."""

    def __init__(self, count: int, load: Callable[[], list]):
        self.count_, self.load, self.deals = count, load, None

    def _deals(self) -> list:
        if self.deals is None:
            self.deals = self.load()
        return self.deals

    def __len__(self) -> int:
        return self.count_ if self.deals is None else len(self.deals)

    def __getitem__(self, index):
        return self._deals()[index]

    def __iter__(self):
        return iter(self._deals())


FETCHED = {column: f"CAST({column} AS VARCHAR) AS {column}" for column in ("points", "quantity")}
"""Decimals fetched as text, an accepted deal's points made `Decimal` in Python (the quantity is its text's,
converted once per distinct text): DuckDB hands a decimal over at about three times the cost of its text, and
the deals of a failing gate are tens of thousands of rows."""
ACCEPTED = "code IS NULL"
REPORTED = f"{ACCEPTED} AND reported"


class ColumnarOutcome(RowOutcome):
    """The row loop's outcome, read from the `decided` table: what the totals need at once, the deals lazily."""

    def __init__(self, run: _Run, plan: Plan, window: Window, lookups: Lookups, splits: dict):
        self.run, self.plan, self.window, self.lookups, self.splits = run, plan, window, lookups, splits
        self.ledger_read = ""
        self.columns = ", ".join([*(FETCHED.get(column, column) for column in RESULT_COLUMNS),
                                  *(f"cell_{index}" for index in range(len(plan.cell_fields)))])
        self.quantities = Converter(quantity_of)
        self.outlet_rows = Converter(lambda name: {"name": name})
        ((self.rows, accepted),) = run.rows(f"SELECT COALESCE(SUM(CAST(reported AS INTEGER)), 0), "
                                            f"COUNT(*) FILTER (WHERE {ACCEPTED}) FROM decided")
        counts = dict(run.rows(f"SELECT product, COUNT(*) FROM decided WHERE {ACCEPTED} GROUP BY product"))
        self._all: list | None = None
        self.accepted = LazyDeals(accepted, self._load)
        self.by_product = {product.name: LazyDeals(counts.get(product.name, 0),
                                                   lambda name=product.name: self._load_by_product()[name])
                           for product in plan.product_list}
        self.rejected = [Rejection(row[0], row[1] or "", row[4], *self._reason(row, row[4]))
                         for row in run.rows(f"SELECT {self.columns} FROM decided WHERE code IS NOT NULL AND reported "
                                             "ORDER BY row_number")]
        self.undated = [number for (number,) in run.rows(
            "SELECT row_number FROM decided WHERE NOT reported AND code = 'R002' AND day IS NULL "
            "AND written_month IS NULL ORDER BY row_number")]  # a date of no month at all: another's is that month's
        self.tally = self._tally()
        self._ids: set[str] | None = None
        self.made: dict[int, object] = {}  # deals made so far, by row: one object a deal, whoever asks
        self.notes: list[str] = []  # what ran in Python rather than in SQL, and why

    @property
    def ids(self) -> set[str]:
        if self._ids is None:
            self._ids = {deal_id for (deal_id,) in self.run.rows(
                "SELECT DISTINCT deal_id FROM ledger WHERE deal_id <> ''")}
        return self._ids

    @ids.setter
    def ids(self, value: set[str]) -> None:
        self._ids = value

    def unknown_ids(self, candidates: Iterable[str]) -> list[str]:
        """The `deal_id`s among `candidates` the ledger does not have, found by DuckDB."""
        candidates = list(candidates)
        if not candidates or self._ids is not None:
            return super().unknown_ids(candidates)
        Tables(self.run.con, self.run.folder).put("candidate_ids", ["deal_id"], ([c] for c in candidates))
        found = {deal_id for (deal_id,) in self.run.rows(
            "SELECT DISTINCT deal_id FROM ledger WHERE deal_id IN (SELECT deal_id FROM candidate_ids)")}
        self.run.con.execute("DROP TABLE candidate_ids")
        return [candidate for candidate in candidates if candidate not in found]

    def reported(self, monthly: bool) -> Sequence:
        if not monthly:
            return self.accepted
        return LazyDeals(sum(sums.deals for sums in self.tally.splits), lambda: self._deals_where(" AND reported"))

    def reported_naming(self, staff_cells: set[str], monthly: bool) -> Sequence:
        """Found by DuckDB: only these deals are made."""
        return self._deals_where(f"{' AND reported' if monthly else ''} AND staff IN (SELECT a FROM wanted WHERE a <> '')",
                                 staff_cells, ())

    def accepted_of(self, projects: set[str], clients: set[str]) -> Sequence:
        """Found by DuckDB: only these deals are made."""
        return self._deals_where(" AND (project_id IN (SELECT a FROM wanted WHERE a <> '') "
                                 "OR client_id IN (SELECT b FROM wanted WHERE b <> ''))",
                                 projects, clients)

    def _deals_where(self, condition: str, first: Iterable[str] = (), second: Iterable[str] = ()) -> list:
        """The accepted deals that meet `condition`, which reads the texts `first` and `second` as the
        columns `a` and `b` of a table `wanted` (the shorter padded with empty texts)."""
        pairs = itertools.zip_longest(first, second, fillvalue="")
        Tables(self.run.con, self.run.folder).put("wanted", ["a", "b"], pairs)
        deals = self._deals(self.run.stream(f"SELECT {self.columns} FROM decided WHERE {ACCEPTED}{condition} "
                                            "ORDER BY row_number"))
        self.run.con.execute("DROP TABLE wanted")
        return deals

    # ---- sums ----

    def tally_to_end(self) -> Tally:
        return self._tally(ACCEPTED) if self.window.monthly else self.tally

    def _tally(self, deals: str = REPORTED) -> Tally:
        """The tally of the deals `deals` selects (the reported accepted ones, or every accepted one)."""
        plan = self.plan
        tally = Tally(plan.attribution_cells)
        for product, participants, points, quantity, count in self.run.rows(
                "SELECT product, participants, SUM(points), SUM(quantity), COUNT(*) FROM decided "
                f"WHERE {deals} GROUP BY product, participants"):
            sums = tally.sums(product, self.splits[(product, participants)])
            sums.points, sums.quantity, sums.deals = points, quantity, count
        for product, participants, staff, points, count in self.run.rows(
                "SELECT product, participants, staff, SUM(points), COUNT(*) FROM decided "
                f"WHERE {deals} AND staff <> '' GROUP BY product, participants, staff"):
            sums = tally.staff.setdefault((self.splits[(product, participants)], staff), [Decimal(0), 0])
            sums[0], sums[1] = EXACT.add(sums[0], points), sums[1] + count  # cells split alike are one group
        sums = "".join(f", SUM(attributed_{k})" for k in range(len(tally.cell_sums)))
        for outlet, count, *sums in self.run.rows(f"SELECT outlet, COUNT(*){sums} FROM decided "
                                                  f"WHERE {deals} AND outlet <> '' GROUP BY outlet"):
            tally.outlets[outlet] = [count, *(Decimal(0) if total is None else total for total in sums)]
        return tally

    # ---- gates ----

    def judge_gates(self, product_info: dict, period_end: bool) -> list[GateOutcome]:
        """`gates.apply_gates`, each gate one query; gates the SQL cannot compute are judged in Python."""
        gates = [gate for gate in self.plan.gates if period_end or not gate.at_period_end]
        try:
            queries = [gate_query(self.plan, gate) for gate in gates]
        except Unsupported as reason:
            self.notes.append(f"门槛改为逐笔判断，结果相同 — gates judged in Python on every deal: {reason} is not "
                              "computed in SQL")
            return apply_gates(self.plan, self, product_info, period_end)
        self._put_product_info(product_info)
        if any(gate.scope == "department" for gate in gates):
            self._put_split_departments()
        outcomes = []
        for query in queries:
            judged = [self._gate_outcome(query.gate, row) for row in self.run.rows(query.query.sql("duckdb", copy=False))]
            self._failing_members(query.gate, [outcome for outcome in judged if not outcome.passed])
            outcomes += judged
        apply_factors(outcomes)
        return outcomes

    def _gate_outcome(self, gate: GatePlan, row: tuple) -> GateOutcome:
        key, _, count, *flags = row
        clauses, passed = [], True
        for applies, holds in zip(flags[::2], flags[1::2]):
            holds = holds if applies is True else None
            clauses.append(ClauseOutcome(applies, holds))
            passed = passed and not (applies is True and holds is not True)
        members = LazyDeals(count, lambda: self._members(gate, key))
        return GateOutcome(gate, key, passed, Decimal(1) if passed else gate.factor, Env(group=members), clauses,
                           members)

    def _members(self, gate: GatePlan, key: str) -> list:
        deals = self.accepted if gate.product is None else self.by_product[gate.product]
        return [deal for deal in deals if key in _keys(gate, deal)]

    def _failing_members(self, gate: GatePlan, failing: list[GateOutcome]) -> None:
        """The deals of the failing groups, made now: the gate's factor is set on them."""
        if not failing:
            return
        Tables(self.run.con, self.run.folder).put("failing_keys", ["key"], ([o.key] for o in failing))
        product = "" if gate.product is None else " AND product = ?"
        member = f"{KEY_COLUMNS[gate.scope]} IN (SELECT key FROM failing_keys)" if gate.scope != "department" else \
            ("EXISTS (SELECT 1 FROM split_departments AS sd WHERE sd.product = decided.product AND "
             "sd.participants = decided.participants AND sd.department IN (SELECT key FROM failing_keys))")
        deals = self._deals(self.run.stream(f"SELECT {self.columns} FROM decided WHERE {ACCEPTED}{product} AND "
                                            f"{member} ORDER BY row_number",
                                            *([gate.product] if gate.product is not None else [])))
        self.run.con.execute("DROP TABLE failing_keys")
        groups: dict[str, list] = {}
        for deal in deals:
            for key in _keys(gate, deal):
                groups.setdefault(key, []).append(deal)
        for outcome in failing:
            outcome.deals.deals = outcome.env.group = groups.get(outcome.key, [])

    def _put_split_departments(self) -> None:
        Tables(self.run.con, self.run.folder).put(
            "split_text", ["product", "participants", "department", "place"],
            ((product, participants, department, place) for (product, participants), split in self.splits.items()
             if isinstance(split[0], tuple)  # fractions, not a rejection
             for place, (department, _) in enumerate(split)))
        self.run.con.execute("CREATE VIEW split_departments AS SELECT product, participants, department, "
                             "CAST(place AS INTEGER) AS place FROM split_text")

    def _put_product_info(self, info: dict) -> None:
        Tables(self.run.con, self.run.folder).put(
            "product_text", ["name", "code", "unit", "indicator", "target", "position"],
            ([row["name"], row["code"], row["unit"], row["indicator"], row["target"], position]
             for position, row in enumerate(info.values())))
        self.run.con.execute("CREATE VIEW product_info AS SELECT name, code, unit, "
                             "CAST(NULLIF(indicator, '') AS DECIMAL(38, 12)) AS indicator, "
                             "CAST(NULLIF(target, '') AS DECIMAL(38, 12)) AS target, "
                             "CAST(position AS INTEGER) AS position FROM product_text")

    # ---- deals ----

    def _load(self) -> list:
        if self._all is None:
            self._all = self._deals(self.run.stream(
                f"SELECT {self.columns} FROM decided WHERE {ACCEPTED} ORDER BY row_number"))
        return self._all

    def _load_by_product(self) -> dict[str, list]:
        groups: dict[str, list] = {product.name: [] for product in self.plan.product_list}
        for deal in self._load():
            groups[deal.product_plan.name].append(deal)
        for name, deals in groups.items():
            self.by_product[name].deals = deals
        return groups

    def _deals(self, rows: Iterable[tuple]) -> list:
        plan, info = self.plan, self.lookups.product_info
        clients, projects, names = self.lookups.clients, self.lookups.projects, plan.cell_fields
        deals, made = [], self.made
        for row in rows:
            (number, deal_id, day, product, _, reported, points, quantity, client_id, project_id, outlet,
             participants) = row[:12]
            if number in made:
                deals.append(made[number])
                continue
            client_id, project_id, outlet = client_id or "", project_id or "", outlet or ""
            deals.append(new_deal((number, deal_id, day, plan.products[product], self.quantities[quantity or ""],
                                   client_id, project_id, outlet, names, row[FIXED:], clients.get(client_id, NO_ROW),
                                   projects.get(project_id, NO_ROW), info[product], self.outlet_rows[outlet], Decimal(points),
                                   self.splits[(product, participants or "")], reported, row[STAFF])))
            made[number] = deals[-1]
        return deals

    # ---- reasons ----

    def _reason(self, row: tuple, code: str) -> reasons.Reason:
        """The row loop's words for the code the query decided."""
        (_, deal_id, day, product, _, _, _, quantity, client_id, project_id, outlet, participants, product_text,
         date_text, _, _, _) = row[:FIXED]
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


def _keys(gate: GatePlan, deal) -> list[str]:
    """The groups of a gate a deal is in: its departments for a gate on departments, else its one key."""
    if gate.scope == "department":
        return [department for department, _ in deal.fractions]
    return [KEYS[gate.scope](deal)]


def text(value) -> str:
    return "" if value is None else value.strip()
