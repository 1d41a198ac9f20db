"""An accepted deal, and what is added up of the accepted deals as the row loop meets them.

A ledger has a million deals, so a deal is a tuple made in C and keeps its cells as they came; what
the gates decide is set only on the deals they touch.
"""

from __future__ import annotations

from collections import namedtuple
from decimal import Context, Decimal, DefaultContext
from operator import attrgetter, itemgetter
from typing import Iterable, Iterator, Sequence

from ..semantics.values import EXACT, exact_sum, sum_numbers

ONE = Decimal(1)
ZERO = Decimal(0)
SCALE = Decimal("1e-12")
"""Points and shares are kept to 12 decimal places (the results show 4): with a fixed scale, adding them up
never rounds, so departments' points add up to the deals' points exactly even when a share is 80% ÷ 3."""
_DEFAULT_WHOLE_DIGITS = DefaultContext.prec + SCALE.as_tuple().exponent
"""Up to 16 digits before the point, a share to 12 places fits the default context."""
_WIDE = Context(prec=EXACT.prec)  # a share of a department's total past 16 digits still keeps its 12 places
NO_ROW: dict = {}  # the row of a client or project a table does not have

_DealFields = namedtuple("_DealFields", ["row", "deal_id", "date", "product_plan", "quantity", "client_id",
                                         "project_id", "outlet_name", "layout", "cells", "client", "project",
                                         "product", "outlet", "points", "fractions", "in_report", "staff"])
CELLS = attrgetter("cells")
QUANTITY = attrgetter("quantity")


class Deal(_DealFields):
    """An accepted deal. Its attributes double as the expression environment (`deal`, `client`, …).

    A ledger has a million of them, so a deal is a tuple made in one step (`new_deal`), and its
    cells are kept as they came (`cells`, named by `layout`) rather than as a dict of its own. What
    the gates decide (`factor`, `department_factors`) is set only on the deals they touch."""

    factor = ONE
    department_factors = None
    department = NO_ROW  # a deal is no department's row, and no aggregate's group
    group = ()
    __eq__, __ne__, __hash__ = object.__eq__, object.__ne__, object.__hash__  # a deal is itself, not its values

    @property
    def deal(self) -> dict:
        """The `deal.*` row of expressions: the cells the rules read, and the quantity as a number."""
        return dict(zip(self.layout, self.cells), quantity=self.quantity)

    @staticmethod
    def values(deals: Sequence["Deal"], name: str) -> Iterator:
        """`deal.<name>` of each of some deals, read straight from their cells (no row built per deal)."""
        if name == "quantity" or not deals:
            return map(QUANTITY, deals)
        return map(itemgetter(deals[0].layout.index(name)), map(CELLS, deals))

    @property
    def shares(self) -> list[tuple[str, Decimal]]:
        """Points by department before gates (computed, not stored: a ledger has a million deals)."""
        return split_points(self.points, self.fractions)

    def gated_shares(self) -> list[tuple[str, Decimal]]:
        """Shares after the gates: a deal's factor scales its points before they are split; a department
        gate's factor scales that department's share only."""
        if self.department_factors is None:
            return split_points(self.gated_points, self.fractions)
        factors = self.department_factors
        return [(dept, (share * self.factor * factors.get(dept, ONE)).quantize(SCALE))
                for dept, share in self.shares]

    @property
    def gated_points(self) -> Decimal:
        if self.department_factors is None:  # the split keeps every share's total exact
            return self.points if self.factor == ONE else (self.points * self.factor).quantize(SCALE)
        return exact_sum(share for _, share in self.gated_shares())


class SplitSums:
    """The points and quantity of the deals of one product and one split."""

    __slots__ = ("product", "fractions", "points", "quantity", "deals")

    def __init__(self, product: str, fractions: tuple):
        self.product, self.fractions = product, fractions
        self.points = self.quantity = Decimal(0)
        self.deals = 0

    def add(self, points: Decimal, quantity: Decimal) -> None:
        self.points = EXACT.add(self.points, points)  # a million deals' points: more digits than 28
        self.quantity = EXACT.add(self.quantity, quantity)
        self.deals += 1


class Tally:
    """Deals added up as they are accepted, for the totals (`totals.add_up`): points and quantity by
    product and split; by outlet, the deals and the sums of the outlet attribution's plain cells. A
    million deals added up here, while each is at hand, cost a fraction of a second; added up after
    the gates, a second and more, every deal and cell being out of the processor's cache by then."""

    def __init__(self, cell_sums: Sequence[tuple[int, int]] = ()):
        self.splits: list[SplitSums] = []
        self.cell_sums = cell_sums  # (attribution label index, position in `Deal.cells`) of each plain cell
        self.outlets: dict[str, list] = {}  # outlet → [deals, the sum of each of `cell_sums`]
        self.pending: dict[str, list[tuple]] = {}  # outlet → cells of its deals not yet added up
        self.pending_deals = 0
        self.staff: dict[tuple, list] = {}  # (fractions, staff cell) → [points, deals] of the deals naming staff

    def sums(self, product: str, fractions: tuple) -> SplitSums:
        sums = SplitSums(product, fractions)
        self.splits.append(sums)
        return sums

    def add_staff(self, fractions: tuple, staff: str, points: Decimal) -> None:
        """A deal whose `staff` cell names marketers (art. 21): its points are also added up by that cell, so
        that each department's share can be divided among the people named for it (`staff.py`)."""
        sums = self.staff.get((fractions, staff))
        if sums is None:
            sums = self.staff[(fractions, staff)] = [ZERO, 0]
        sums[0] = EXACT.add(sums[0], points)
        sums[1] += 1

    FLUSH_DEALS = 8192
    """Cells added up at a time: few enough to be in the processor's cache still, enough that adding up
    (a few calls a column) costs little for each cell."""

    def add_outlet(self, outlet: str, cells: tuple) -> None:
        pending = self.pending.get(outlet)
        if pending is None:
            pending = self.pending[outlet] = []
        pending.append(cells)
        self.pending_deals += 1

    def flush(self, unless_fewer_than: int = 0) -> None:
        """Adds up the cells gathered since the last flush, a column at a time. The row loop asks after each
        chunk of the ledger (`unless_fewer_than=FLUSH_DEALS`), and once more at the end."""
        if self.pending_deals < max(unless_fewer_than, 1):
            return
        for outlet, cells in self.pending.items():
            sums = self.outlets.get(outlet)
            if sums is None:
                sums = self.outlets[outlet] = [0, *[Decimal(0)] * len(self.cell_sums)]
            sums[0] += len(cells)
            for index, (_, position) in enumerate(self.cell_sums, 1):
                sums[index] = EXACT.add(sums[index], sum_numbers(map(itemgetter(position), cells)))
        self.pending.clear()
        self.pending_deals = 0

    @classmethod
    def of(cls, deals: Iterable[Deal], cell_sums: Sequence[tuple[int, int]]) -> "Tally":
        """The tally of any deals (a month's, say)."""
        tally, by_split = cls(cell_sums), {}
        for deal in deals:
            key = (deal.product_plan.name, deal.fractions)
            sums = by_split.get(key)
            if sums is None:
                sums = by_split[key] = tally.sums(*key)
            sums.add(deal.points, deal.quantity)
            if deal.staff:
                tally.add_staff(deal.fractions, deal.staff, deal.points)
            if deal.outlet_name:
                tally.add_outlet(deal.outlet_name, deal.cells)
        tally.flush()
        return tally


def new_deal(values: tuple) -> Deal:
    """A deal from its fields in order, made in C (`Deal(*values)` would run Python for each)."""
    return tuple.__new__(Deal, values)


def split_points(points: Decimal, fractions) -> list[tuple[str, Decimal]]:
    """Points by department, each to `SCALE`. The last participant takes what is left of the participants'
    part, so the shares add up to the deal's points exactly."""
    host, host_fraction = fractions[0]
    host_part = _share(points, host_fraction)
    shares = [(host, host_part)]
    given = host_part
    for name, fraction in fractions[1:]:
        part = EXACT.subtract(points, given) if fraction is None else _share(points, fraction)
        given = EXACT.add(given, part)
        shares.append((name, part))
    return shares


def _share(points: Decimal, fraction: Decimal) -> Decimal:
    """`points × fraction` to `SCALE`. Up to 16 digits before the point, the product is taken in the default
    context as it always was, so no figure moves; past that (a department's total over a year) the default
    context cannot hold 12 places, and the product is taken exactly before it is rounded to them."""
    if points.adjusted() < _DEFAULT_WHOLE_DIGITS:
        return (points * fraction).quantize(SCALE, context=_WIDE)
    return EXACT.multiply(points, fraction).quantize(SCALE, context=_WIDE)
