"""Rules of the measure that are neither names nor types: target clients are screened by corporate
departments (E501), rules apply within the measure's period (E506), products carry the targets their gates
need (E507) and earn points (E508)."""

from __future__ import annotations

import re
from datetime import date
from typing import Iterator

from .. import ast
from ..diagnostics import Diagnostic
from .context import CheckContext, listing, settings
from .places import gate_places


def non_corporate_targets(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E501: target clients are screened by corporate departments (art. 7–9)."""
    departments = ctx.symbols.departments
    for _, decl in ctx.declarations(ast.Targets):
        found = departments.get(decl.department.text)
        if found is not None and found.kind != "corporate":
            yield Diagnostic("E501", f"`{found.name.text}` is a {found.kind} department, not a corporate one",
                             decl.department.span,
                             help="target clients are screened by the corporate departments (art. 7): "
                                  f"{listing(ctx.symbols.of_kind('corporate'))}")


def effective_period(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E506: a branch's rules apply within the period of the measure they implement."""
    if ctx.rules is None:
        return
    setting = next((s for s in settings(ctx.rules.header.items) if s.key == "effective"), None)
    if setting is None:
        return
    start, end = setting.values
    bounds = _measure_period(ctx)
    if start > end:
        yield Diagnostic("E506", f"the effective period ends ({end}) before it starts ({start})", setting.span,
                         help="write `effective FROM to TO` with FROM on or before TO")
    elif bounds is not None and not (bounds[0] <= start and end <= bounds[1]):
        yield Diagnostic("E506", f"the effective period {start} to {end} is not inside the measure's "
                                 f"{bounds[0]} to {bounds[1]}", setting.span,
                         help="rules implement the measure only while it is in force")


def _measure_period(ctx: CheckContext) -> tuple[date, date] | None:
    """The measure's `effective` period; else its version read as a year, when it is one."""
    found = next((s for s in settings(ctx.measure.header.items) if s.key == "effective"), None)
    if found is not None:
        return found.values[0], found.values[1]
    version = ctx.measure.header.version
    if re.fullmatch(r"\d{4}", version) and version != "0000":
        return date(int(version), 1, 1), date(int(version), 12, 31)
    return None


def _uses_target(gate: ast.Gate) -> bool:
    return any(isinstance(node, ast.Field) and (node.scope, node.name) == ("product", "target")
               for place in gate_places(gate) for node in ast.walk(place.expr))


def gate_targets(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E507: a product a gate is for, or any product a product gate compares with its target, needs one."""
    products = ctx.symbols.products
    for gate in ctx.symbols.gates.values():
        if gate.product is not None:
            needed = [gate.product.text]
        elif gate.scope == "product" and _uses_target(gate):
            needed = list(products)
        else:
            continue
        for name in needed:
            product = products.get(name)
            if product is not None and not any(isinstance(i, ast.Setting) and i.key == "target"
                                               for i in product.items):
                yield Diagnostic("E507", f"product `{name}` has no `target`, but gate `{gate.name.text}` needs one",
                                 product.name.span, help=f"add `target …` to `{name}` (art. 18); the gate is at "
                                                         f"{gate.span.file} line {gate.span.line}")


def product_points(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E508: a configured product that earns no points is a mistake, not a choice."""
    for product in ctx.symbols.products.values():
        if not any(isinstance(item, ast.Points) for item in product.items):
            yield Diagnostic("E508", f"product `{product.name.text}` has no `points` line", product.name.span,
                             help="add `points N per unit` or `points EXPRESSION per deal` (art. 19)")
