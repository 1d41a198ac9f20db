"""The sums of an evaluation (SPEC §7.4–7.6), in one pass over the accepted deals after the gates:
department points, each product's quantity and points, and what each outlet co-organised (art. 17).

A ledger has a million deals, and each pass over them costs a second, so everything is gathered in
the same pass. Deals with the same split and no department gate are added up first and split once:
shares are linear in the points, and the last participant's remainder keeps each group's parts adding
up to its points exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from operator import is_not
from typing import Callable, Iterable

from .plan import Plan
from .rows import ONE, Deal, split_points
from .values import Converter, to_number

ZERO = Decimal(0)
NOT_NULL = partial(is_not, None)


@dataclass
class Totals:
    departments: dict[str, Decimal]  # points after the gates
    quantities: dict[str, Decimal]  # by product
    points: dict[str, Decimal]  # by product, after the gates
    outlets: dict[str, dict[str, Decimal]]  # attribution label → sum, by outlet
    outlet_deals: dict[str, int]  # deals credited to each outlet


def add_up(plan: Plan, deals: Iterable[Deal]) -> Totals:
    departments = {name: ZERO for name, kind in plan.departments.items() if kind != "support"}
    quantities = {product.name: ZERO for product in plan.product_list}
    points = dict(quantities)
    by_split: dict[tuple, Decimal] = {}
    by_outlet: dict[str, list[Deal]] = {}
    for deal in deals:
        if deal.department_factors is None:
            gated = deal.points if deal.factor is ONE else deal.gated_points
            by_split[deal.fractions] = by_split.get(deal.fractions, ZERO) + gated
        else:
            gated = ZERO
            for dept, share in deal.gated_shares():
                departments[dept] = departments.get(dept, ZERO) + share
                gated += share
        name = deal.product_plan.name
        quantities[name] += deal.quantity
        points[name] += gated
        if deal.outlet_name:
            group = by_outlet.get(deal.outlet_name)
            if group is None:
                group = by_outlet[deal.outlet_name] = []
            group.append(deal)
    for fractions, total in by_split.items():
        for dept, share in split_points(total, fractions):
            departments[dept] = departments.get(dept, ZERO) + share
    return Totals(departments, quantities, points, attributed(plan, by_outlet),
                  {outlet: len(group) for outlet, group in by_outlet.items()})


def attributed(plan: Plan, by_outlet: dict[str, list[Deal]]) -> dict[str, dict[str, Decimal]]:
    """Art. 17: each attribution expression summed over each outlet's accepted deals (gates do not apply).
    Every declared outlet is listed; empty cells and cells that are not numbers add nothing."""
    if not plan.attribution:
        return {}
    labels = [label for label, _ in plan.attribution]
    totals = {outlet["name"]: dict.fromkeys(labels, ZERO) for outlet in plan.ir["outlets"]}
    readers = [(label, _reader(item["expr"], expression))
               for (label, expression), item in zip(plan.attribution, plan.ir["attribution"]["items"])]
    numbers = Converter(to_number)
    for outlet, members in by_outlet.items():
        row = totals.setdefault(outlet, dict.fromkeys(labels, ZERO))
        for label, read in readers:
            values = numbers.column(filter(None, read(members)))  # an empty cell adds nothing
            row[label] += sum(filter(NOT_NULL, values), ZERO)
    return totals


def _reader(tree: dict, expression) -> Callable[[list[Deal]], Iterable]:
    """The values of an attribution over some deals: a plain `deal.x` is read straight from the deals'
    cells; anything else runs its compiled expression on each deal."""
    if "field" in tree and tree["field"][0] == "deal":
        name = tree["field"][1]
        return lambda deals: Deal.values(deals, name)
    return lambda deals: map(expression, deals)
