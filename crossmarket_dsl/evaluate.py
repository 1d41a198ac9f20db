"""The evaluation of SPEC §7, in stages: plan → rows → gates → departments, products, outlets → reward.

Each stage is a function over plain data, so a faster engine can replace the row loop (`rows.py`)
without touching the semantics of the others.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .expr import Env, number
from .gates import GateOutcome, apply_gates
from .inputs import Inputs, target_test
from .plan import Plan, ProductPlan
from .reward import allocate
from .rows import Deal, Lookups, Rejection, RowOutcome, Window, process_rows, split_points
from .tables import TableError, collection_paused

ZERO = Decimal(0)


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
    month: str | None
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
    warnings: list[str] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return self.month is not None

    @property
    def pool(self) -> Decimal | None:
        reward = self.plan.ir.get("reward") or {}
        return reward.get("pool")


def month_window(period: tuple[date, date], month: str | None) -> Window:
    start, end = period
    if month is None:
        return Window(start, end)
    year, number = (int(part) for part in month.split("-"))
    last = calendar.monthrange(year, number)[1]
    return Window(start, end, date(year, number, 1), date(year, number, last))


def product_info(plan: Plan, inputs: Inputs) -> dict[str, dict]:
    """The `product.*` row of each product: name, code, unit, indicator, and its target."""
    info = {}
    for product in plan.product_list:
        row = {"name": product.name, "code": product.code, "unit": product.unit,
               "indicator": inputs.indicators.get(product.name)}
        row["target"] = number(product.target(Env(product=row))) if product.target else None
        info[product.name] = row
    return info


def evaluate(plan: Plan, inputs: Inputs, period: tuple[date, date], month: str | None = None) -> Result:
    # A million Deal objects would be rescanned by the cyclic GC over and over; none of them form cycles.
    with collection_paused():
        return _evaluate(plan, inputs, period, month)


def _evaluate(plan: Plan, inputs: Inputs, period: tuple[date, date], month: str | None) -> Result:
    window = month_window(period, month)
    info = product_info(plan, inputs)
    lookups = Lookups(inputs.clients, inputs.projects, info, target_test(plan, inputs),
                      {deal_id: note for deal_id, (verdict, note, _) in inputs.audit.items() if verdict == "rejected"})
    outcome = process_rows(plan, inputs.deals.numbered(), window, lookups, plan.kept_deal_fields)
    _check_audit_ids(inputs, outcome)
    gates = apply_gates(plan, outcome.accepted, info, period_end=month is None)
    reported = [deal for deal in outcome.accepted if deal.in_report]
    points = department_points(plan, reported)
    result = Result(plan, window, month, outcome.rows, reported, outcome.rejected, points, None,
                    product_results(plan, reported, gates, info), gates, outlet_totals(plan, reported),
                    all_deals=outcome.accepted)
    result.warnings = undeclared_outlets(plan, reported) + ungrouped(plan, inputs, reported) + \
        undated_rows(outcome.undated)
    _reward(result)
    return result


def ungrouped(plan: Plan, inputs: Inputs, deals: list[Deal]) -> list[str]:
    """Deals a project gate cannot judge (no project, or one the projects table lacks): they keep their
    points, which can slip past art. 20, so the result says so."""
    warnings = []
    for gate in (g for g in plan.gates if g.scope == "project"):
        missing = [d for d in deals if gate.product in (None, d.product_plan.name)
                   and d.project_id not in inputs.projects]
        if missing:
            shown = ", ".join(d.deal_id for d in missing[:5]) + (" …" if len(missing) > 5 else "")
            warnings.append(f"{len(missing)} deal{'s' if len(missing) != 1 else ''} of "
                            f"`{gate.product or 'any product'}` name no project of the projects table, so the "
                            f"gate `{gate.name}` ({'、'.join(gate.cite)}) cannot judge them: {shown}")
    return warnings


def undated_rows(rows: list[int]) -> list[str]:
    if not rows:
        return []
    shown = ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")
    return [f"{len(rows)} row{'s' if len(rows) != 1 else ''} of the ledger ha{'ve' if len(rows) != 1 else 's'} "
            f"no usable date and belong{'' if len(rows) != 1 else 's'} to no month (rows {shown}); "
            "the year-end evaluation rejects them as R002"]


def undeclared_outlets(plan: Plan, deals: list[Deal]) -> list[str]:
    """Deals credited to an outlet the rules do not declare (art. 10, 17): counted, but worth a look."""
    declared = {o["name"] for o in plan.ir["outlets"]}
    if not declared:
        return []
    counts: dict[str, int] = {}
    for deal in deals:
        if deal.outlet_name and deal.outlet_name not in declared:
            counts[deal.outlet_name] = counts.get(deal.outlet_name, 0) + 1
    return [f"outlet `{name}` is not declared in the rules ({count} deal{'s' if count != 1 else ''}); "
            "its income and deposits are listed under its own name" for name, count in counts.items()]


def _check_audit_ids(inputs: Inputs, outcome: RowOutcome) -> None:
    """An audit verdict about a deal the ledger does not have is a mistake in the audit sheet."""
    for deal_id, (_, _, row) in inputs.audit.items():
        if deal_id not in outcome.ids:
            raise TableError(f"the audit sheet has a verdict for deal `{deal_id}`, which is not in the ledger",
                             row=row, column="deal_id", help="check the deal id against the ledger")


def department_points(plan: Plan, deals: list[Deal]) -> dict[str, Decimal]:
    """Sum of every department's gated shares. Deals with the same split and no department gate are
    added up first and split once: shares are linear in the points, and the last participant's
    remainder keeps each group's parts adding up to its points exactly."""
    points = {name: ZERO for name, kind in plan.departments.items() if kind != "support"}
    by_split: dict[tuple, Decimal] = {}
    for deal in deals:
        if deal.department_factors is None:
            by_split[deal.fractions] = by_split.get(deal.fractions, ZERO) + deal.gated_points
            continue
        for dept, share in deal.gated_shares():
            points[dept] = points.get(dept, ZERO) + share
    for fractions, total in by_split.items():
        for dept, share in split_points(total, fractions):
            points[dept] = points.get(dept, ZERO) + share
    return points


def product_results(plan: Plan, deals: list[Deal], gates: list[GateOutcome], info) -> list[ProductResult]:
    quantities = {product.name: ZERO for product in plan.product_list}
    points = dict(quantities)
    for deal in deals:
        name = deal.product_plan.name
        quantities[name] += deal.quantity
        points[name] += deal.gated_points
    not_counted = {o.key for o in gates if not o.passed and o.gate.scope == "product" and o.factor == 0}
    return [ProductResult(product, quantities[product.name], info[product.name]["target"], points[product.name],
                          product.name not in not_counted) for product in plan.product_list]


def outlet_totals(plan: Plan, deals: list[Deal]) -> dict[str, dict[str, Decimal]]:
    """Art. 17: each attribution expression summed over each outlet's accepted deals (gates do not apply)."""
    if not plan.attribution:
        return {}
    totals: dict[str, dict[str, Decimal]] = {o["name"]: {label: ZERO for label, _ in plan.attribution}
                                             for o in plan.ir["outlets"]}
    readers = [(label, _reader(tree, expression)) for (label, expression), tree in
               zip(plan.attribution, (item["expr"] for item in plan.ir["attribution"]["items"]))]
    for deal in deals:
        if not deal.outlet_name:
            continue
        row = totals.get(deal.outlet_name)
        if row is None:
            row = totals[deal.outlet_name] = {label: ZERO for label, _ in plan.attribution}
        for label, read in readers:
            value = read(deal)
            if value:  # empty cells are common: nothing to add, and no conversion to try
                value = number(value)
                if value is not None:
                    row[label] += value
    return totals


def _reader(tree: dict, expression):
    """A plain `deal.x` is read straight from the row; anything else runs its compiled expression."""
    if "field" in tree and tree["field"][0] == "deal":
        name = tree["field"][1]
        return lambda deal: deal.deal.get(name)
    return expression


def _reward(result: Result) -> None:
    reward = result.plan.ir.get("reward")
    if reward is None:
        result.reward_note = "these rules declare no reward pool"
        return
    if result.provisional:
        result.reward_note = "rewards are allocated only in the year-end evaluation (art. 22)"
        return
    unit = (reward.get("rounding") or {}).get("unit") or Decimal("0.01")
    allocation = allocate(Decimal(reward["pool"]), result.department_points, Decimal(unit))
    if not allocation:
        result.reward_note = "no department has any points, so nothing is allocated"
        result.rewards = {name: ZERO for name in result.department_points}
        return
    result.rewards = allocation
