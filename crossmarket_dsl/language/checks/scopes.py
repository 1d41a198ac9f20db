"""Where aggregates and fields may stand: aggregates only in gates and never nested (E503), each field
only where it is known (E502, E504)."""

from __future__ import annotations

from typing import Iterator

from ...semantics.vocabulary import FUNCTIONS, is_aggregate
from .. import ast
from ..diagnostics import Diagnostic
from .context import CheckContext, head, listing
from .places import Place


def field_scopes(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E502/E503/E504: aggregates only in gates and never nested; each field only where it is known."""
    for place in ctx.places:
        stack: list[tuple[ast.Expr, str | None]] = [(place.expr, None)]
        while stack:
            node, aggregate = stack.pop()
            if isinstance(node, ast.Call) and is_aggregate(node.function):
                yield from _aggregate_problem(place, node, aggregate)
                aggregate = aggregate or node.function
            elif isinstance(node, ast.Field):
                yield from _field_problem(place, node, aggregate)
            stack.extend((child, aggregate) for child in ast.children(node))


def _aggregate_problem(place: Place, node: ast.Call, outer: str | None) -> Iterator[Diagnostic]:
    span = head(node.span, len(node.function))
    if place.group is None:
        yield Diagnostic("E503", f"aggregate `{node.function}` outside a gate, in {place.role}", span,
                         help="aggregates count and add up the deals of a gate's group: use them in a gate's "
                              "`when` or `require`")
    elif outer is not None:
        yield Diagnostic("E503", f"aggregate `{node.function}` inside another aggregate `{outer}`", span,
                         help="an aggregate looks at each deal of the group: write `deal.*` fields inside it")
    elif FUNCTIONS[node.function].gate_scope not in (None, place.gate_scope):
        yield Diagnostic("E504", f"`{node.function}()` is not available in {place.role}", span,
                         help=f"use it in a gate `on {FUNCTIONS[node.function].gate_scope}`; "
                              f"{FUNCTIONS[node.function].usage}")


def _field_problem(place: Place, node: ast.Field, aggregate: str | None) -> Iterator[Diagnostic]:
    visible = place.group if aggregate and place.group is not None else place.sees
    name = f"{node.scope}.{node.name}"
    if name in visible or f"{node.scope}.*" in visible:
        return
    if node.scope == "deal" and place.gate_scope not in (None, "deal") and not aggregate:
        judged = f"`{place.gate_scope}` {place.judged_by}"
        yield Diagnostic("E502", f"`{name}` outside an aggregate in a {judged}", node.span,
                         help=f"a {judged} looks at a group of deals: write `sum({name})`, "
                              "`count()` or another aggregate over them")
    else:
        yield Diagnostic("E504", f"`{name}` is not available in {place.role}", node.span,
                         help=describe_fields(place))


def describe_fields(place: Place) -> str:
    if not place.sees and place.group is None:
        return f"{place.role} is a constant, known before any data is read: it cannot use fields"
    seen = listing(sorted(place.sees))
    if place.group is None:
        return f"{place.role} can use {seen}"
    return f"{place.role} can use {seen}, and `deal.*` inside `count()`, `sum(…)` and the other aggregates"
