"""Key-project awards and year-start targets (art. 4, 17): awards and objectives belong to the departments that
market (E520), their amounts are sensible (E521), and an objective whose completion is judged has a target
(E522)."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from .. import ast
from ..diagnostics import Diagnostic, percent, plain_number
from .context import CheckContext, head, is_number, listing

SUPPORT_HELP = ("support departments do not market (art. 16, 17): awards, deductions and rewards go to the "
                "departments that take part in cross-selling")


def support_departments(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E520: an award to, or an objective for, a support department (人力资源部 keeps the score, it earns none)."""
    departments = ctx.symbols.departments
    marketing = [name for name, decl in departments.items() if decl.kind != "support"]
    idents = [(item.department, "an award") for _, award in ctx.declarations(ast.Award) for item in award.items
              if isinstance(item, ast.AwardTo)]
    idents += [(objective.department, "an objective") for _, objective in ctx.declarations(ast.Objective)]
    for ident, what in idents:
        found = departments.get(ident.text)
        if found is not None and found.kind == "support":
            yield Diagnostic("E520", f"{what} for `{ident.text}`, a support department", ident.span,
                             help=f"{SUPPORT_HELP}: {listing(marketing)}")


MAX_AWARD = Decimal(10) ** 9  # beyond any year's points: a typo (`300万` for 300), not an award


def amounts(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E521: award points, targets and amounts above zero and below a billion; thresholds not negative;
    a share of the department's points at most 100%."""
    ir = ctx.lowered.ir
    for i, award in enumerate(ir.get("awards", [])):
        for j, line in enumerate(award["to"]):
            yield from _positive(ctx, f"/awards/{i}/to/{j}/points", line["points"],
                                 f"award `{award['name']}` for `{line['department']}`")
    for i, objective in enumerate(ir.get("objectives", [])):
        name = objective["department"]
        yield from _positive(ctx, f"/objectives/{i}/target", objective["target"], f"the target of `{name}`")
        for k, tier in enumerate(objective["tiers"]):
            at = f"/objectives/{i}/tiers/{k}"
            threshold, amount = tier["threshold"], tier["amount"]
            span = ctx.lowered.source_map.get(f"{at}/threshold")
            if is_number(threshold) and threshold < 0 and span is not None:
                yield Diagnostic("E521", f"the completion threshold {percent(threshold)} of `{name}` is below zero",
                                 span, help="completion is the department's points over its target: write "
                                            "a threshold such as `60%` or `120%`")
            what = f"the {WORDS[tier['kind']]} in the objective of `{name}`"
            if tier["of_points"]:
                yield from _share(ctx, f"{at}/amount", amount, what)
            else:
                yield from _positive(ctx, f"{at}/amount", amount, what)


WORDS = {"deduct": "deduction", "award": "special award"}


def _positive(ctx: CheckContext, pointer: str, value, what: str) -> Iterator[Diagnostic]:
    span = ctx.lowered.source_map.get(pointer)
    if not is_number(value) or span is None:
        return
    if value <= 0:
        yield Diagnostic("E521", f"{what} is {plain_number(value)} points, it must be above zero", span,
                         help="write the points as a positive number: `deduct` and `award` say which way they go")
    elif value >= MAX_AWARD:
        yield Diagnostic("E521", f"{what} is {plain_number(value)} points, more than any year's points", span,
                         help="write the points themselves, e.g. `300`")


def _share(ctx: CheckContext, pointer: str, value, what: str) -> Iterator[Diagnostic]:
    span = ctx.lowered.source_map.get(pointer)
    if is_number(value) and span is not None and not 0 < value <= 1:
        yield Diagnostic("E521", f"{what} is {percent(value)} of the points, outside 0–100%", span,
                         help="`… of points` takes a share of the department's points: write it above 0% and "
                              "at most 100%")


def targets_present(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E522: completion is the department's points over its target; without a target there is nothing to judge."""
    for _, objective in ctx.declarations(ast.Objective):
        keys = [item.key for item in objective.items if isinstance(item, ast.Setting)]
        if "target" not in keys:
            yield Diagnostic("E522", f"the objective of `{objective.department.text}` has no `target`",
                             head(objective.span, len("objective")),
                             help="add the year-start target in points, e.g. `target 800` (art. 17)")
