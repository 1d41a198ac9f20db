"""Art. 22's largest-remainder allocation: exact remainders, true ties to the department declared first."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from crossmarket_dsl.engine.reward import allocate

CENT = Decimal("0.01")


def test_a_true_tie_goes_to_the_department_declared_first():
    # 100 元 among three equal departments: 33.33 each and one cent left; the remainders are exactly equal
    # (1/3 of a cent each), so the cent goes to the first declared, whatever the 28th digit says
    for order in (["甲", "乙", "丙"], ["丙", "乙", "甲"]):
        rewards = allocate(Decimal(100), {name: Decimal(1) for name in order}, CENT)
        assert rewards[order[0]] == Decimal("33.34")
        assert [rewards[name] for name in order[1:]] == [Decimal("33.33")] * 2


def test_equal_remainders_that_decimal_division_would_tell_apart():
    # 100 元 in proportion to 1 : 4 : 10 is 6.666…, 26.666…, 66.666… 元: every remainder is exactly 2/3 of a
    # cent and two cents are left, so they go to the two declared first; 28-digit quotients round the
    # three remainders differently and once gave them to the second and third
    rewards = allocate(Decimal(100), {"公司业务部": Decimal(1), "机构业务部": Decimal(4), "个人金融部": Decimal(10)},
                       CENT)
    assert rewards == {"公司业务部": Decimal("6.67"), "机构业务部": Decimal("26.67"), "个人金融部": Decimal("66.66")}


def test_the_larger_exact_remainder_wins_over_declaration_order():
    rewards = allocate(Decimal("0.03"), {"甲": Decimal(1), "乙": Decimal(2)}, CENT)
    assert rewards == {"甲": Decimal("0.01"), "乙": Decimal("0.02")}
    rewards = allocate(Decimal("0.01"), {"甲": Decimal(1), "乙": Decimal(2)}, CENT)
    assert rewards == {"甲": Decimal("0.00"), "乙": Decimal("0.01")}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=6),
       st.integers(1, 10**8), st.sampled_from([Decimal("0.01"), Decimal(1), Decimal(10)]))
def test_rewards_add_up_to_the_pool_and_differ_from_the_exact_share_by_less_than_a_unit(points, pool, unit):
    named = {f"部门{index}": Decimal(p) / 100 for index, p in enumerate(points)}
    pool_money = Decimal(pool) * unit
    rewards = allocate(pool_money, named, unit)
    total = sum(named.values(), Decimal(0))
    if total == 0:
        assert rewards == {}
        return
    assert sum(rewards.values()) == pool_money
    for name, value in rewards.items():
        exact = pool_money * named[name] / total
        assert abs(value - exact) < unit
        assert value % unit == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 10**28 - 1), min_size=1, max_size=6), st.integers(1, 10**30 - 1),
       st.sampled_from([Decimal("0.01"), Decimal(1)]))
def test_rewards_at_the_largest_accepted_magnitudes_add_up_to_the_pool_exactly(points, pool, unit):
    """Points of 16 digits before the point and 12 after, a pool of 30 digits: more digits than the default
    context keeps, and still the rewards add up to the pool to the unit."""
    named = {f"部门{index}": Decimal(f"{p}E-12") for index, p in enumerate(points)}
    pool_money = Decimal(f"{pool}E{unit.as_tuple().exponent}")
    rewards = allocate(pool_money, named, unit)
    total = sum(map(Fraction, named.values()), Fraction(0))
    if total == 0:
        assert rewards == {}
        return
    assert sum(map(Fraction, rewards.values()), Fraction(0)) == Fraction(pool_money)
    for name, value in rewards.items():
        assert abs(Fraction(value) - Fraction(pool_money) * Fraction(named[name]) / total) < unit
