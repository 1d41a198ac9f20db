"""The engine contract: what an engine receives and what it must return.

An engine turns the ledger into row outcomes; everything before it (reading and checking the tables,
building the plan) and after it (gates, totals, reward, outputs) is shared, so that a second engine
(columnar, SQL) can be added beside the row loop (`rows.py`, the reference) and tested against it.
An `Engine` is called once per evaluation as `engine(plan, ledger, window, lookups)` and receives

- `plan`, the `Plan` (`plan.py`): the validated rules ready to run — products by name and code with
  their compiled points, condition and target, the departments, the split, the catalogue; never the
  AST or the raw IR. `plan.cell_fields` are the ledger columns the rules read as `deal.x`;
- `ledger`, the deals `Table` (`io/records.py`): its `columns`, and its rows through `record_chunks()`
  (row numbers and records, a chunk at a time; a cell is text, a number or None as the file had it).
  Its required columns were checked before: a column it lacks is read as empty cells;
- `window`, the `Window` below: the effective period, and the dates reported;
- `lookups`, the `Lookups` below: clients and projects by id (a project's art. 20 columns already exact:
  `dev_loan` one of exclusive/partial/none, `dev_loan_share`, `total_mortgages`, `our_mortgages` numbers), the `product.*` row of each product,
  the target-list test and the deals the audit rejected.

and returns a `RowOutcome` (below), in which every row of the ledger read for the reported dates ends
either accepted or rejected, nothing dropped silently:

- `accepted`: in ledger order, a `Deal` (`deals.py`, made with `new_deal`) for every accepted row up
  to `window.end` — earlier months too, which the gates see — with its points (to `deals.SCALE`), its
  split `fractions` (host first; the last participant None: it takes the remainder) and `in_report`
  set when its date is among the reported ones, and its `staff` cell (art. 21) as text, stripped (empty
  when the ledger has none); `by_product` the same deals by product name;
- `rejected`: one `Rejection` for every reported row that is not accepted, in ledger order, with the
  first failing reason of `REASONS` in code order (R001 a duplicate or missing `deal_id`, the first row
  kept; …; R012 the points condition false; R013 a deal of a product in `plan.project_gated` naming a
  `project_id` that `lookups.projects` lacks), its message in English (`reason`) and Chinese (`text`),
  both worded by `reasons.py` so that every engine says the same, naming the cell at fault; for R011
  and R012, `rule` is the failing expression's `ProductPlan.pointer`;
- `rows`: the number of rows of the reported dates (a whole-period run: every row), so that
  rows = reported accepted deals + rejections;
- `tally`: the reported accepted deals added up (`deals.Tally`: points and quantity by product and
  split, points and deals by split and staff cell for the deals naming staff, deals and plain attribution
  cells by outlet) — equal to `Tally.of(reported deals)`, so that the
  totals need no other pass over a million deals;
- `ids`: every `deal_id` of the ledger, whatever its date (the audit sheet is checked against them through
  `unknown_ids`, which an engine may answer without listing them);
- `undated`: in a monthly run, the rows without a usable date (they belong to no month).

The row loop does all this in one pass; a columnar engine may compute it set-wise, and make `accepted`
and `by_product` lazy sequences whose deals are made only when read, provided the outcome is the same — `tests/test_engines.py` holds every engine of `evaluate.ENGINES` to these rules
and to the row loop's outcome. `evaluate.py` is the only module that imports an engine and picks one;
the gates (`gates.py`), the totals (`totals.py`) and the reward (`reward.py`) run on the outcome
whichever engine filled it, and outputs import this module, never an engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Protocol, Sequence

from ..core.codes import CODES
from ..io.records import Table
from .deals import Deal, Tally
from .inputs import TargetTest
from .plan import Plan

REASONS = {code: entry.meaning for code, entry in CODES.items() if code.startswith("R")}
"""Reason codes of rejected rows, as the registry words them."""


REASONS_ZH = {
    "R001": "交易编号重复或缺失", "R002": "日期错误或缺失", "R003": "不在考核期内", "R004": "产品未知或未配置",
    "R005": "数量错误", "R006": "客户不在目标客户名单", "R007": "没有参与部门", "R008": "参与部门有误",
    "R009": "申报分配比例有误", "R010": "内控抽查驳回", "R011": "积分无法计算或为负", "R012": "不符合计分条件",
    "R013": "按揭楼盘不在楼盘表",
}
"""`REASONS` in Chinese, for the pages and sheets people read."""


@dataclass
class Rejection:
    row: int
    deal_id: str
    code: str
    reason: str  # English, for tools
    text: str = ""  # the same in Chinese, for the people who fix the row (`reasons.py`)
    rule: str | None = None  # the rules' expression that failed on the row (R011, R012), as an IR pointer


@dataclass
class Window:
    """The effective period, and the dates reported: the whole period, or one month of it.

    Rows of earlier months are evaluated (gates see the period up to the month's end) but not
    reported; rows of later months are not part of the run at all. A row whose date is written with a
    year and month but a day that does not exist (`2026-04-31`) belongs to that month, whose run rejects
    it (R002) as the whole-period run does. A row with no usable date at all belongs to no month: only the
    whole-period run rejects it; a monthly run lists it as a warning instead, so that the months' rows add
    up to the year's.
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

    @property
    def month(self) -> str | None:
        """The reported month as YYYY-MM; None for the whole period."""
        return self.report_from.strftime("%Y-%m") if self.monthly else None


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
        self.notes: list[str] = []  # how the engine ran, when not as asked (the rules' part it left to Python)

    def reported(self, monthly: bool) -> Sequence[Deal]:
        """The accepted deals of the reported dates."""
        return self.accepted if not monthly else [deal for deal in self.accepted if deal.in_report]

    def tally_to_end(self) -> Tally:
        """The tally of every accepted deal (of a month's run: the year to date), as `tally` is of the reported
        ones (an engine may add them up without making them)."""
        return Tally.of(self.accepted, self.tally.cell_sums)

    def reported_naming(self, staff_cells: set[str], monthly: bool) -> Sequence[Deal]:
        """The reported accepted deals whose `staff` cell is one of `staff_cells`, in ledger order (an engine
        may find them without making the others)."""
        return [deal for deal in self.reported(monthly) if deal.staff in staff_cells]

    def accepted_of(self, projects: set[str], clients: set[str]) -> Sequence[Deal]:
        """The accepted deals of these projects or clients, in ledger order (an engine may find them without
        making the others)."""
        return [deal for deal in self.accepted if deal.project_id in projects or deal.client_id in clients]

    def unknown_ids(self, candidates: Iterable[str]) -> list[str]:
        """The `deal_id`s among `candidates` that the ledger does not have (an engine may answer it without
        listing every id)."""
        return [candidate for candidate in candidates if candidate not in self.ids]


class Engine(Protocol):
    """An engine: the ledger's rows turned into a `RowOutcome` (see the module's documentation)."""

    def __call__(self, plan: Plan, ledger: Table, window: Window, lookups: Lookups) -> RowOutcome: ...
