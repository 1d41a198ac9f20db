"""E301: obvious type errors, and expressions of the wrong type for their place. What each operator and
function needs and gives comes from the vocabulary."""

from __future__ import annotations

from typing import Callable, Iterator

from ...semantics.vocabulary import BOOL, DATE, FUNCTIONS, LIST, NUMBER, OPERATORS, ORDERED, TEXT, Operator
from .. import ast
from ..diagnostics import Diagnostic
from .context import CheckContext

LITERAL_TYPES = {ast.Number: NUMBER, ast.String: TEXT, ast.Bool: BOOL, ast.DateLit: DATE, ast.ListLit: LIST}
UNORDERED = (BOOL, LIST)


def type_errors(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E301: obvious type errors, and expressions of the wrong type for their place."""
    names = name_types(ctx)
    for place in ctx.places:
        found: list[Diagnostic] = []
        kind = infer(place.expr, names, found)
        yield from found
        if place.expect is not None and kind not in (place.expect, None):
            yield Diagnostic("E301", f"{place.role} must be {place.expect}, not {kind}", place.expr.span,
                             help=_expect_help(place.expect))


def name_types(ctx: CheckContext) -> dict[str, str | None]:
    """The type of each parameter and `let`, inferred from its value (unknown for forward references)."""
    types: dict[str, str | None] = {}
    for name, decl in ctx.symbols.values.items():
        types.setdefault(name, None)
        types[name] = infer(decl.value, types, [])
    return types


def _expect_help(expected: str) -> str:
    if expected == BOOL:
        return "write a condition such as `client.rating in [\"AAA\", \"AA\"]` or `deal.amount > 0`"
    return "write a number, a parameter or a number field such as `deal.amount`"


def fold(expr: ast.Expr, combine: Callable[[ast.Expr, list], object]):
    """Post-order fold of an expression without recursion (deep expressions must not crash)."""
    done: dict[int, object] = {}
    stack: list[tuple[ast.Expr, tuple | None]] = [(expr, None)]
    while stack:
        node, children = stack.pop()
        if children is None:  # first visit: its children are folded first
            children = ast.children(node)
            if not children:  # a leaf, most nodes: folded at once, in the same order
                done[id(node)] = combine(node, [])
                continue
            stack.append((node, children))
            stack.extend((child, None) for child in children)
        else:
            done[id(node)] = combine(node, [done.pop(id(child)) for child in children])
    return done[id(expr)]


def infer(expr: ast.Expr, names: dict[str, str | None], found: list[Diagnostic]) -> str | None:
    """The type of an expression (None: unknown, e.g. a field or null); type errors go to `found`.

    A node whose operands are wrong is given type None, so one mistake is reported once.
    """

    def problem(node, message, help_text=None):
        found.append(Diagnostic("E301", message, node.span, help=help_text))
        return None

    def combine(node, types):
        if type(node) in LITERAL_TYPES:
            return LITERAL_TYPES[type(node)]
        if isinstance(node, ast.Name):
            return names.get(node.name)
        if isinstance(node, ast.Unary):
            return _unary(node, OPERATORS[node.op], types[0], problem)
        if isinstance(node, ast.Binary):
            return _binary(node, OPERATORS[node.op], *types, problem)
        if isinstance(node, ast.IfExpr):
            if types[0] not in (BOOL, None):
                return problem(node.condition, f"the condition of `if` is {types[0]}, not {BOOL}",
                               "write a condition after `if`, e.g. `if deal.amount > 1万 then 2 else 1`")
            return types[1] if types[1] == types[2] else None
        if isinstance(node, ast.Call):
            return _call(node, types, problem)
        return None  # fields and null

    return fold(expr, combine)


def _unary(node: ast.Unary, operator: Operator, operand, problem):
    (wanted,) = operator.operands
    if operand not in (wanted, None):
        return problem(node.operand, f"`{operator.written}` needs {wanted}, not {operand}", operator.help)
    return operator.result


def _binary(node: ast.Binary, operator: Operator, left, right, problem):
    written, (wanted, wanted_right) = operator.written, operator.operands
    if wanted in (NUMBER, BOOL):  # arithmetic and logic: one type on both sides
        for side, kind in ((node.left, left), (node.right, right)):
            if kind not in (wanted, None):
                return problem(side, f"`{written}` needs {wanted} on both sides, not {kind}", operator.help)
        return operator.result
    if wanted_right == LIST:  # membership
        if right not in (LIST, None):
            return problem(node.right, f"`{written}` needs a list on its right, not {right}", operator.help)
        return operator.result
    if left is not None and right is not None and left != right:
        return problem(node, f"`{written}` compares {left} with {right}", operator.help)
    if wanted == ORDERED and (left or right) in UNORDERED:
        return problem(node, f"`{written}` cannot order {left or right}", "only numbers, texts and dates have an order")
    return operator.result


def _call(node: ast.Call, types, problem):
    function = FUNCTIONS.get(node.function)
    if function is None:
        return None  # E202
    for arg, kind in zip(node.args, types):
        if kind not in (function.operand, None):
            return problem(arg, f"`{node.function}` needs {function.operand}, not {kind}", function.usage)
    return function.result
