"""The engine contract: what an engine receives and what it must return.

An engine turns the ledger into row outcomes. It receives
- the `Plan` (`plan.py`): the validated rules, ready to run — never the AST or the raw IR;
- the ledger, a `Table` (`io/records.py`), to read with `record_chunks()`, and the `Window` below;
- the `Lookups` below: the clients, projects and product rows by key, the target-list test and the
  audit's rejected deals.

It returns a `RowOutcome`: every row of the reported window either accepted, as a `Deal` record
(`deals.py`) with its points and base shares, or rejected, as a `Rejection` with one reason code of
`REASONS` (R001–R012); `rows` counts the rows read, so that rows = accepted + rejected; `tally` adds up
the accepted deals it reports (points and quantity by product and split, outlet cells), so that the
totals need no other pass over them.

The gates (`gates.py`), the totals (`totals.py`) and the reward (`reward.py`) run on that outcome
whichever engine filled it; `evaluate.py` is the only module that calls an engine. Outputs import this
module, never an engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .deals import Deal, Tally
from .inputs import TargetTest
from .plan import Plan

REASONS = {
    "R001": "duplicate deal_id", "R002": "bad or missing date", "R003": "outside the effective period",
    "R004": "unknown or unconfigured product", "R005": "bad quantity", "R006": "client not on the target list",
    "R007": "no participating department", "R008": "unknown participant or host named as participant", "R009": "declared shares invalid",
    "R010": "rejected by audit", "R011": "points not computable", "R012": "points condition false",
}


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
    reported; rows of later months are not part of the run at all. A row without a usable date
    belongs to no month: only the whole-period run rejects it (R002); a monthly run lists it as a
    warning instead, so that the months' rows add up to the year's.
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


@dataclass
class Lookups:
    clients: dict[str, dict]
    projects: dict[str, dict]
    product_info: dict[str, dict]  # product name → the `product.*` row
    on_target_list: TargetTest
    audit_rejected: dict[str, str]  # deal_id → note


class RowOutcome:
    """Accepted deals of the evaluated window, and rejections of the reported rows."""

    def __init__(self, plan: Plan):
        self.accepted: list[Deal] = []
        self.by_product: dict[str, list[Deal]] = {product.name: [] for product in plan.product_list}
        self.tally = Tally(plan.attribution_cells)  # the reported ones, added up: the totals need no other pass
        self.rejected: list[Rejection] = []
        self.rows = 0
        self.ids: set[str] = set()  # every deal_id of the ledger
        self.undated: list[int] = []  # rows with no usable date, in a monthly run
