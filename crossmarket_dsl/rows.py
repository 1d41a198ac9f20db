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
| R011 | points not computable |
| R012 | points condition false (not eligible) |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Callable, Iterable

from .expr import number, truth
from .plan import Plan, ProductPlan
from .values import to_date, to_number

REASONS = {
    "R001": "duplicate deal_id", "R002": "bad or missing date", "R003": "outside the effective period",
    "R004": "unknown or unconfigured product", "R005": "bad quantity", "R006": "client not on the target list",
    "R007": "no participating department", "R008": "unknown participant or host named as participant", "R009": "declared shares invalid",
    "R010": "rejected by audit", "R011": "points not computable", "R012": "points condition false",
}
ONE = Decimal(1)
HUNDRED = Decimal(100)
SCALE = Decimal("1e-12")
"""Points and shares are kept to 12 decimal places (the results show 4): with a fixed scale, adding them up
never rounds, so departments' points add up to the deals' points exactly even when a share is 80% ÷ 3."""
NO_ROW: dict = {}  # the row of a client or project a table does not have
_SEPARATORS = re.compile(r"[;；、,，]")


class Deal:
    """An accepted deal. Its attributes double as the expression environment (`deal`, `client`, …)."""

    __slots__ = ("row", "deal_id", "date", "product_plan", "quantity", "client_id", "project_id", "outlet_name",
                 "deal", "client", "project", "product", "outlet",
                 "points", "fractions", "factor", "department_factors", "in_report")
    department = NO_ROW  # a deal is no department's row, and no aggregate's group
    group = ()

    def __init__(self, row: int, deal_id: str, day: date, product_plan: ProductPlan, fields: dict, quantity: Decimal,
                 client_id: str, project_id: str, outlet_name: str):
        self.row, self.deal_id, self.date, self.product_plan = row, deal_id, day, product_plan
        self.deal, self.quantity, self.client_id, self.project_id, self.outlet_name = \
            fields, quantity, client_id, project_id, outlet_name
        self.factor = ONE
        self.department_factors = None

    @property
    def shares(self) -> list[tuple[str, Decimal]]:
        """Points by department before gates (computed, not stored: a ledger has a million deals)."""
        return split_points(self.points, self.fractions)

    def gated_shares(self) -> list[tuple[str, Decimal]]:
        """Shares after the gates: a deal's factor scales its points before they are split; a department
        gate's factor scales that department's share only."""
        if self.department_factors is None:
            return split_points(self.gated_points, self.fractions)
        factors = self.department_factors
        return [(dept, (share * self.factor * factors.get(dept, ONE)).quantize(SCALE))
                for dept, share in self.shares]

    @property
    def gated_points(self) -> Decimal:
        if self.department_factors is None:  # the split keeps every share's total exact
            return self.points if self.factor == ONE else (self.points * self.factor).quantize(SCALE)
        return sum((share for _, share in self.gated_shares()), Decimal(0))


@dataclass
class Rejection:
    row: int
    deal_id: str
    code: str
    reason: str


@dataclass
class Window:
    """The effective period, and the dates reported: the whole period, or one month of it.

    Rows of earlier months are evaluated (gates see the period up to the month's end) but not
    reported; rows of later months are not part of the run at all.
    """

    period_from: date
    period_to: date
    report_from: date = date.min
    report_to: date = date.max

    @property
    def end(self) -> date:
        return min(self.period_to, self.report_to)

    @property
    def monthly(self) -> bool:
        return self.report_from != date.min

    def reported(self, day: date | None) -> bool:
        """A row without a usable date belongs to no month: only the whole-period run rejects it (R002);
        a monthly run lists it as a warning instead, so that the months' rows add up to the year's."""
        if day is None:
            return not self.monthly
        return self.report_from <= day <= self.report_to


@dataclass
class Lookups:
    clients: dict[str, dict]
    projects: dict[str, dict]
    product_info: dict[str, dict]  # product name → the `product.*` row
    on_target_list: Callable[[str, date], bool]
    audit_rejected: dict[str, str]  # deal_id → note


class RowOutcome:
    """Accepted deals of the evaluated window, and rejections of the reported rows."""

    def __init__(self):
        self.accepted: list[Deal] = []
        self.rejected: list[Rejection] = []
        self.rows = 0
        self.ids: set[str] = set()  # every deal_id of the ledger
        self.undated: list[int] = []  # rows with no usable date, in a monthly run


def process_rows(plan: Plan, rows: Iterable[tuple[int, dict]], window: Window, lookups: Lookups,
                 keep_fields: Iterable[str]) -> RowOutcome:
    """Validate every row and compute points and base shares of the accepted ones."""
    outcome = RowOutcome()
    check = _Validator(plan, window, lookups, outcome.ids, tuple(dict.fromkeys(["quantity", *keep_fields])))
    reported_of, accept, reject = window.reported, outcome.accepted.append, outcome.rejected.append
    dates, date_of = check.dates, check.date
    for row_number, row in rows:
        raw_date = row.get("date")
        day = dates.get(raw_date, MISSING) if raw_date.__class__ is str else MISSING
        if day is MISSING:
            day = date_of(raw_date)
        reported = reported_of(day)
        if reported:
            outcome.rows += 1
        code, reason, deal = check(row, row_number, day)
        if deal is not None:
            deal.in_report = reported
            accept(deal)
        elif reported and code:
            reject(Rejection(row_number, _text(row.get("deal_id")), code, reason))
        elif day is None and code == "R002":
            outcome.undated.append(row_number)
    return outcome


MISSING = object()


def _text(value) -> str:
    return value.strip() if value.__class__ is str else ("" if value is None else str(value).strip())


class _Validator:
    """One row's checks, in the order of the reason codes. Values that repeat across a ledger (dates,
    quantities, participant lists, outlets) are converted once and cached. This runs a million times
    a run, so the usual path keeps to local names and single lookups."""

    def __init__(self, plan: Plan, window: Window, lookups: Lookups, seen: set[str], keep: tuple[str, ...]):
        self.plan, self.window, self.lookups, self.seen, self.keep = plan, window, lookups, seen, keep
        self.dates: dict = {}
        self.quantities: dict = {}
        self.participants: dict = {}
        self.outlets: dict = {}
        self.strings: dict[str, str] = {}  # one object per distinct id: a ledger repeats them many times
        self.products = plan.products
        self.bounds = (window.period_from, window.period_to, window.end)

    def date(self, raw) -> date | None:
        return _cached(self.dates, raw, to_date)

    def __call__(self, row: dict, row_number: int, day: date | None):
        get = row.get
        deal_id = _text(get("deal_id"))
        if not deal_id or deal_id in self.seen:
            return "R001", _duplicate(deal_id), None
        self.seen.add(deal_id)
        if day is None:
            return "R002", _bad_date(get("date")), None
        period_from, period_to, end = self.bounds
        if not period_from <= day <= period_to:
            return "R003", f"date {day} is outside the effective period {period_from} to {period_to}", None
        if day > end:
            return "", "", None  # after the evaluated month: not part of this run
        product_name = _text(get("product"))
        product = self.products.get(product_name)
        if product is None:
            return "R004", _unknown_product(self.plan, product_name), None
        raw_quantity = get("quantity")
        quantity = self.quantities.get(raw_quantity, MISSING) if raw_quantity.__class__ is str else MISSING
        if quantity is MISSING:
            quantity = self.quantity(raw_quantity)
        if quantity is None:
            return "R005", f"quantity `{_text(raw_quantity)}` is not a number above 0", None
        client_id = _text(get("client_id"))
        lookups = self.lookups
        if not lookups.on_target_list(client_id, day):
            return "R006", f"client `{client_id}` is not on the target list on {day}" if client_id \
                else "the deal names no client", None
        split = self.participants.get((product.name, get("participants")))
        fractions, problem = split if split is not None else self.split_of(product, get("participants"))
        if problem:
            return (*problem, None)
        if deal_id in lookups.audit_rejected:
            note = lookups.audit_rejected[deal_id]
            return "R010", "rejected by the audit" + (f": {note}" if note else ""), None
        row["quantity"] = quantity  # what `deal.quantity` reads: a missing quantity is 1
        deal = self._deal(row, row_number, deal_id, day, product, quantity, client_id)
        points, problem = _points(product, deal)
        if problem:
            return (*problem, None)
        deal.deal = {name: get(name) for name in self.keep}  # only what gates and attribution read later
        deal.points = points
        deal.fractions = fractions
        return "", "", deal

    def _deal(self, row, row_number, deal_id, day, product, quantity, client_id) -> Deal:
        shared = self.strings.setdefault
        client_id = shared(client_id, client_id)
        project_id = _text(row.get("project_id"))
        project_id = shared(project_id, project_id)
        outlet = _text(row.get("outlet"))
        outlet = shared(outlet, outlet)
        deal = Deal(row_number, deal_id, day, product, row, quantity, client_id, project_id, outlet)
        outlet_row = self.outlets.get(outlet)
        deal.outlet = outlet_row if outlet_row is not None else self.outlets.setdefault(outlet, {"name": outlet})
        lookups = self.lookups
        deal.client = lookups.clients.get(client_id, NO_ROW)
        deal.project = lookups.projects.get(project_id, NO_ROW)
        deal.product = lookups.product_info[product.name]
        return deal

    def quantity(self, raw) -> Decimal | None:
        return _cached(self.quantities, raw, _quantity)

    def split_of(self, product: ProductPlan, raw):
        """The fraction of a deal's points each department gets, host first; or a rejection."""
        shares, problem = _participants(self.plan, product, _text(raw))
        split = (None, problem) if problem else (_fractions(self.plan, product, shares), None)
        try:
            self.participants[(product.name, raw)] = split
        except TypeError:  # an unhashable cell (a list from JSON Lines): not cached
            pass
        return split


def _cached(cache: dict, raw, convert):
    """`convert(raw)`, remembered: a ledger repeats its dates and quantities on many rows."""
    try:
        return cache[raw]
    except KeyError:
        value = cache[raw] = convert(raw)
        return value
    except TypeError:  # an unhashable cell (a list from JSON Lines)
        return convert(raw)


def _duplicate(deal_id: str) -> str:
    if not deal_id:
        return "the row has no `deal_id`"
    return f"`deal_id` `{deal_id}` appears on an earlier row (the first is kept)"


def _bad_date(raw) -> str:
    text = _text(raw)
    return f"date `{text}` is not a date" if text else "the date is missing"


def _fractions(plan: Plan, product: ProductPlan, shares) -> tuple[tuple[str, Decimal | None], ...]:
    """Host share, then each participant's fraction of the participants' part (None: the remainder)."""
    count = len(shares)
    parts = [(product.host, plan.host_share)]
    for index, (name, fraction) in enumerate(shares):
        if index == count - 1:
            parts.append((name, None))
        else:
            parts.append((name, plan.participant_share * (fraction if fraction is not None else ONE / count)))
    return tuple(parts)


def split_points(points: Decimal, fractions) -> list[tuple[str, Decimal]]:
    """Points by department, each to `SCALE`. The last participant takes what is left of the participants'
    part, so the shares add up to the deal's points exactly."""
    host, host_fraction = fractions[0]
    host_part = (points * host_fraction).quantize(SCALE)
    shares = [(host, host_part)]
    given = host_part
    for name, fraction in fractions[1:]:
        part = points - given if fraction is None else (points * fraction).quantize(SCALE)
        given += part
        shares.append((name, part))
    return shares


def _unknown_product(plan: Plan, name: str) -> str:
    if not name:
        return "the deal names no product"
    catalogue = {entry["name"] for entry in plan.ir["catalog"]} | {entry["code"] for entry in plan.ir["catalog"]}
    if name in catalogue:
        return f"product `{name}` is in head office's catalogue but these rules give it no points"
    return f"product `{name}` is not in the catalogue"


def _quantity(value) -> Decimal | None:
    if value is None or value == "":
        return ONE
    number = to_number(value)
    return number if number is not None and number > 0 else None


def _participants(plan: Plan, product: ProductPlan, text: str):
    """Participants and their declared shares (fractions of the participants' part), or a rejection."""
    items = [item.strip() for item in _SEPARATORS.split(text) if item.strip()]
    if not items:
        return None, ("R007", "no participating department: the host alone is not a cross-sale")
    names, declared = [], []
    for item in items:
        name, _, share = item.replace("：", ":").partition(":")
        names.append(name.strip())
        declared.append(share.strip() or None)
    for name in names:
        if name not in plan.departments:
            return None, ("R008", f"participant `{name}` is not a department of the measure")
        if plan.departments[name] == "support":
            return None, ("R008", f"`{name}` is a support department: it does not take part in marketing")
        if name == product.host:
            return None, ("R008", f"`{name}` is the host of `{product.name}` and cannot also be a participant")
    if len(set(names)) != len(names):
        return None, ("R008", "a participant is named twice")
    if not plan.declared_split:
        return [(name, None) for name in names], None
    return _declared_shares(names, declared)


def _declared_shares(names, declared):
    if len(names) == 1 and declared[0] is None:
        return [(names[0], ONE)], None
    numbers = [to_number(share.rstrip("%")) if share is not None else None for share in declared]
    if any(n is None or n < 0 for n in numbers):
        return None, ("R009", "with `by declared` every participant needs its share, e.g. `电子银行部:60;信用卡中心:40`")
    total = sum(numbers, Decimal(0))
    if total != HUNDRED:
        return None, ("R009", f"declared shares add up to {total}, not 100")
    return [(name, number / HUNDRED) for name, number in zip(names, numbers)], None


def _points(product: ProductPlan, deal: Deal):
    if product.when is not None:
        eligible = truth(product.when(deal))
        if eligible is not True:
            return None, ("R012", f"the condition of `{product.name}` is {'empty' if eligible is None else 'false'}"
                                  " for this deal: not eligible")
    value = number(product.points(deal))
    if value is None:
        return None, ("R011", f"the points of `{product.name}` cannot be computed for this deal "
                              "(a value it needs is missing or not a number)")
    try:
        return (value * deal.quantity if product.per_unit else value).quantize(SCALE), None
    except InvalidOperation:  # more than 16 digits before the point: not a number of points
        return None, ("R011", f"the points of `{product.name}` for this deal are too large to count ({value})")
