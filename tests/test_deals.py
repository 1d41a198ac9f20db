"""The sums the row loop keeps by product and split add up exactly, at any number of deals."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from crossmarket_dsl.engine.deals import SplitSums


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 10**28 - 1), min_size=1, max_size=40))
def test_the_points_of_a_product_s_deals_add_up_to_the_last_digit(points):
    """Deals of 16 digits of points before the point and 12 after: their sum needs more than 28 digits."""
    sums = SplitSums("住房按揭", ())
    for p in points:
        sums.add(Decimal(f"{p}E-12"), Decimal(1))
    assert Fraction(sums.points) == sum((Fraction(p, 10**12) for p in points), Fraction(0))
    assert sums.quantity == len(points) and sums.deals == len(points)
