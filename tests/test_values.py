from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from crossmarket_dsl.semantics.values import (
    MAX_DIGITS, Converter, exact_sum, sum_numbers, to_bool, to_date, to_number, to_text,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("120", "120"),
        (" 1,234.50 ", "1234.50"),
        ("-1,000", "-1000"),
        ("1,234,567", "1234567"),
        ("85%", "0.85"),
        ("12.5%", "0.125"),
        ("5万", "50000"),
        ("1.2亿", "120000000"),
        ("10万元", "100000"),
        ("1,000.5万", "10005000"),
        ("300元", "300"),
        ("１２３，４５６", "123456"),
        ("１０％", "0.10"),
        ("1e3", "1000"),
        ("0.1", "0.1"),
        ("-0", "0"),
    ],
)
def test_to_number_reads_cells_exactly(cell, expected):
    number = to_number(cell)
    assert isinstance(number, Decimal)
    assert str(number) == expected


@pytest.mark.parametrize(
    "cell",
    ["", "   ", "abc", "万", "%", "元", "1,5", "1,000,00", ",100", "1,000.000,5", "NaN", "-Infinity",
     "5万%", "1e50", "9" * 41, "0." + "1" * 41, None, True, False, date(2026, 1, 1), [1]],
)
def test_to_number_gives_none_for_what_is_not_a_number(cell):
    assert to_number(cell) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(7, "7"), (Decimal("2.50"), "2.50"), (Decimal("1.5E+4"), "15000"), (0.1, "0.1"), (1e20, "1" + "0" * 20)],
)
def test_to_number_keeps_typed_cells_exact(value, expected):
    assert str(to_number(value)) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN"), Decimal("sNaN"), 10**41])
def test_to_number_rejects_non_finite_and_absurd_typed_cells(value):
    assert to_number(value) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("是", True), ("否", False), ("TRUE", True), ("False", False), ("y", True), ("N", False),
     ("Yes", True), (" no ", False), ("1", True), ("0", False), (True, True), (False, False),
     (1, True), (0, False), (Decimal("1.0"), True), (1.0, True)],
)
def test_to_bool(cell, expected):
    assert to_bool(cell) is expected


@pytest.mark.parametrize("cell", ["", "2", "对", "maybe", None, 2, Decimal("NaN"), date(2026, 1, 1)])
def test_to_bool_gives_none_otherwise(cell):
    assert to_bool(cell) is None


@pytest.mark.parametrize(
    "cell",
    ["2026-03-01", " 2026/03/01 ", "2026/3/1", "2026.03.01", "20260301", "2026年3月1日", "2026年03月01日",
     "2026-03-01 09:30:00", "2026-03-01T09:30", "２０２６－０３－０１",
     date(2026, 3, 1), datetime(2026, 3, 1, 14, 30)],
)
def test_to_date(cell):
    assert to_date(cell) == date(2026, 3, 1)


@pytest.mark.parametrize(
    "cell",
    ["", "2026-02-30", "2026-13-01", "2026/02/30", "20260230", "2026-03", "26-03-01", "2026-03-01 x",
     "2026-+3-01", "2026年2月30日", "abc", None, 20260301, Decimal("20260301")],
)
def test_to_date_gives_none_for_invalid_dates(cell):
    assert to_date(cell) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(" D001 ", "D001"), ("", None), ("  ", None), (None, None), (Decimal("1.5E+4"), "15000"),
     (Decimal("2.50"), "2.50"), (42, "42"), (10**50, "1" + "0" * 50), (0.1, "0.1"), (True, "true"),
     (date(2026, 3, 1), "2026-03-01"), (datetime(2026, 3, 1), "2026-03-01"),
     (datetime(2026, 3, 1, 9, 30), "2026-03-01 09:30:00"), (["电子银行部", "信用卡中心"], "电子银行部;信用卡中心")],
)
def test_to_text(value, expected):
    assert to_text(value) == expected


# ---- properties ----

money = st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


@given(money)
def test_thousands_separators_round_trip(number):
    assert to_number(f"{number:,}") == number


@given(money)
def test_percent_round_trip(number):
    assert to_number(f"{number}%") == number / 100


@given(money, st.sampled_from(["万", "万元", "亿", "亿元"]))
def test_magnitudes_round_trip(number, unit):
    factor = 10**4 if unit.startswith("万") else 10**8
    assert to_number(f"{number:,}{unit}") == number * factor


@given(st.text())
def test_arbitrary_text_never_raises(text):
    result = to_number(text)
    assert result is None or (isinstance(result, Decimal) and result.is_finite())
    to_bool(text)
    to_date(text)
    to_text(text)


@given(st.text(alphabet="0123456789,.%万亿元-+eE ＿１", max_size=30))
def test_numberlike_text_never_raises(text):
    result = to_number(text)
    assert result is None or result.is_finite()


def test_converter_remembers_text_only_and_starts_afresh_at_its_limit():
    calls = []

    def convert(raw):
        calls.append(raw)
        return to_number(raw)

    numbers = Converter(convert, limit=2)
    assert list(numbers.column(["1", "1", True, 1, "2"])) == [Decimal(1), Decimal(1), None, Decimal(1), Decimal(2)]
    assert calls == ["1", True, 1, "2"]  # `True` and `1` are equal to no text, and not remembered
    assert dict(numbers) == {"1": Decimal(1), "2": Decimal(2)}
    numbers["3"]
    assert dict(numbers) == {"3": Decimal(3)}


CELLS = st.one_of(
    st.sampled_from(["", "3000.00", "0.00", "-5", " 12 ", "１２", "1_000", "1,000", "5万", "85%", "NaN", "1e50",
                     "1E3", "abc", "0" * 41, "1" * 40, "-0"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.sampled_from([None, True, Decimal("2.5"), 7]),
)


@given(st.lists(CELLS, max_size=30))
@example(["1249282470239431895706414540166666.67"] * 3)  # 37 digits: the default 28-digit context rounds it
def test_sum_numbers_adds_what_to_number_reads(cells):
    """The fast path (plain decimal text, in C) and the slow one (cell by cell) agree with `to_number`, to the
    last digit: the expected sum is a `Fraction`, which never rounds."""
    expected = sum((Fraction(n) for n in map(to_number, filter(None, cells)) if n is not None), Fraction(0))
    assert Fraction(sum_numbers(cells)) == expected


LARGEST = st.builds(lambda whole, cents: f"{whole}.{cents:02d}",
                    st.integers(10 ** (MAX_DIGITS - 3), 10 ** (MAX_DIGITS - 2) - 1), st.integers(0, 99))


@given(st.lists(LARGEST, min_size=1, max_size=20), st.sampled_from(["", "0.000000000001", "-1"]))
def test_sums_of_the_largest_accepted_numbers_are_exact(cells, other):
    """Numbers written with every accepted digit, repeated (the path that multiplies) or not, with a number at
    the other end of the scale: the sum keeps every digit."""
    for column in (cells, cells * 3, [*cells, other]):
        expected = sum((Fraction(to_number(cell)) for cell in column if cell), Fraction(0))
        assert Fraction(sum_numbers(column)) == expected
        assert Fraction(exact_sum(map(to_number, filter(None, column)))) == expected


def test_sum_numbers_of_plain_text_keeps_its_places():
    assert str(sum_numbers(["3000.00", "", "0.50"])) == "3000.50"
    assert str(sum_numbers(["3000.00"] * 10 + ["1,000"] * 10 + ["x"] * 5 + [""] * 5)) == "40000.00"  # repeats
    assert sum_numbers([]) == 0 and sum_numbers(["", None]) == 0
