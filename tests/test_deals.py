"""The sums the row loop keeps by product and split add up exactly, at any number of deals."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from crossmarket_dsl.engine.deals import SplitSums, split_points


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 10**28 - 1), min_size=1, max_size=40))
def test_the_points_of_a_product_s_deals_add_up_to_the_last_digit(points):
    """Deals of 16 digits of points before the point and 12 after: their sum needs more than 28 digits."""
    sums = SplitSums("住房按揭", ())
    for p in points:
        sums.add(Decimal(f"{p}E-12"), Decimal(1))
    assert Fraction(sums.points) == sum((Fraction(p, 10**12) for p in points), Fraction(0))
    assert sums.quantity == len(points) and sums.deals == len(points)


FRACTIONS = st.sampled_from([
    ((("总行", Decimal("0.2")), ("甲支行", Decimal("0.8") / 3), ("乙支行", Decimal("0.8") / 3), ("丙支行", None))),
    ((("总行", Decimal("0.5")), ("甲支行", None))),
    ((("总行", Decimal(1)),)),
])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**40 - 1), FRACTIONS)
def test_shares_of_the_largest_totals_add_up_to_them_exactly(units, fractions):
    """A department's total of up to 28 digits before the point and 12 after is split into shares kept to 12
    places that add up to it to the last digit, and each share is its fraction to within a place."""
    points = Decimal(f"{units}E-12")
    shares = split_points(points, fractions)
    assert [name for name, _ in shares] == [name for name, _ in fractions]
    assert sum(map(Fraction, (share for _, share in shares)), Fraction(0)) == Fraction(points)
    for (_, share), (_, fraction) in zip(shares, fractions):
        assert share.as_tuple().exponent == -12
        if fraction is not None:
            assert abs(Fraction(share) - Fraction(points) * Fraction(fraction)) < Fraction(1, 10**12)
