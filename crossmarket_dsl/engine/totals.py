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
from .staff import StaffBook, divide

ZERO = Decimal(0)


@dataclass
class Totals:
    departments: dict[str, Decimal]  # points after the gates
    quantities: dict[str, Decimal]  # by product
    points: dict[str, Decimal]  # by product, after the gates
    outlets: dict[str, dict[str, Decimal]]  # attribution label → sum, by outlet
    outlet_deals: dict[str, int]  # deals credited to each outlet
    staff: dict[str, dict[str, Decimal]] | None = None  # department → person → points (art. 21); None: no staff named
    staff_book: StaffBook | None = None  # the staff cells as read, for the warnings of the entries not usable


def add_up(plan: Plan, tally: Tally, touched: Iterable[Deal], deals: Iterable[Deal]) -> Totals:
    """The totals of `deals`, which `tally` has added up; `touched` are those a failing gate scaled.

    Deals are grouped by split and staff cell (art. 21): each group's department shares are divided among the
    people its staff cell names, so that a department's people and its unassigned points add up to its
    points exactly."""
    quantities = {product.name: ZERO for product in plan.product_list}
    points = dict(quantities)
    groups: dict[tuple, list] = {}  # (fractions, staff cell) → [points, deals split by them]
    for sums in tally.splits:
        if sums.deals:
            quantities[sums.product] = EXACT.add(quantities[sums.product], sums.quantity)
            points[sums.product] = EXACT.add(points[sums.product], sums.points)
            entry = groups.setdefault((sums.fractions, ""), [ZERO, 0])
            entry[0] = EXACT.add(entry[0], sums.points)
            entry[1] += sums.deals
    for (fractions, staff), (total, count) in tally.staff.items():  # taken out of their split's group
        entry = groups[(fractions, "")]
        entry[0], entry[1] = EXACT.subtract(entry[0], total), entry[1] - count
        groups[(fractions, staff)] = [total, count]
    departments = {name: ZERO for name, kind in plan.departments.items() if kind != "support"}
    people = _People(plan) if tally.staff else None
    for deal in touched:
        entry = groups[(deal.fractions, deal.staff)]
        entry[0] = EXACT.subtract(entry[0], deal.points)
        if deal.department_factors is None:
            gated = deal.gated_points
            entry[0] = EXACT.add(entry[0], gated)
        else:  # a department gate scales one department's share: this deal is split on its own
            entry[1] -= 1
            gated = ZERO
            shares = deal.gated_shares()
            for dept, share in shares:
                departments[dept] = EXACT.add(departments.get(dept, ZERO), share)
                gated = EXACT.add(gated, share)
            if deal.staff:
                people.add(deal.fractions, deal.staff, shares)
        points[deal.product_plan.name] = EXACT.add(points[deal.product_plan.name], EXACT.subtract(gated, deal.points))
    for (fractions, staff), (total, count) in groups.items():
        if count:
            shares = split_points(total, fractions)
            for dept, share in shares:
                departments[dept] = EXACT.add(departments.get(dept, ZERO), share)
            if staff:
                people.add(fractions, staff, shares)
    return Totals(departments, quantities, points, attributed(plan, tally, deals),
                  {outlet: sums[0] for outlet, sums in tally.outlets.items()},
                  *((people.points, people.book) if people else (None, None)))


class _People:
    """Points by department and person, from shares divided by their staff cell (`staff.divide`)."""

    def __init__(self, plan: Plan):
        self.book = StaffBook(plan.departments)
        self.points: dict[str, dict[str, Decimal]] = {}

    def add(self, fractions: tuple, staff: str, shares: list[tuple[str, Decimal]]) -> None:
        division = self.book.division(staff, tuple(name for name, _ in fractions))
        for person, dept, part in divide(shares, division):
            of_dept = self.points.setdefault(dept, {})
            of_dept[person] = EXACT.add(of_dept.get(person, ZERO), part)


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
