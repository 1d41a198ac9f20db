"""Cell conversion of SPEC §3.5: table cells are text until an operator needs a number, date or boolean.

Every function returns `None` when the value cannot be converted; the evaluator turns that into a
`null` expression, never a crash. The functions run once per cell of a ledger (millions of times), so
the common case — a plain number or an ISO date — is tried first with no normalisation at all.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import date, datetime
from decimal import Context, Decimal, DivisionByZero, Inexact, InvalidOperation, Overflow, Rounded, localcontext
from functools import partial
from operator import is_not
from typing import Iterable, Iterator

MAX_DIGITS = 40
"""Numbers longer than this (digits written out, either side of the point) are rejected as absurd."""

EXACT = Context(prec=2 * MAX_DIGITS + 20, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact, Rounded])
"""Sums of money, points and quantities are exact, never rounded to the default 28 digits: two accepted
numbers span at most twice `MAX_DIGITS` digits (one all before the point, one all after), and 20 more
digits hold the carries of up to 10^20 terms. A result that would still need rounding stops loudly."""

_NOT_NULL = partial(is_not, None)
_MAGNITUDES = {"万": 4, "亿": 8}
_BOOLEANS = {
    "是": True, "否": False,
    "true": True, "false": False,
    "y": True, "n": False,
    "yes": True, "no": False,
    "1": True, "0": False,
}


def to_number(value: object) -> Decimal | None:
    """An exact `Decimal` from a cell: `1,234.5`, ` 85% `, `1.2亿`, `10万元`, `300元`, `１２３`, 0.1 (float)."""
    if isinstance(value, str):
        try:
            number = Decimal(value)  # the common case; also takes surrounding spaces and full-width digits
        except InvalidOperation:
            return _parse_decorated(value)
        if len(value) <= MAX_DIGITS and number.is_finite() and not number.is_signed() \
                and "e" not in value and "E" not in value:
            return number  # short, positive, no exponent: nothing to check
        return _exact(number)
    if isinstance(value, bool):
        return None
    if isinstance(value, (Decimal, int)):
        return _exact(Decimal(value))
    if isinstance(value, float):
        return _exact(Decimal(repr(value)))  # repr is the shortest round trip: 0.1 stays 0.1
    return None


def sum_numbers(cells: Iterable) -> Decimal:
    """The sum of `to_number` of the cells that are numbers: empty cells, and cells that are not
    numbers, add nothing.

    A million cells of text are added in a fraction of a second: a column that repeats itself (`0.00`,
    `3000.00`) by converting each distinct cell once and multiplying; a column of plain decimal text
    that does not (amounts to the cent) by converting and adding in C. Anything else (`1,000`, `5万`,
    typed cells) goes cell by cell through `to_number`."""
    values = list(filter(None, cells))
    if values and set(map(type, values)) == {str}:
        sample = values[:4096]
        if 2 * len(set(sample)) < len(sample):
            return exact_sum(number * times for number, times in
                             ((to_number(text), times) for text, times in Counter(values).items())
                             if number is not None)
        if max(map(len, values)) <= MAX_DIGITS:
            text = "".join(values)
            if "e" not in text and "E" not in text:  # an exponent can make a short text an absurd number
                try:
                    numbers = list(map(Decimal, values))
                except InvalidOperation:
                    numbers = None
                if numbers is not None and all(map(Decimal.is_finite, numbers)):
                    return exact_sum(numbers)
    return exact_sum(filter(_NOT_NULL, map(to_number, values)))


def exact_sum(numbers: Iterable[Decimal]) -> Decimal:
    """The sum of `numbers` in the `EXACT` context: every digit kept, in C."""
    with localcontext(EXACT):
        return sum(numbers, Decimal(0))


def _parse_decorated(text: str) -> Decimal | None:
    """The slow path: full-width forms, thousands separators and a `%`, `万`, `亿` or `元` suffix."""
    text = unicodedata.normalize("NFKC", text).strip()
    shift = 0
    if text.endswith("%"):
        text, shift = text[:-1], -2
    else:
        text = text.removesuffix("元").rstrip()
        if text[-1:] in _MAGNITUDES:
            text, shift = text[:-1], _MAGNITUDES[text[-1]]
    text = _without_separators(text.rstrip())
    if text is None:
        return None
    try:
        return _exact(Decimal(text), shift)
    except InvalidOperation:
        return None


def _without_separators(text: str) -> str | None:
    """`1,234,567.5` → `1234567.5`; None when the commas are not in thousands places (`1,5` is not 15)."""
    if "," not in text:
        return text
    whole, point, fraction = text.partition(".")
    groups = whole.lstrip("+-").split(",")
    if not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:]) or "," in fraction:
        return None
    return whole.replace(",", "") + point + fraction


def _exact(number: Decimal, shift: int = 0) -> Decimal | None:
    """`number` × 10**shift computed exactly (no context rounding), written without a positive exponent.

    None for NaN, infinities and absurd lengths. `1.5万` becomes `15000`, not `1.5E+4`.
    """
    if not number.is_finite():
        return None
    sign, digits, exponent = number.as_tuple()
    exponent += shift
    written = len(digits) + exponent if exponent > 0 else max(len(digits), -exponent)
    if written > MAX_DIGITS:
        return None
    if shift == 0 and exponent <= 0 and not (sign and number.is_zero()):
        return number
    if exponent > 0:
        digits, exponent = digits + (0,) * exponent, 0
    return Decimal((0 if number.is_zero() else sign, digits, exponent))


def to_bool(value: object) -> bool | None:
    """`是/否`, `true/false` (any case), `Y/N`, `yes/no`, `1/0`, a bool, or a number equal to 1 or 0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _BOOLEANS.get(value.strip().lower())
    number = to_number(value)
    return None if number is None else {0: False, 1: True}.get(number)


def to_date(value: object) -> date | None:
    """A `date` from `2026-03-01`, `2026/3/1`, `2026.03.01`, `20260301`, `2026年3月1日` or an XLSX date.

    A time after the date (`2026-03-01 09:30:00`, as database exports write) is ignored.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)  # the common case
        except ValueError:
            return None
    return _parse_date_text(text)


def _parse_date_text(text: str) -> date | None:
    parts = written_date(text)
    if parts is None:
        return None
    try:
        return date(*parts)
    except ValueError:
        return None


def written_date(text: str) -> tuple[int, int, int] | None:
    """The year, month and day a date text is written with, whether or not that day exists
    (`2026-04-31` → (2026, 4, 31)): enough to say what is wrong with it, and which month it is of."""
    text = unicodedata.normalize("NFKC", text.strip())
    day_part, _, time_part = text.replace("T", " ", 1).partition(" ")
    if time_part and ":" not in time_part:
        return None
    if day_part.endswith("日"):
        day_part = day_part[:-1].replace("年", "-", 1).replace("月", "-", 1)
    parts = _date_parts(day_part)
    if parts is None:
        return None
    year, month, day = parts
    if len(year) != 4 or not 1 <= len(month) <= 2 or not 1 <= len(day) <= 2:
        return None
    if not (year + month + day).isdecimal():
        return None
    return int(year), int(month), int(day)


def _date_parts(text: str) -> tuple[str, str, str] | None:
    for separator in "-/.":
        parts = text.split(separator)
        if len(parts) == 3:
            return parts[0], parts[1], parts[2]
    if len(text) == 8:
        return text[:4], text[4:6], text[6:]
    return None


def to_text(value: object) -> str | None:
    """The text of a cell, stripped; None when empty. Numbers never in exponent form; dates as ISO."""
    if isinstance(value, str):
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Decimal, int, float)):
        number = to_number(value)
        return str(value) if number is None else format(number, "f")  # NaN, or a 50-digit id
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ";".join(filter(None, map(to_text, value))) or None  # JSON Lines `participants`
    return str(value).strip() or None


class Converter(dict):
    """`convert` of each distinct text, remembered: a ledger repeats its dates, products, quantities and
    ids on many rows, so a column of a million cells is converted by one `map` over dictionary hits.

    Only text is remembered: `1`, `1.0` and `True` are equal as keys but not as cells (from XLSX or
    JSON Lines), so other cells are converted each time. After `limit` distinct texts (a column of
    amounts can have a million) the memory starts afresh."""

    def __init__(self, convert, limit: int = 100_000):
        super().__init__()
        self.convert, self.limit = convert, limit

    def __missing__(self, raw):
        value = self.convert(raw)
        if raw.__class__ is str:
            if len(self) >= self.limit:
                self.clear()
            self[raw] = value
        return value

    def column(self, cells: Iterable) -> Iterator:
        """The converted cells, lazily (every cell a reader gives is hashable)."""
        return map(self.__getitem__, cells)
