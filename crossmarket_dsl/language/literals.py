"""Literal text of the language → exact values (SPEC §3.1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation, localcontext

MAX_DIGITS = 30
MAGNITUDES = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}


class LiteralError(ValueError):
    """A literal the lexer accepted but that has no sensible value (a 400-digit number, 2026-02-30)."""


def number_value(text: str) -> Decimal:
    """`120`, `0.5`, `1_000_000`, `85%`, `12.5%`, `5万`, `1.2亿`, `10万元`, `300元` → Decimal."""
    body = text
    scale = Decimal(1)
    if body.endswith("元"):
        body = body[:-1]
    if body.endswith("%"):
        body, scale = body[:-1], Decimal("0.01")
    elif body[-1:] in MAGNITUDES:
        body, scale = body[:-1], MAGNITUDES[body[-1]]
    digits = body.replace("_", "").replace(".", "")
    if len(digits.lstrip("0")) > MAX_DIGITS:
        raise LiteralError(f"number `{_shorten(text)}` has more than {MAX_DIGITS} digits")
    try:
        with localcontext() as context:  # exact: 30 digits and a magnitude exceed the default 28 digits
            context.prec = MAX_DIGITS + 20
            return _plain(Decimal(body.replace("_", "")) * scale)
    except InvalidOperation:  # the grammar makes this unreachable, but fail closed
        raise LiteralError(f"`{text}` is not a number") from None


def _plain(value: Decimal) -> Decimal:
    """Drop exponent noise (`2E+8` → `200000000`, `0.850` stays exact) without changing the value."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _shorten(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def date_value(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise LiteralError(f"`{text}` is not a date in the calendar") from None


def string_value(token_text: str) -> str:
    """Strip the quotes and undo `\\"` and `\\\\`."""
    body = token_text[1:-1]
    if "\\" not in body:  # nearly every text: no character-by-character copy
        return body
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            out.append(body[i + 1])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def string_literal(value: str) -> str:
    """The source form of a text value (inverse of `string_value`)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
