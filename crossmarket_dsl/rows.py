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
from decimal import Decimal
from typing import Callable, Iterable, Iterator

from .expr import truth
from .plan import Plan, ProductPlan
from .values import to_date, to_number

REASONS = {
    "R001": "duplicate deal_id", "R002": "bad or missing date", "R003": "outside the effective period",
    "R004": "unknown or unconfigured product", "R005": "bad quantity", "R006": "client not on the target list",
    "R007": "no participating department", "R008": "unknown participant", "R009": "declared shares invalid",
    "R010": "rejected by audit", "R011": "points not computable", "R012": "points condition false",
}
ONE = Decimal(1)
HUNDRED = Decimal(100)
_SEPARATORS = re.compile(r"[;；、,，]")


class Deal:
    """An accepted deal. Its attributes double as the expression environment (`deal`, `client`, …)."""

    __slots__ = ("row", "deal_id", "date", "product_plan", "quantity", "client_id", "project_id", "outlet_name",
                 "deal", "client", "project", "product", "outlet", "department", "group",
                 "points", "shares", "factor", "department_factors", "in_report")

    def __init__(self, row: int, deal_id: str, day: date, product_plan: ProductPlan, fields: dict):
        self.row, self.deal_id, self.date, self.product_plan = row, deal_id, day, product_plan
        self.deal = fields
        self.department = {}
        self.group = ()
        self.factor = ONE
        self.department_factors = None

    def gated_shares(self) -> list[tuple[str, Decimal]]:
        factors = self.department_factors or {}
        return [(dept, share * self.factor * factors.get(dept, ONE)) for dept, share in self.shares]

    @property
    def gated_points(self) -> Decimal:
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

    def reported(self, day: date | None) -> bool:
        return day is None or self.report_from <= day <= self.report_to


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


def process_rows(plan: Plan, rows: Iterable[tuple[int, dict]], window: Window, lookups: Lookups,
                 keep_fields: Iterable[str]) -> RowOutcome:
    """Validate every row and compute points and base shares of the accepted ones."""
    outcome = RowOutcome()
    seen: set[str] = set()
    keep = tuple(dict.fromkeys(keep_fields))
    for row_number, row in rows:
        deal_id = _text(row.get("deal_id"))
        day = to_date(row.get("date"))
        reported = window.reported(day)
        if reported:
            outcome.rows += 1
        code, reason, deal = _validate(plan, row, row_number, deal_id, day, window, lookups, seen, keep)
        if deal is not None:
            deal.in_report = reported
            outcome.accepted.append(deal)
        elif reported and code:
            outcome.rejected.append(Rejection(row_number, deal_id or "", code, reason))
    return outcome


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _validate(plan, row, row_number, deal_id, day, window, lookups, seen, keep):
    if not deal_id:
        return "R001", "the row has no `deal_id`", None
    if deal_id in seen:
        return "R001", f"`deal_id` `{deal_id}` appears on an earlier row (the first is kept)", None
    seen.add(deal_id)
    if day is None:
        raw = _text(row.get("date"))
        return "R002", f"date `{raw}` is not a date" if raw else "the date is missing", None
    if not window.period_from <= day <= window.period_to:
        return "R003", f"date {day} is outside the effective period {window.period_from} to {window.period_to}", None
    if day > window.end:
        return "", "", None  # after the evaluated month: not part of this run
    product_name = _text(row.get("product"))
    product = plan.products.get(product_name)
    if product is None:
        return "R004", _unknown_product(plan, product_name), None
    quantity = _quantity(row.get("quantity"))
    if quantity is None:
        return "R005", f"quantity `{_text(row.get('quantity'))}` is not a number above 0", None
    client_id = _text(row.get("client_id"))
    if not lookups.on_target_list(client_id, day):
        return "R006", f"client `{client_id}` is not on the target list on {day}" if client_id \
            else "the deal names no client", None
    shares, problem = _participants(plan, product, _text(row.get("participants")))
    if problem:
        return (*problem, None)
    if deal_id in lookups.audit_rejected:
        note = lookups.audit_rejected[deal_id]
        return "R010", "rejected by the audit" + (f": {note}" if note else ""), None
    deal = Deal(row_number, deal_id, day, product, {name: row.get(name) for name in keep})
    deal.quantity = quantity
    deal.client_id = client_id
    deal.project_id = _text(row.get("project_id"))
    deal.outlet_name = _text(row.get("outlet"))
    deal.client = lookups.clients.get(client_id, {})
    deal.project = lookups.projects.get(deal.project_id, {})
    deal.product = lookups.product_info[product.name]
    deal.outlet = {"name": deal.outlet_name}
    deal.deal["quantity"] = quantity
    points, problem = _points(product, deal)
    if problem:
        return (*problem, None)
    deal.points = points
    deal.shares = [(product.host, points * plan.host_share)] + \
        [(dept, part) for dept, part in _split(points * plan.participant_share, shares)]
    return "", "", deal


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


def _split(amount: Decimal, shares) -> Iterator[tuple[str, Decimal]]:
    """Divide the participants' part equally or by declared fractions; the last takes the remainder
    so that the parts add up to the whole exactly."""
    given = Decimal(0)
    count = len(shares)
    for i, (name, fraction) in enumerate(shares):
        if i == count - 1:
            yield name, amount - given
            return
        part = amount / count if fraction is None else amount * fraction
        given += part
        yield name, part


def _points(product: ProductPlan, deal: Deal):
    if product.when is not None:
        eligible = truth(product.when(deal))
        if eligible is not True:
            return None, ("R012", f"the condition of `{product.name}` is {'empty' if eligible is None else 'false'}"
                                  " for this deal: not eligible")
    value = to_number(product.points(deal))
    if value is None:
        return None, ("R011", f"the points of `{product.name}` cannot be computed for this deal "
                              "(a value it needs is missing or not a number)")
    return (value * deal.quantity if product.per_unit else value), None
