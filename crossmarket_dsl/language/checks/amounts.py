"""Values known once the branch's `set`s are applied: shares that add up (E505) and stay within 0–100%
(E509), a pool and a rounding unit that can be divided (E510) into whole fens (E511, E512), constants
within 30 digits (E513), and numbers wherever a number is needed before any deal is read (E514)."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from .. import ast
from ..diagnostics import Diagnostic, percent, plain_number
from ..source import Span
from .context import CheckContext, is_number, settings


def _share_source(ctx: CheckContext, key: str) -> Span | None:
    """Where a split share comes from: the last `set` of the parameter the split names, else its value."""
    found = [s for _, d in ctx.declarations(ast.Block) if d.keyword == "split" for s in settings(d.items)
             if s.key == key and s.values]
    if not found:
        return None
    value = found[-1].values[0]
    sets = [d for _, d in ctx.declarations(ast.Binding)
            if d.keyword == "set" and isinstance(value, ast.Name) and d.name.text == value.name]
    return sets[-1].value.span if sets else value.span


def shares_add_up(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E505: the host keeps one share, the participants the other; together they are each deal's points."""
    split = ctx.lowered.ir.get("split") or {}
    host, participants = split.get("host"), split.get("participants")
    if not (is_number(host) and is_number(participants)) or host + participants == 1:
        return
    sources = [_share_source(ctx, key) for key in ("host", "participants")]
    rules_file = ctx.rules.header.span.file if ctx.rules is not None else None
    in_rules = [s for s in sources if s is not None and s.file == rules_file]
    span = max(in_rules, key=lambda s: (s.line, s.column)) if in_rules else ctx.span_of("/split")
    if span is not None:
        yield Diagnostic("E505", f"host and participant shares add up to {percent(host + participants)}, not 100%",
                         span, help=f"host {percent(host)} + participants {percent(participants)}: the two shares "
                                    "divide each deal's points (art. 19)")


def _share_slots(ctx: CheckContext) -> Iterator[tuple[Span | None, str, object]]:
    """(span, what, value) of every value that must be a share between 0 and 100%."""
    ir = ctx.lowered.ir
    for key in ("host", "participants"):
        yield _share_source(ctx, key), f"the split's `{key}` share", (ir.get("split") or {}).get(key)
    yield ctx.span_of("/audit/spot_check"), "`spot_check`", (ir.get("audit") or {}).get("spot_check")
    for i, gate in enumerate(ir.get("gates", [])):
        yield ctx.span_of(f"/gates/{i}/otherwise/factor"), f"the `otherwise scale` of gate `{gate['name']}`", \
            gate["otherwise"]["factor"]


def shares_in_range(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E509: spot-check rates, scale factors and shares are parts of a whole."""
    for span, what, value in _share_slots(ctx):
        if is_number(value) and not 0 <= value <= 1 and span is not None:
            yield Diagnostic("E509", f"{what} is {percent(value)}, outside 0–100%", span,
                             help="a share is a part of a whole: write it between 0% and 100%")


def _reward_slots(ctx: CheckContext) -> list[tuple[Span | None, str, object]]:
    reward = ctx.lowered.ir.get("reward") or {}
    return [(ctx.span_of("/reward/pool"), "the reward pool", reward.get("pool")),
            (ctx.span_of("/reward/rounding/unit"), "the rounding unit", (reward.get("rounding") or {}).get("unit"))]


def positive_amounts(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E510: a reward pool of zero and a rounding unit of zero cannot be divided."""
    for span, what, value in _reward_slots(ctx):
        if is_number(value) and value <= 0 and span is not None:
            yield Diagnostic("E510", f"{what} is {plain_number(value)}, it must be positive", span,
                             help="the pool is divided in proportion to points and rounded to the unit (art. 22)")


FEN = Decimal("0.01")
MAX_POOL = Decimal(10) ** 16
"""A pool of up to 1亿亿 counted in fens stays within the 28 digits every amount is computed with."""


def pool_in_units(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E511, E512: art. 22 pays the whole pool. A pool that is not a whole number of units cannot be paid out
    exactly (`pool 350万 rounding 1000000` would pay 3,000,000), and money is not counted below a fen."""
    (pool_span, _, pool), (unit_span, _, unit) = _reward_slots(ctx)
    if not (is_number(pool) and is_number(unit) and pool > 0 and unit > 0 and unit_span is not None):
        return
    if unit % FEN != 0:
        yield Diagnostic("E512", f"the rounding unit is {plain_number(unit)}, not a whole number of fens (0.01)",
                         unit_span, help="round rewards to 0.01 (fen), 1 (yuan) or a larger unit (art. 22)")
    elif pool > MAX_POOL and pool_span is not None:
        yield Diagnostic("E512", f"the reward pool is {plain_number(pool)}, more than 1亿亿", pool_span,
                         help="write the pool in yuan, e.g. `pool 200万` (art. 22)")
    elif pool % unit != 0:
        units = (pool / unit).to_integral_value(rounding="ROUND_DOWN")
        yield Diagnostic("E511", f"the reward pool {plain_number(pool)} is not a whole number of rounding units "
                                 f"of {plain_number(unit)}: only {plain_number(units * unit)} could be paid out",
                         unit_span, help="art. 22 pays out the whole pool: choose a unit that divides it, "
                                         "e.g. `rounding 1` or `rounding 0.01`")


MAX_DIGITS = 30


def constants_in_range(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E513: a `let` or `set` whose value runs past 30 digits (`1亿 * 1亿 * 1亿 * 1亿`, a chain of squarings)
    is no amount a bank counts, and would lose its last digits in every sum."""
    for _, decl in ctx.declarations(ast.Binding):
        value = ctx.lowered.constants.get(decl.name.text)
        if is_number(value) and (not value.is_finite() or value.adjusted() >= MAX_DIGITS):
            yield Diagnostic("E513", f"`{decl.name.text}` is {_digits(value)}: more than {MAX_DIGITS} digits "
                                     "before the point", decl.value.span,
                             help="amounts need at most 30 digits; check the expression for a repeated factor")


def _digits(value: Decimal) -> str:
    if not value.is_finite():
        return "beyond any number crossmarket counts"
    return f"about 10^{value.adjusted()}" if value.adjusted() >= 40 else plain_number(value)


def numbers_known(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E514: the pool, the rounding unit, shares, scale factors and days are used as numbers before any deal
    is read; an expression that comes out empty (`null`) or as text cannot be."""
    for pointer, what in _constant_slots(ctx.lowered.ir):
        span = ctx.lowered.source_map.get(pointer)
        value = _at_pointer(ctx.lowered.ir, pointer)
        if span is not None and not is_number(value):
            shown = "empty (null)" if value is None else f"`{value}`, not a number"
            yield Diagnostic("E514", f"{what} is {shown}", span, help="write a number, e.g. `80%`, `200万` or `7`")


def _constant_slots(ir: dict) -> Iterator[tuple[str, str]]:
    """(JSON pointer, what) of every value the IR must hold as a number when the rules write it."""
    yield from (("/reward/pool", "the reward pool"), ("/reward/rounding/unit", "the rounding unit"),
                ("/audit/spot_check", "`spot_check`"), ("/statement/publish_days", "the statement's `publish … days`"),
                ("/split/host", "the split's `host` share"), ("/split/participants", "the split's `participants` share"))
    for i, gate in enumerate(ir.get("gates", [])):
        yield f"/gates/{i}/otherwise/factor", f"the `otherwise scale` of gate `{gate['name']}`"
    for i, award in enumerate(ir.get("awards", [])):
        for j, line in enumerate(award["to"]):
            yield f"/awards/{i}/to/{j}/points", f"the points of award `{award['name']}` for `{line['department']}`"
    for i, objective in enumerate(ir.get("objectives", [])):
        name = objective["department"]
        yield f"/objectives/{i}/target", f"the target of `{name}`"
        for k, tier in enumerate(objective["tiers"]):
            yield f"/objectives/{i}/tiers/{k}/threshold", f"a completion threshold in the objective of `{name}`"
            yield f"/objectives/{i}/tiers/{k}/amount", f"the amount to {tier['kind']} in the objective of `{name}`"


def _at_pointer(document: object, pointer: str) -> object:
    for step in pointer.strip("/").split("/"):
        if isinstance(document, list) and step.isdigit() and int(step) < len(document):
            document = document[int(step)]
        elif isinstance(document, dict):
            document = document.get(step)
        else:
            return None
    return document
