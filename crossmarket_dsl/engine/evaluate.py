"""The evaluation of SPEC §7, in stages: plan → rows → gates → departments, products, outlets → reward.

Each stage is a function over plain data. The rows stage is an engine (`contract.py`): the row loop
(`rows.py`) is the reference, and this is the only module that imports an engine or picks one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from ..io.records import Table, TableError, collection_paused
from ..semantics.expr import Env
from ..semantics.operations import number
from . import REFERENCE
from .adjustments import Adjustments, adjust
from .contract import Engine, Lookups, Rejection, RowOutcome, Window
from .deals import Deal
from .gates import GateOutcome, apply_gates
from .inputs import Inputs, target_test
from .plan import Plan, ProductPlan
from .reasons import Reason, nearest
from .reward import allocate
from .staff import StaffNote, staff_notes, staff_table, unusable_cells
from .rows import process_rows
from .totals import Totals, add_up, add_up_deals

ZERO = Decimal(0)


def _duckdb(plan: Plan, ledger: Table, window: Window, lookups: Lookups) -> RowOutcome:
    from . import columnar  # sqlglot and DuckDB load only when a columnar engine runs

    return columnar.process_rows(plan, ledger, window, lookups)


def _spark(plan: Plan, ledger: Table, window: Window, lookups: Lookups) -> RowOutcome:
    from . import spark  # and pyspark only when Spark runs

    return spark.process_rows(plan, ledger, window, lookups)


ENGINES: dict[str, Engine] = {REFERENCE: process_rows, "duckdb": _duckdb, "spark": _spark}
"""`python`: the row loop, the reference; `duckdb`: the rows stage as one SQL query on DuckDB (`columnar.py`);
`spark`: the same query on Spark, locally or on a cluster (`spark.py`). The engines by name; each must give
the reference's outcome (`tests/test_engines.py`)."""


@dataclass
class ProductResult:
    plan: ProductPlan
    quantity: Decimal
    target: Decimal | None
    points: Decimal
    counted: bool

    @property
    def completion(self) -> Decimal | None:
        if self.target is None or self.target <= 0:
            return None
        return self.quantity / self.target


@dataclass
class Result:
    plan: Plan
    window: Window
    rows: int
    deals: list[Deal]  # accepted deals of the reported dates
    rejected: list[Rejection]
    department_points: dict[str, Decimal]
    rewards: dict[str, Decimal] | None
    products: list[ProductResult]
    gates: list[GateOutcome]
    outlets: dict[str, dict[str, Decimal]]
    reward_note: str | None = None
    all_deals: list[Deal] = field(default_factory=list, repr=False)
    adjustments: Adjustments | None = None  # art. 4, 17: None when the rules declare no awards or objectives
    warnings: list[str] = field(default_factory=list)  # English, for tools
    warnings_zh: list[str] = field(default_factory=list)  # the same in Chinese, for people
    notes: list[str] = field(default_factory=list)  # how the engine ran, when not as asked (text output only)
    staff: list[tuple[str, str | None, Decimal]] = field(default_factory=list)  # (department, person, points)
    staff_notes: list[StaffNote] = field(default_factory=list)  # staff entries that cannot be used (art. 21)
    to_end: Callable[[], Totals] | None = field(default=None, repr=False)  # see `year_to_date`

    def year_to_date(self) -> Totals:
        """The totals of every accepted deal up to the window's end, the gates applied: a month's run's year to
        date (the whole period's, its own). Added up by the engine, the first time they are asked for."""
        return self.to_end()

    @property
    def month(self) -> str | None:
        return self.window.month

    @property
    def provisional(self) -> bool:
        return self.window.monthly

    @property
    def pool(self) -> Decimal | None:
        return self.plan.reward.pool if self.plan.reward else None


def product_info(plan: Plan, inputs: Inputs) -> dict[str, dict]:
    """The `product.*` row of each product: name, code, unit, indicator, and its target."""
    info = {}
    for product in plan.product_list:
        row = {"name": product.name, "code": product.code, "unit": product.unit,
               "indicator": inputs.indicators.get(product.name)}
        row["target"] = number(product.target(Env(product=row))) if product.target else None
        info[product.name] = row
    return info


def evaluate(plan: Plan, inputs: Inputs, window: Window, engine: str = REFERENCE) -> Result:
    """The rules run on the tables over `window` (`Session.window` makes it, checking the month)."""
    # A million Deal objects would be rescanned by the cyclic GC over and over; none of them form cycles.
    with collection_paused():
        try:
            return _evaluate(plan, inputs, window, engine)
        except Exception as error:  # noqa: BLE001 — only DuckDB's own errors are caught, below
            if engine == REFERENCE or not _duckdb_error(error):
                raise
            failure = (str(error).strip().splitlines() or [type(error).__name__])[0]
        result = _evaluate(plan, inputs, window, REFERENCE)
    result.notes.append(f"DuckDB 读不了这些表格，已改用参照引擎计算，结果相同 — the `{engine}` engine stopped on these "
                        f"tables (DuckDB: {failure}): they ran on the `{REFERENCE}` engine, which gives the same "
                        "results, more slowly")
    return result


def _duckdb_error(error: Exception) -> bool:
    """An error DuckDB raised on the tables it was given: the reference reads them its own way, and says
    with a coded error what is wrong with them, if anything."""
    return type(error).__module__.split(".")[0] in ("duckdb", "_duckdb")


def run_engine(plan: Plan, inputs: Inputs, window: Window, engine: str = REFERENCE) -> tuple[RowOutcome, dict]:
    """The rows stage alone: the outcome of `engine`, and the `product.*` rows it was given."""
    info = product_info(plan, inputs)
    lookups = Lookups(inputs.clients, inputs.projects, info, target_test(plan, inputs),
                      {deal_id: note for deal_id, (verdict, note, _) in inputs.audit.items() if verdict == "rejected"})
    if engine == REFERENCE:
        return process_rows(plan, inputs.deals, window, lookups), info
    from .sqlexpr import Unsupported  # the compiler to SQL loads only for the engines that use it

    try:
        return ENGINES[engine](plan, inputs.deals, window, lookups), info
    except Unsupported as reason:  # rules the SQL cannot yet compute exactly (`sqlexpr.py`): the reference does
        outcome = ENGINES[REFERENCE](plan, inputs.deals, window, lookups)
        outcome.notes.append(f"规则中有 SQL 无法精确计算的部分，已改用参照引擎计算，结果相同 — the `{engine}` engine "
                             f"cannot compute {reason} exactly in SQL: these rules ran on "
                             f"the `{REFERENCE}` engine, which gives the same results, more slowly")
        return outcome, info


def _evaluate(plan: Plan, inputs: Inputs, window: Window, engine: str) -> Result:
    outcome, info = run_engine(plan, inputs, window, engine)
    _check_audit_ids(inputs, outcome)
    gates = judge_gates(plan, outcome, info, engine, period_end=not window.monthly)
    reported = outcome.reported(window.monthly)
    touched = dict.fromkeys(deal for gate in gates if not gate.passed for deal in gate.deals if deal.in_report)
    totals = add_up(plan, outcome.tally, touched, reported)
    to_end = _to_end(plan, outcome, gates) if window.monthly else lambda: totals
    result = Result(plan, window, outcome.rows, reported, outcome.rejected, totals.departments, None,
                    product_results(plan, totals, gates, info), gates, totals.outlets, all_deals=outcome.accepted,
                    to_end=functools.cache(to_end))
    warnings = undeclared_outlets(plan, totals.outlet_deals) + undated_rows(outcome.undated)
    if plan.adjusts:
        result.adjustments = _adjust(plan, result, outcome)
        warnings += unknown_keys(plan, inputs)
    result.warnings, result.warnings_zh = [en for en, _ in warnings], [zh for _, zh in warnings]
    result.staff = staff_table(totals.departments, totals.staff)
    unusable = unusable_cells(totals.staff_book)
    result.staff_notes = staff_notes(totals.staff_book, outcome.reported_naming(unusable, window.monthly)) \
        if unusable else []
    result.notes = outcome.notes
    _reward(result)
    return result


def judge_gates(plan: Plan, outcome: RowOutcome, info: dict, engine: str, period_end: bool) -> list[GateOutcome]:
    """The gates over an engine's outcome: a columnar engine's judges them in SQL where it can (`columnar.py`);
    rules it handed to the reference have the row loop's outcome."""
    if engine != REFERENCE:
        from .columnar import ColumnarOutcome

        if isinstance(outcome, ColumnarOutcome):
            return outcome.judge_gates(info, period_end)
    return apply_gates(plan, outcome, info, period_end=period_end)


def _to_end(plan: Plan, outcome: RowOutcome, gates: list[GateOutcome]) -> Callable[[], Totals]:
    """The year to date of a month's run: the engine's tally of every accepted deal, the deals of the failing
    gates taken out and put back at their gated points."""
    touched = dict.fromkeys(deal for gate in gates if not gate.passed for deal in gate.deals)
    return lambda: add_up(plan, outcome.tally_to_end(), touched, outcome.accepted)


def _adjust(plan: Plan, result: Result, outcome: RowOutcome) -> Adjustments:
    """Art. 4, 17 after the gates, before the reward: the year-end evaluation adjusts the department points the
    pool is divided by; a monthly one shows the adjustments of the year to date as provisional."""
    awarded = outcome.accepted_of(*({award.key for award in plan.awards if award.scope == scope}
                                    for scope in ("project", "client")))
    if result.provisional:
        return adjust(plan, result.year_to_date().departments, awarded, applied=False)
    adjustments = adjust(plan, result.department_points, awarded, applied=True)
    result.department_points = {standing.department: standing.points for standing in adjustments.standings}
    return adjustments


def unknown_keys(plan: Plan, inputs: Inputs) -> list[Reason]:
    """An award for a project or client its table does not have can never be earned: most likely a typo."""
    warnings = []
    for award in plan.awards:
        table = inputs.projects if award.scope == "project" else inputs.clients
        if table and award.key not in table:
            close = nearest(award.key, list(table))
            what, what_zh = ("project", "项目") if award.scope == "project" else ("client", "客户")
            warnings.append((f"award `{award.name}` is for {what} `{award.key}`, which the {what}s table does not "
                             "have: it cannot be earned" + (f"; did you mean `{close}`?" if close else ""),
                             f"专项奖励“{award.name}”所指{what_zh}“{award.key}”不在{what_zh}表中，无法获得"
                             + (f"；是否应为“{close}”？" if close else "")))
    return warnings


def undated_rows(rows: list[int]) -> list[Reason]:
    if not rows:
        return []
    shown = ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")
    return [(f"{len(rows)} row{'s' if len(rows) != 1 else ''} of the ledger ha{'ve' if len(rows) != 1 else 's'} "
             f"no usable date and belong{'' if len(rows) != 1 else 's'} to no month (rows {shown}); "
             "the year-end evaluation rejects them as R002",
             f"台账有 {len(rows)} 行没有可用的日期，不属于任何月份（第 {shown} 行）；年度评价将其剔除（R002）")]


def undeclared_outlets(plan: Plan, outlet_deals: dict[str, int]) -> list[Reason]:
    """Deals credited to an outlet the rules do not declare (art. 10, 17): counted, but worth a look; a
    name close to a declared one is most likely a typo of it."""
    declared = set(plan.outlets)
    if not declared:
        return []
    warnings = []
    for name, count in outlet_deals.items():
        if name not in declared:
            close = nearest(name, plan.outlets)
            warnings.append((f"outlet `{name}` is not declared in the rules ({count} deal{'s' if count != 1 else ''}); "
                             "its income and deposits are listed under its own name"
                             + (f"; did you mean `{close}`?" if close else ""),
                             f"网点“{name}”未在实施细则中声明（{count} 笔交易），其收入和存款按原名称单列"
                             + (f"；是否应为“{close}”？" if close else "")))
    return warnings


def _check_audit_ids(inputs: Inputs, outcome: RowOutcome) -> None:
    """An audit verdict about a deal the ledger does not have is a mistake in the audit sheet."""
    for deal_id in outcome.unknown_ids(inputs.audit)[:1]:
        raise TableError("T210", f"the audit sheet has a verdict for deal `{deal_id}`, which is not in the ledger",
                         file=inputs.audit_path, row=inputs.audit[deal_id][2], column="deal_id",
                         help="check the deal id against the ledger")


def department_points(plan: Plan, deals: list[Deal]) -> dict[str, Decimal]:
    """Every department's points after the gates, over some deals (a month's, say)."""
    return add_up_deals(plan, deals).departments


def product_results(plan: Plan, totals: Totals, gates: list[GateOutcome], info) -> list[ProductResult]:
    not_counted = {o.key for o in gates if not o.passed and o.gate.scope == "product" and o.factor == 0}
    return [ProductResult(product, totals.quantities[product.name], info[product.name]["target"],
                          totals.points[product.name], product.name not in not_counted)
            for product in plan.product_list]


def _reward(result: Result) -> None:
    reward = result.plan.reward
    if reward is None:
        result.reward_note = "these rules declare no reward pool"
        return
    if result.provisional:
        result.reward_note = "rewards are allocated only in the year-end evaluation (art. 22)"
        return
    allocation = allocate(reward.pool, result.department_points, reward.unit)
    if not allocation:
        result.reward_note = "no department has any points, so nothing is allocated"
        result.rewards = {name: ZERO for name in result.department_points}
        return
    result.rewards = allocation
