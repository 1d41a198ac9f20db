"""Values known once the branch's `set`s are applied: shares that add up (E505) and stay within 0–100%
(E509), a pool and a rounding unit that can be divided (E510)."""

from __future__ import annotations

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


def positive_amounts(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E510: a reward pool of zero and a rounding unit of zero cannot be divided."""
    reward = ctx.lowered.ir.get("reward") or {}
    slots = [(ctx.span_of("/reward/pool"), "the reward pool", reward.get("pool")),
             (ctx.span_of("/reward/rounding/unit"), "the rounding unit", (reward.get("rounding") or {}).get("unit"))]
    for span, what, value in slots:
        if is_number(value) and value <= 0 and span is not None:
            yield Diagnostic("E510", f"{what} is {plain_number(value)}, it must be positive", span,
                             help="the pool is divided in proportion to points and rounded to the unit (art. 22)")
