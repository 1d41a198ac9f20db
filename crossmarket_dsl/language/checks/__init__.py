"""Static checks of SPEC §3.6: what can be said about measure + rules before any data is read.

Each check is a small function `(ctx) -> Iterable[Diagnostic]` in `PASSES`, one module a concern. They read
the AST (which carries the spans) through one symbol table built once per context (`context.py`), and read
the lowered IR only where a value is known after `set` (shares, pool, rounding). Calls are checked against the
vocabulary before anything is evaluated: lowering folds no call that `calls.py` reports. Codes are stable
(tools, tests and users' notes match on them) and listed in the registry, `core/codes.py`.
"""

from __future__ import annotations

from typing import Callable, Iterable

from ..diagnostics import Diagnostic
from . import adjustments, amounts, calls, cites, declarations, names, placeholders, policy, scopes, types, unused
from .context import CheckContext
from .declarations import missing_header_lines

PASSES: list[Callable[[CheckContext], Iterable[Diagnostic]]] = [
    calls.unknown_functions, calls.arity,
    names.unknown_names, names.unknown_departments, names.unknown_gate_products, names.unknown_sets,
    names.unknown_products, cites.unknown_articles,
    declarations.duplicates, declarations.redefinitions, declarations.misplaced, declarations.rules_split,
    declarations.header_lines,
    types.type_errors,
    scopes.field_scopes,
    policy.non_corporate_targets, policy.effective_period, policy.gate_targets, policy.product_points,
    amounts.shares_add_up, amounts.shares_in_range, amounts.positive_amounts, amounts.pool_in_units,
    amounts.constants_in_range, amounts.numbers_known,
    adjustments.support_departments, adjustments.amounts, adjustments.targets_present,
    unused.unused_lets,
    placeholders.placeholders,
]

__all__ = ["CheckContext", "PASSES", "missing_header_lines", "run_checks"]


def run_checks(ctx: CheckContext) -> list[Diagnostic]:
    return sorted((d for check in PASSES for d in check(ctx)), key=Diagnostic.sort_key)
