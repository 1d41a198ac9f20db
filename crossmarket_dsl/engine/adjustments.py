"""Year-end adjustments of department points (art. 4, 17): special awards for key projects' and clients'
breakthroughs, and deductions or special awards by completion of each department's year-start target.

They are a stage after the totals and before the reward, shared by every engine: the gated points of each
department are adjusted, and the reward pool is then divided over the adjusted points, so the rewards still
add up to the pool exactly. The order, for each department:

1. completion = its points after the gates ÷ its year-start target (年初目标); the first `completion` line of
   its objective, in the order written, whose comparison holds applies (a deduction or a special award; a
   share `of points` is taken of the points after the gates);
2. every award whose project or client broke through adds its points (a breakthrough is at least one
   accepted deal of the project or client over the evaluated dates, and the award's `when` if it has one);
3. final points = points + awards − deductions, never below zero: a deduction larger than what the
   department has is cut to it, and the result says so.

Only the year-end (whole-period) evaluation applies them. A monthly evaluation shows, as provisional, each
department's completion of its year-start target so far and the breakthroughs so far; the deductions and
special awards by completion are decided at year end only (a year's target is not half missed in June), and
the month's points are left as they are.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Iterable

from ..semantics.expr import Env, truth
from ..semantics.values import EXACT
from .deals import Deal
from .plan import AwardPlan, ObjectivePlan, Plan, TierPlan

ZERO = Decimal(0)
SIGNS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}  # as a Chinese table writes them
COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
           "!=": operator.ne}


@dataclass
class Adjustment:
    """One award or deduction of one department, with the article it comes from."""

    department: str
    kind: str  # award | deduction
    name: str  # the award's name, or the objective's line that applied (`完成率 < 60%`)
    points: Decimal  # always positive: the kind says which way it goes
    cite: list[str]
    reason: str  # English, for tools
    reason_zh: str  # for people


@dataclass
class Standing:
    """A department at year end: its points after the gates, its year-start target and completion, what was
    awarded and deducted, and the points the reward is divided by."""

    department: str
    deal_points: Decimal
    target: Decimal | None
    completion: Decimal | None
    awards: Decimal
    deductions: Decimal
    points: Decimal


@dataclass
class Adjustments:
    applied: bool  # False in a monthly evaluation: year to date, provisional
    standings: list[Standing]
    items: list[Adjustment]

    def of(self, department: str) -> list[Adjustment]:
        return [item for item in self.items if item.department == department]


def adjust(plan: Plan, points: dict[str, Decimal], deals: list[Deal], applied: bool) -> Adjustments:
    """The adjustments of `points` (each department's points after the gates) over `deals` (the accepted deals
    of the evaluated dates)."""
    items: list[Adjustment] = []
    for department, base in points.items():
        objective = plan.objectives.get(department)
        if objective is not None and applied:  # completion is judged against the whole year's target
            items += _by_completion(objective, base)
    groups = _groups(plan.awards, deals)
    for award in plan.awards:
        items += _award(award, groups.get((award.scope, award.key), []))
    standings = [_standing(plan, department, base, items) for department, base in points.items()]
    return Adjustments(applied, standings, items)


def _by_completion(objective: ObjectivePlan, base: Decimal) -> list[Adjustment]:
    """The first line whose comparison holds; comparing points with threshold × target keeps it exact."""
    for tier in objective.tiers:
        if COMPARE[tier.op](base, EXACT.multiply(tier.threshold, objective.target)):
            adjustment = _tier_adjustment(objective, tier, base)
            return [adjustment] if adjustment.points else []  # a share of no points is nothing to list
    return []


def _tier_adjustment(objective: ObjectivePlan, tier: TierPlan, base: Decimal) -> Adjustment:
    amount = EXACT.multiply(tier.amount, base) if tier.of_points else tier.amount
    line = f"completion {tier.op} {_percent(tier.threshold)}"
    line_zh = f"完成率 {SIGNS[tier.op]} {_percent(tier.threshold)}"
    completion = _percent(base / objective.target) if objective.target else "—"
    how = f"{_percent(tier.amount)} of its points" if tier.of_points else f"{_plain(tier.amount)} points"
    how_zh = f"积分的 {_percent(tier.amount)}" if tier.of_points else f"{_plain(tier.amount)} 分"
    kind = "deduction" if tier.kind == "deduct" else "award"
    verb, verb_zh = ("deducts", "扣减") if kind == "deduction" else ("adds a special award of", "专项奖励")
    return Adjustment(objective.department, kind, line_zh, amount, objective.cite,
                      f"{_plain(base)} points of a year-start target of {_plain(objective.target)} is {completion} "
                      f"complete; {line} {verb} {how}",
                      f"积分 {_plain(base)}，年初目标 {_plain(objective.target)}，完成率 {completion}；"
                      f"{line_zh}，{verb_zh}{how_zh}")


def _groups(awards: list[AwardPlan], deals: Iterable[Deal]) -> dict[tuple[str, str], list[Deal]]:
    """The deals of each key project and client an award names, in ledger order."""
    wanted = {(award.scope, award.key) for award in awards}
    groups: dict[tuple[str, str], list[Deal]] = {}
    if not wanted:
        return groups
    for deal in deals:
        for key in (("project", deal.project_id), ("client", deal.client_id)):
            if key in wanted:
                groups.setdefault(key, []).append(deal)
    return groups


def breakthrough(award: AwardPlan, members: list[Deal]) -> bool:
    """At least one accepted deal of the project or client, and the award's `when` over them if it has one."""
    if not members:
        return False
    if award.when is None:
        return True
    first = members[0]
    env = Env(group=members, project=first.project) if award.scope == "project" else \
        Env(group=members, client=first.client)
    return truth(award.when(env)) is True


def _award(award: AwardPlan, members: list[Deal]) -> list[Adjustment]:
    if not breakthrough(award, members):
        return []
    what = f"{award.scope} `{award.key}`"
    what_zh = f"{'项目' if award.scope == 'project' else '客户'}“{award.key}”"
    return [Adjustment(department, "award", award.name, points, award.cite,
                       f"{what} broke through with {len(members)} accepted deal{'s' if len(members) != 1 else ''}",
                       f"{what_zh}突破：已受理交易 {len(members)} 笔")
            for department, points in award.to]


def _standing(plan: Plan, department: str, base: Decimal, items: list[Adjustment]) -> Standing:
    objective = plan.objectives.get(department)
    target = objective.target if objective else None
    awards = sum((item.points for item in items if item.department == department and item.kind == "award"), ZERO)
    deductions = [item for item in items if item.department == department and item.kind == "deduction"]
    deducted = sum((item.points for item in deductions), ZERO)
    before = EXACT.add(base, awards)
    if deducted > before:  # never below zero: the deduction is cut to what the department has
        for item in deductions:
            item.reason += f"; cut to {_plain(before)}, the department's points, so that they do not go below zero"
            item.reason_zh += f"；以本部门积分 {_plain(before)} 为限，扣减后不低于零"
            item.points = before if item is deductions[0] else ZERO
        deducted = before
    completion = base / target if target else None
    return Standing(department, base, target, completion, awards, deducted, EXACT.subtract(before, deducted))


def _percent(ratio: Decimal) -> str:
    """Cut, not rounded, to hundredths of a percent: 59.999% is not shown as the 60% it falls short of."""
    return f"{_plain(ratio * 100, Decimal('0.01'))}%"


def _plain(value: Decimal, places: Decimal = Decimal("0.0001")) -> str:
    text = format(value.quantize(places, rounding=ROUND_DOWN), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
