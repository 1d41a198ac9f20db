"""The sums of an evaluation (SPEC §7.4–7.6) after the gates: department points, each product's quantity and
points, and what each outlet co-organised (art. 17).

They start from the `Tally` the row loop keeps (points and quantity by product and split; by outlet, the
deals and the sums of plain cells): a million deals are not walked again. The deals a failing gate scaled
(`touched`) are then taken out at their points and put back at their gated points. Deals with the
same split are added up first and split once: shares are linear in the points, and the last
participant's remainder keeps each group's parts adding up to its points exactly. Every sum is taken in the
exact context (`EXACT`): a year of deals adds up to more digits than the default context keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from ..semantics.values import EXACT, sum_numbers
from .deals import Deal, Tally, split_points
from .plan import Plan

ZERO = Decimal(0)


@dataclass
class Totals:
    departments: dict[str, Decimal]  # points after the gates
    quantities: dict[str, Decimal]  # by product
    points: dict[str, Decimal]  # by product, after the gates
    outlets: dict[str, dict[str, Decimal]]  # attribution label → sum, by outlet
    outlet_deals: dict[str, int]  # deals credited to each outlet


def add_up(plan: Plan, tally: Tally, touched: Iterable[Deal], deals: Iterable[Deal]) -> Totals:
    """The totals of `deals`, which `tally` has added up; `touched` are those a failing gate scaled."""
    quantities = {product.name: ZERO for product in plan.product_list}
    points = dict(quantities)
    by_fractions: dict[tuple, list] = {}  # fractions → [points, deals split by them]
    for sums in tally.splits:
        if sums.deals:
            quantities[sums.product] = EXACT.add(quantities[sums.product], sums.quantity)
            points[sums.product] = EXACT.add(points[sums.product], sums.points)
            entry = by_fractions.setdefault(sums.fractions, [ZERO, 0])
            entry[0] = EXACT.add(entry[0], sums.points)
            entry[1] += sums.deals
    departments = {name: ZERO for name, kind in plan.departments.items() if kind != "support"}
    for deal in touched:
        entry = by_fractions[deal.fractions]
        entry[0] = EXACT.subtract(entry[0], deal.points)
        if deal.department_factors is None:
            gated = deal.gated_points
            entry[0] = EXACT.add(entry[0], gated)
        else:  # a department gate scales one department's share: this deal is split on its own
            entry[1] -= 1
            gated = ZERO
            for dept, share in deal.gated_shares():
                departments[dept] = EXACT.add(departments.get(dept, ZERO), share)
                gated = EXACT.add(gated, share)
        points[deal.product_plan.name] = EXACT.add(points[deal.product_plan.name], EXACT.subtract(gated, deal.points))
    for fractions, (total, count) in by_fractions.items():
        if count:
            for dept, share in split_points(total, fractions):
                departments[dept] = EXACT.add(departments.get(dept, ZERO), share)
    return Totals(departments, quantities, points, attributed(plan, tally, deals),
                  {outlet: sums[0] for outlet, sums in tally.outlets.items()})


def add_up_deals(plan: Plan, deals: list[Deal]) -> Totals:
    """The totals of any deals (a month's, say), the gates already applied to them."""
    touched = [deal for deal in deals if deal.factor != 1 or deal.department_factors is not None]
    return add_up(plan, Tally.of(deals, plan.attribution_cells), touched, deals)


def attributed(plan: Plan, tally: Tally, deals: Iterable[Deal]) -> dict[str, dict[str, Decimal]]:
    """Art. 17: each attribution expression summed over each outlet's deals (gates do not apply). Every
    declared outlet is listed; empty cells and cells that are not numbers add nothing.

    A plain `deal.x` cell is summed by the tally; any other expression is run on each deal of the outlet."""
    if not plan.attribution:
        return {}
    labels = [label for label, _ in plan.attribution]
    totals = {outlet: dict.fromkeys(labels, ZERO) for outlet in plan.outlets}
    for outlet, sums in tally.outlets.items():
        row = totals.setdefault(outlet, dict.fromkeys(labels, ZERO))
        for (index, _), total in zip(tally.cell_sums, sums[1:]):
            row[labels[index]] = EXACT.add(row[labels[index]], total)
    others = sorted(set(range(len(labels))) - {index for index, _ in plan.attribution_cells})
    if others:
        for outlet, members in _by_outlet(deals).items():
            for index in others:
                row = totals[outlet]
                row[labels[index]] = EXACT.add(row[labels[index]], sum_numbers(map(plan.attribution[index][1], members)))
    return totals


def _by_outlet(deals: Iterable[Deal]) -> dict[str, list[Deal]]:
    groups: dict[str, list[Deal]] = {}
    for deal in deals:
        if deal.outlet_name:
            groups.setdefault(deal.outlet_name, []).append(deal)
    return groups
