"""Art. 22: department reward = pool × department points / all points, by the largest-remainder method.

Each share is first cut down to the rounding unit; the units left over go one by one to the largest
remainders (ties: the department declared first), so the rewards add up to the pool exactly. Shares and
remainders are exact fractions: a `Decimal` division keeps 28 digits, and two departments whose
remainders are truly equal would be told apart by the rounding of the last one. The
rules' rounding mode cannot change that sum; it rounds the other money figures shown (outlet
attribution) to the same unit.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from ..semantics.values import exact_sum

MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}


def round_to_unit(value: Decimal, unit: Decimal, mode: str = "half_up") -> Decimal:
    """`value` rounded to a multiple of `unit` (0.01, 1, 10 …), written with the unit's decimals."""
    rounded = (value / unit).to_integral_value(rounding=MODES[mode]) * unit
    return rounded.quantize(unit) if unit.as_tuple().exponent < 0 else rounded.quantize(Decimal(1))


def allocate(pool: Decimal, points: dict[str, Decimal], unit: Decimal) -> dict[str, Decimal]:
    """`points` in declaration order; departments with no points get nothing. Empty when no points."""
    counted = {name: p for name, p in points.items() if p > 0}
    total = exact_sum(counted.values())
    if total <= 0 or pool <= 0:
        return {}
    pool_units = Fraction(pool) / Fraction(unit)
    exact = {name: pool_units * Fraction(p) / Fraction(total) for name, p in counted.items()}  # in units
    floors = {name: int(value) for name, value in exact.items()}  # Fraction → int rounds toward zero
    leftover_units = int(pool_units) - sum(floors.values())
    order = list(counted)
    by_remainder = sorted(order, key=lambda name: (floors[name] - exact[name], order.index(name)))
    for name in by_remainder[:leftover_units]:
        floors[name] += 1
    with localcontext(prec=len(str(int(pool_units))) + len(unit.as_tuple().digits) + 2):  # exact at any size
        return {name: Decimal(floors.get(name, 0)) * unit for name in points}
