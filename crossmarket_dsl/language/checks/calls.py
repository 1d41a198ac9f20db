"""Calls checked against the vocabulary before anything is evaluated: unknown functions (E202) and
functions called with the wrong number of arguments (E302). Lowering folds no call these passes would
report (`lower.Lowerer.constant`)."""

from __future__ import annotations

from typing import Iterator

from ...semantics.vocabulary import FUNCTIONS, call_problem
from .. import ast
from ..diagnostics import Diagnostic
from .context import CheckContext, did_you_mean, head, listing


def _calls(ctx: CheckContext) -> Iterator[ast.Call]:
    return (node for node in ctx.nodes if type(node) is ast.Call)


def unknown_functions(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E202: a function the language does not have."""
    for node in _calls(ctx):
        if node.function not in FUNCTIONS:
            yield Diagnostic("E202", f"unknown function `{node.function}`", head(node.span, len(node.function)),
                             help=did_you_mean(node.function, FUNCTIONS, f"functions: {listing(FUNCTIONS)}"))


def arity(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E302: functions called with too few or too many arguments."""
    for node in _calls(ctx):
        problem = call_problem(node.function, len(node.args))
        if problem is not None and node.function in FUNCTIONS:
            yield Diagnostic("E302", problem, node.span, help=FUNCTIONS[node.function].usage)
