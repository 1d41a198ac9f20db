"""E515: values still to decide. `crossmarket init` marks each value the branch must decide with `待定`
(to decide), in a comment beside a working default or as the value itself (`set x = 待定`). Until every
one is decided and the mark removed, the rules are not finished: `check` names each line, and filing
refuses them."""

from __future__ import annotations

from typing import Iterator

from .. import ast
from ..diagnostics import Diagnostic
from .context import CheckContext

PLACEHOLDER = "待定"


def placeholders(ctx: CheckContext) -> Iterator[Diagnostic]:
    if ctx.rules is None:
        return
    for comment in ctx.rules.comments:
        if PLACEHOLDER in comment.text:
            yield _diagnostic(comment.text.lstrip("# ").strip(), comment.span)
    for node in ctx.nodes:
        if type(node) is ast.Name and node.name == PLACEHOLDER and node.span.file == ctx.rules.span.file:
            yield _diagnostic(PLACEHOLDER, node.span)


def _diagnostic(text: str, span) -> Diagnostic:
    return Diagnostic("E515", f"a value is still to decide (`{text}`)", span,
                      help="decide the value, then delete `待定` from the line; `init` left it here")
