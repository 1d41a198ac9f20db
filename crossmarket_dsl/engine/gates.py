"""Gates (SPEC §3.3, §7.3): group the accepted deals by the gate's scope, test each group, and give
every deal of a failing group the gate's factor.

Aggregates are computed over the accepted deals before any gate, so gates do not depend on their
order; several failing gates multiply their factors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any

from ..semantics.expr import Env, truth
from .contract import RowOutcome
from .deals import Deal
from .plan import GatePlan, Plan


@dataclass
class ClauseOutcome:
    applies: bool | None
    holds: bool | None


@dataclass
class GateOutcome:
    gate: GatePlan
    key: str
    passed: bool
    factor: Decimal
    env: Any = field(repr=False)
    clauses: list[ClauseOutcome]
    deals: list[Deal] = field(repr=False)


def _groups(gate: GatePlan, rows: RowOutcome) -> dict[str, list[Deal]]:
    """Deals by the gate's key, in ledger order. Every configured product has a group, even with no deals,
    so that a product gate (the completion floor) also judges a product nobody sold."""
    if gate.scope == "product":
        return {name: deals for name, deals in rows.by_product.items() if gate.product in (None, name)}
    deals = rows.accepted if gate.product is None else rows.by_product[gate.product]
    groups: dict[str, list[Deal]] = {}
    if gate.scope == "department":
        for deal in deals:
            for dept, _ in deal.fractions:
                groups.setdefault(dept, []).append(deal)
        return groups
    for key, deal in zip(map(KEYS[gate.scope], deals), deals):
        if key:
            group = groups.get(key)
            if group is None:
                group = groups[key] = []
            group.append(deal)
    return groups


KEYS = {"deal": attrgetter("deal_id"), "client": attrgetter("client_id"), "project": attrgetter("project_id"),
        "product": attrgetter("product_plan.name"), "outlet": attrgetter("outlet_name")}


def _group_env(gate: GatePlan, key: str, members: list[Deal], product_info: dict) -> Env:
    env = Env(group=members)
    if not members:  # only product groups can be empty
        env.product = product_info[key]
        return env
    first = members[0]
    if gate.scope == "deal":
        env = Env(deal=first.deal, client=first.client, project=first.project, product=first.product,
                  outlet=first.outlet, group=members)
    elif gate.scope == "client":
        env.client = first.client
    elif gate.scope == "project":
        env.project = first.project
    elif gate.scope == "product":
        env.product = first.product
    elif gate.scope == "department":
        env.department = {"name": key}
    elif gate.scope == "outlet":
        env.outlet = first.outlet
    if gate.product is not None and gate.scope != "product":
        env.product = first.product
    return env


def evaluate_gate(gate: GatePlan, key: str, members: list[Deal], product_info: dict) -> GateOutcome:
    env = _group_env(gate, key, members, product_info)
    clauses = []
    passed = True
    for clause in gate.clauses:
        applies = True if clause.when is None else truth(clause.when(env))
        holds = truth(clause.require(env)) if applies is True else None
        clauses.append(ClauseOutcome(applies, holds))
        if applies is True and holds is not True:
            passed = False
    return GateOutcome(gate, key, passed, Decimal(1) if passed else gate.factor, env, clauses, members)


def apply_gates(plan: Plan, rows: RowOutcome, product_info: dict, period_end: bool) -> list[GateOutcome]:
    """Evaluate every gate on every group (`at period_end` gates only when `period_end`), then apply
    the factors of the failing groups. Returns every outcome, passing ones included (for `explain`)."""
    outcomes = []
    for gate in plan.gates:
        if gate.at_period_end and not period_end:
            continue
        for key, members in _groups(gate, rows).items():
            outcomes.append(evaluate_gate(gate, key, members, product_info))
    apply_factors(outcomes)
    return outcomes


def apply_factors(outcomes: list[GateOutcome]) -> None:
    """Every deal of a failing group gets the gate's factor."""
    for outcome in outcomes:
        if not outcome.passed:
            _apply(outcome)


def _apply(outcome: GateOutcome) -> None:
    if outcome.gate.scope == "department":
        for deal in outcome.deals:
            factors = deal.department_factors or {}
            factors[outcome.key] = factors.get(outcome.key, Decimal(1)) * outcome.factor
            deal.department_factors = factors
        return
    for deal in outcome.deals:
        deal.factor *= outcome.factor
