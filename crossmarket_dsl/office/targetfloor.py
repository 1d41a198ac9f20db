"""Art. 18's floor on a product's target: at least `target_ratio` (10%, or the branch's higher figure) of
the product line's indicator for next year.

A target written `target_ratio * product.indicator` keeps the floor by construction. A literal target
(`target 120`) can only be held to it where the indicators are known: in a workspace's `indicators` table.
With a workspace, `check` warns (W202) and filing refuses (E412) a literal target below the floor, at the
target's line. The comparison is exact: the indicator is read as every table cell is (`1.5万`, `2亿`).
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from pathlib import Path

from ..engine.inputs import indicators_by_product, needs, read_tables
from ..engine.plan import build_plan
from ..io.workspace import TABLE_ROLES, load_workspace
from ..language.diagnostics import ERROR, WARNING, Diagnostic, percent, plain_number
from ..language.pipeline import Compiled

ARTICLE = "art. 18 (第十八条)"
# Only the indicators table is read: the workspace's rules, measure and other tables are not this check's.
_NOT_READ = frozenset({"rules", "measure", "schema"} | {f"tables.{role}" for role in TABLE_ROLES if role != "indicators"})


def workspace_indicators(workspace_path: str | Path, compiled: Compiled) -> tuple[dict[str, Decimal | None], str]:
    """The indicator of each product the workspace's `indicators` table gives, and the table's file; no
    table, no indicators."""
    workspace = load_workspace(workspace_path, _NOT_READ)
    path = workspace.tables.get("indicators")
    if path is None:
        return {}, ""
    table = read_tables({"indicators": path}, workspace.encoding, workspace.columns)["indicators"]
    plan = build_plan(compiled.ir)
    problem = table.missing_columns(needs(plan, {"indicators": table})["indicators"].columns)
    if problem is not None:
        raise problem
    return indicators_by_product(table, plan), Path(path.split("#")[0]).name


def below_floor(compiled: Compiled, indicators: dict[str, Decimal | None], table: str,
                filing: bool = False) -> list[Diagnostic]:
    """W202 (E412 when `filing`) for each literal target below `target_ratio` × its product's indicator."""
    ratio = compiled.ir["params"]["target_ratio"]["value"]
    found = []
    for index, product in enumerate(compiled.ir["products"]):
        target, indicator = product.get("target_value"), indicators.get(product["name"])
        if target is None or indicator is None or ratio is None:
            continue  # a target that reads the indicator, or an indicator the table leaves empty
        floor = exact_product(ratio, indicator)
        if target < floor:
            span = compiled.lowered.source_map.get(f"/products/{index}/target") or compiled.program.header.span
            found.append(_diagnostic(product["name"], target, ratio, indicator, floor, table, span, filing))
    return found


def exact_product(a: Decimal, b: Decimal) -> Decimal:
    """`a × b` with every digit: the product of two decimals has at most as many digits as both together."""
    with localcontext() as context:
        context.prec = len(a.as_tuple().digits) + len(b.as_tuple().digits)
        return a * b


def _diagnostic(name: str, target: Decimal, ratio: Decimal, indicator: Decimal, floor: Decimal, table: str,
                span, filing: bool) -> Diagnostic:
    minimum = plain_number(floor)
    message = (f"the target of `{name}` is {plain_number(target)}, below {percent(ratio)} (`target_ratio`) of its "
               f"indicator {plain_number(indicator)} in `{table}`: at least {minimum}")
    advice = (f"{ARTICLE} sets a product's target at no less than `target_ratio` of the product line's indicator; "
              f"raise the target to {minimum} or more, or write `target target_ratio * product.indicator`")
    if filing:
        return Diagnostic("E412", message, span, help=f"{advice}; head office does not accept the filing below it",
                          severity=ERROR)
    return Diagnostic("W202", message, span, help=advice, severity=WARNING)
