"""W201: what a branch declares and nothing uses."""

from __future__ import annotations

from typing import Iterator

from .. import ast
from ..diagnostics import WARNING, Diagnostic
from .context import CheckContext


def unused_lets(ctx: CheckContext) -> Iterator[Diagnostic]:
    """W201: a branch's `let` nothing uses (the measure's lets are offered to every branch)."""
    if ctx.rules is None:
        return
    used = {node.name for node in ctx.nodes if type(node) is ast.Name}
    for decl in ctx.rules.declarations:
        if isinstance(decl, ast.Binding) and decl.keyword == "let" and decl.name.text not in used:
            yield Diagnostic("W201", f"`{decl.name.text}` is never used", decl.name.span,
                             help="remove it, or use it in an expression", severity=WARNING)
