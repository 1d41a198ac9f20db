"""The row loop: every ledger row ends accepted (with its points and shares) or rejected with one
reason code (SPEC §7.1–7.2). Nothing is dropped silently.

| code | reason |
|------|--------|
| R001 | duplicate `deal_id` (the first row is kept), or no `deal_id` at all |
| R002 | bad or missing date |
| R003 | outside the effective period |
| R004 | unknown product, or one the branch has not configured |
| R005 | bad quantity (not a number, or ≤ 0) |
| R006 | client not on the target list at the deal's date |
| R007 | no participating department (not a cross-sale) |
| R008 | unknown participant, the host named as participant, or a participant named twice |
| R009 | declared shares invalid |
| R010 | rejected by audit |
| R011 | points not computable, or negative |
| R012 | points condition false (not eligible) |
| R013 | a mortgage (a deal a `project` gate judges) naming a project the projects table lacks (art. 20) |
"""

from __future__ import annotations

from datetime import date
from itertools import repeat
from operator import itemgetter
from typing import Callable, Iterable, Iterator, Sequence

from ..io.records import Table
from ..semantics.expr import Env
from ..semantics.values import Converter, to_date, written_date
from . import reasons
from .contract import Lookups, Rejection, RowOutcome, Window
from .deals import NO_ROW, Tally, new_deal
from .plan import Plan, ProductPlan
from .rowchecks import fractions_of, participants_of, points_of, quantity_of, unknown_product


def process_rows(plan: Plan, ledger: Table, window: Window, lookups: Lookups) -> RowOutcome:
    """Validate every row of the ledger and compute points and base shares of the accepted ones."""
    engine = _RowEngine(plan, window, lookups, ledger.columns)
    for numbers, records in ledger.record_chunks():
        engine.run(numbers, records)
    engine.outcome.tally.flush()
    return engine.outcome


def _text(value) -> str:
    return value.strip() if value.__class__ is str else ("" if value is None else str(value).strip())


def _texts(cells) -> list[str]:
    cells = list(cells)
    try:
        return list(map(str.strip, cells))
    except TypeError:  # numbers or empty cells, from XLSX or JSON Lines
        return list(map(_text, cells))


class _Interner(Converter):
    """One object for each distinct cell of a column, so that a deal keeps a pointer rather than its own
    copy of `0.00`, and a million deals of a few thousand distinct cells cost megabytes, not hundreds.

    A column that hardly repeats itself (amounts to the cent) would only pay for the lookups: once
    `PROBE` cells are seen, if most were new, the column is passed on as it comes."""

    PROBE = 16_384

    def __init__(self):
        super().__init__(lambda cell: cell)
        self.seen = self.new = 0
        self.active = True

    def __missing__(self, raw):
        self.new += 1
        return super().__missing__(raw)

    def column(self, cells: Iterable, count: int) -> Iterable:
        if self.active and self.seen >= self.PROBE and 2 * self.new > self.seen:
            self.active = False
            self.clear()
        if not self.active:
            return cells
        self.seen += count
        return super().column(cells)


def _cells_at(positions: Sequence[int]) -> Callable[[Sequence], tuple]:
    """A function giving a record's cells at `positions` as a tuple (`itemgetter` gives a bare cell for one)."""
    if len(positions) == 1:
        (position,) = positions
        return lambda record: (record[position],)
    return itemgetter(*positions) if positions else lambda record: ()


REMEMBERED = 100_000
"""Points and splits remembered at most; then the memory starts afresh (slower, never wrong)."""


class _Points:
    """A product's points, remembered by what they depend on: the quantity, and the cells and rows its
    points and condition read (for `10 per unit`, the quantity alone). Deals alike in these get the
    same points, so a million deals need a few thousand evaluations."""

    def __init__(self, product: ProductPlan, fields: tuple[str, ...]):
        self.product = product
        self.memo: dict = {}
        reads = product.reads
        positions = [fields.index(name) for name in reads.get("deal", {}) if name != "quantity"]
        rows = tuple(scope in reads for scope in ("client", "project", "outlet"))
        self.key = self._key(_cells_at(positions), *rows) if positions or any(rows) else None

    @staticmethod
    def _key(cells_read, by_client: bool, by_project: bool, by_outlet: bool):
        def key(quantity, cells, client_id, project_id, outlet):
            return quantity, cells_read(cells), by_client and client_id, by_project and project_id, by_outlet and outlet
        return key

    def __call__(self, key, env: Env) -> tuple:
        if len(self.memo) >= REMEMBERED:
            self.memo.clear()
        points = self.memo[key] = points_of(self.product, env)
        return points


class _RowEngine:
    """The row checks, in the order of the reason codes, over a chunk of ledger records at a time.

    The cells of a column are converted by `Converter`s, which convert each distinct text once (dates,
    products, quantities; ids, so that a ledger's many equal ids are one object), lazily and in C
    (`map`); points are remembered by the cells they read. The loop over the rows then mostly
    compares and looks up. It runs a million times a run: it keeps to local names, and builds a
    rejection's message only when a row is rejected."""

    def __init__(self, plan: Plan, window: Window, lookups: Lookups, columns: list[str]):
        self.plan, self.window, self.lookups = plan, window, lookups
        self.position = {name: index for index, name in enumerate(columns)}
        self.fields = plan.cell_fields
        self.interners = [_Interner() for _ in self.fields]
        self.outcome = RowOutcome(plan)
        self.dates = Converter(to_date)
        self.products = Converter(lambda raw: plan.products.get(_text(raw)))
        self.quantities = Converter(quantity_of)
        self.ids = Converter(_text)
        self.outlets = Converter(lambda name: {"name": name})  # the `outlet.*` row of an outlet
        self.splits: dict[tuple, tuple] = {}
        self.points = {product.name: _Points(product, self.fields) for product in plan.product_list}
        self.project_gated = plan.project_gated

    def column(self, records: Sequence[Sequence], name: str):
        """The cells of a column, lazily; a column the ledger does not have reads as empty cells, as many as
        there are records (never an endless run of them: a caller may make a list of the column)."""
        position = self.position.get(name)
        return repeat(None, len(records)) if position is None else map(itemgetter(position), records)

    def converted(self, numbers: Sequence[int], records: Sequence[Sequence]) -> Iterator[tuple]:
        """Each record with its cells converted, a column at a time: (record, row number, deal id, date,
        product, quantity, client id, participants, project id, outlet, (the client's, project's and
        outlet's rows), the cells of the fields the rules read, the staff cell)."""
        lookups, column = self.lookups, self.column
        clients = list(self.ids.column(column(records, "client_id")))
        projects = list(self.ids.column(column(records, "project_id")))
        outlets = list(self.ids.column(column(records, "outlet")))
        rows = zip(map(lookups.clients.get, clients, repeat(NO_ROW)),
                   map(lookups.projects.get, projects, repeat(NO_ROW)), self.outlets.column(outlets))
        return zip(records, numbers, _texts(column(records, "deal_id")), self.dates.column(column(records, "date")),
                   self.products.column(column(records, "product")),
                   self.quantities.column(column(records, "quantity")), clients, column(records, "participants"),
                   projects, outlets, rows, self.cells(records),
                   self.ids.column(column(records, "staff")) if "staff" in self.position else repeat(""))

    def run(self, numbers: Sequence[int], records: Sequence[Sequence]) -> None:
        outcome, lookups, window = self.outcome, self.lookups, self.window
        seen, see, audited, info = outcome.ids, outcome.ids.add, lookups.audit_rejected, lookups.product_info
        spans, on_list = lookups.on_target_list.spans, lookups.on_target_list
        period_from, period_to, end = window.period_from, window.period_to, window.end
        report_from, report_to, annual = window.report_from, window.report_to, not window.monthly
        splits, points_of, project_gated, projects = self.splits, self.points, self.project_gated, lookups.projects
        accept, by_product, names = outcome.accepted.append, outcome.by_product, self.fields
        add_outlet, add_staff = outcome.tally.add_outlet, outcome.tally.add_staff
        reported_rows = 0
        for (record, row_number, deal_id, day, product, quantity, client_id, participants, project_id, outlet,
             (client, project, outlet_row), cells, staff) in self.converted(numbers, records):
            reported = report_from <= day <= report_to if day is not None else \
                annual or report_from <= (self.written_month(record) or date.min) <= report_to
            reported_rows += reported
            if not deal_id or deal_id in seen:
                self.reject("R001", reasons.duplicate(deal_id) if deal_id else reasons.no_id(), row_number, deal_id, day,
                            reported)
                continue
            see(deal_id)
            if day is None:
                if reported or self.written_month(record) is None:  # else it is another month's to fix
                    self.reject("R002", reasons.bad_date(_text(self.cell(record, "date"))), row_number, deal_id,
                                day, reported)
                continue
            if not period_from <= day <= period_to:
                self.reject("R003", reasons.outside_period(day, period_from, period_to), row_number, deal_id, day,
                            reported)
                continue
            if day > end:
                continue  # after the evaluated month: not part of this run
            if product is None:
                self.reject("R004", unknown_product(self.plan, _text(self.cell(record, "product"))), row_number,
                            deal_id, day, reported)
                continue
            if quantity is None:
                self.reject("R005", reasons.bad_quantity(_text(self.cell(record, "quantity"))),
                            row_number, deal_id, day, reported)
                continue
            span = spans.get(client_id)
            if not (span[0] <= day <= span[1] if span is not None else on_list(client_id, day)):
                self.reject("R006", reasons.not_on_list(client_id, day), row_number, deal_id, day, reported)
                continue
            fractions, problem, split_sums = splits.get((product.name, participants)) or \
                self.split_of(product, participants)
            if problem:
                self.reject(*problem, row_number, deal_id, day, reported)
                continue
            if deal_id in audited:
                note = audited[deal_id]
                self.reject("R010", reasons.audit_rejected(note), row_number, deal_id, day, reported)
                continue
            product_points, product_row = points_of[product.name], info[product.name]
            key = quantity if product_points.key is None else \
                product_points.key(quantity, cells, client_id, project_id, outlet)
            points, problem = product_points.memo.get(key) or product_points(key, Env(
                deal=dict(zip(names, cells), quantity=quantity), client=client, project=project,
                product=product_row, outlet=outlet_row))
            if problem:
                self.reject(*problem, row_number, deal_id, day, reported)
                continue
            if project_id and product.name in project_gated and project_id not in projects:
                self.reject("R013", reasons.unknown_project(project_id), row_number, deal_id, day, reported)
                continue
            deal = new_deal((row_number, deal_id, day, product, quantity, client_id, project_id, outlet, names, cells,
                             client, project, product_row, outlet_row, points, fractions, reported, staff))
            accept(deal)
            by_product[product.name].append(deal)
            if reported:  # added up now, while the row is at hand (see `Tally`)
                split_sums.add(points, quantity)
                if outlet:
                    add_outlet(outlet, cells)
                if staff:
                    add_staff(fractions, staff, points)
        outcome.rows += reported_rows
        outcome.tally.flush(unless_fewer_than=Tally.FLUSH_DEALS)

    def cells(self, records: Sequence[Sequence]) -> Iterator[tuple]:
        """Each record's cells of the fields the rules read, as a tuple, equal cells made one object."""
        if not self.fields:
            return repeat(())
        return zip(*(interner.column(self.column(records, name), len(records))
                     for name, interner in zip(self.fields, self.interners)))

    def cell(self, record: Sequence, name: str):
        position = self.position.get(name)
        return None if position is None else record[position]

    def written_month(self, record: Sequence) -> date | None:
        """The month a date that does not exist is written in (`2026-04-31`: April), so that the month's
        statement lists the row and the department fixes it; None for a date with no month at all."""
        parts = written_date(_text(self.cell(record, "date")))
        if parts is None or not (1 <= parts[0] and 1 <= parts[1] <= 12):
            return None
        return date(parts[0], parts[1], 1)

    def reject(self, code: str, reason: reasons.Reason, number: int, deal_id: str, day: date | None,
               reported: bool) -> None:
        """A row of the reported dates is listed with its reason. An undated row in a monthly run belongs
        to no month: it is noted for a warning, so that the months' rows add up to the year's."""
        if reported:
            self.outcome.rejected.append(Rejection(number, deal_id, code, *reason))
        elif day is None and code == "R002":
            self.outcome.undated.append(number)

    def split_of(self, product: ProductPlan, raw) -> tuple:
        """The fraction of a deal's points each department gets, host first, and the group its reported
        deals join; or a rejection."""
        shares, problem = participants_of(self.plan, product, _text(raw))
        if len(self.splits) >= REMEMBERED:
            self.splits.clear()
        if problem:
            split = self.splits[(product.name, raw)] = (None, problem, None)
            return split
        fractions = fractions_of(self.plan, product, shares)
        split = self.splits[(product.name, raw)] = (fractions, None, self.outcome.tally.sums(product.name, fractions))
        return split


