"""IR expression trees → Python closures. What each operator and function does is in `operations.py`,
named by `vocabulary.py`; this module only wires an expression's parts together.

Compiling once and calling the closure per deal keeps the row loop cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Callable

from .operations import truth
from .values import to_number
from .vocabulary import FUNCTIONS, OPERATORS, call_problem

Fn = Callable[["Env"], Any]


@dataclass
class Env:
    """What an expression can see: the rows of the current deal and, in a gate, its group."""

    deal: dict = field(default_factory=dict)
    client: dict = field(default_factory=dict)
    project: dict = field(default_factory=dict)
    product: dict = field(default_factory=dict)
    department: dict = field(default_factory=dict)
    outlet: dict = field(default_factory=dict)
    group: list = field(default_factory=list)  # a gate's group: its deals (`deals.Deal`)


EMPTY = Env()


class ExprError(ValueError):
    """An IR expression the compiler does not know (the checks should have caught it)."""


def compile_expr(tree: dict, constants: dict[str, Any]) -> Fn:
    """Compile an IR expression; `constants` holds the values of parameters and lets by name."""
    if "lit" in tree:
        value = tree["lit"]
        return lambda env: value
    if "date" in tree:
        value = date.fromisoformat(tree["date"]) if isinstance(tree["date"], str) else tree["date"]
        return lambda env: value
    if "list" in tree:
        items = [compile_expr(item, constants) for item in tree["list"]]
        return lambda env: [item(env) for item in items]
    if "param" in tree or "let" in tree:
        name = tree.get("param", tree.get("let"))
        value = constants.get(name)
        return lambda env: value
    if "field" in tree:
        return _field(*tree["field"])
    if "if" in tree:
        return _conditional(*(compile_expr(tree[k], constants) for k in ("if", "then", "else")))
    if "op" in tree:
        return _operator(tree["op"], [compile_expr(arg, constants) for arg in tree["args"]])
    if "call" in tree:
        return _call(tree["call"], tree["args"], constants)
    raise ExprError(f"unknown expression node {sorted(tree)}")


def evaluate_constant(tree: dict, constants: dict[str, Any]) -> Any:
    return compile_expr(tree, constants)(EMPTY)


def _field(scope: str, name: str) -> Fn:
    if scope == "deal":
        return lambda env: _blank_to_none(env.deal.get(name))
    return lambda env: _blank_to_none(getattr(env, scope).get(name))


def _blank_to_none(value):
    return None if value == "" else value


def _conditional(condition: Fn, then: Fn, otherwise: Fn) -> Fn:
    def run(env):
        decided = truth(condition(env))
        if decided is None:
            return None
        return then(env) if decided else otherwise(env)

    return run


# ---- operators, calls and aggregates --------------------------------------------------------------


def _operator(op: str, args: list[Fn]) -> Fn:
    operator = OPERATORS.get(op)
    if operator is None or operator.arity != len(args):
        raise ExprError(f"unknown operator `{op}` with {len(args)} operands")
    apply = operator.apply
    if operator.arity == 1:
        (inner,) = args
        return lambda env: apply(inner(env))
    left, right = args
    if operator.lazy:
        return lambda env: apply(left(env), lambda: right(env))
    return lambda env: apply(left(env), right(env))


def _member_values(group: list, name: str) -> list:
    """`deal.<name>` of each deal of a group, read by the deals' class (`deals.Deal.values`) as a column
    of cells, rather than as a row per deal."""
    return list(type(group[0]).values(group, name)) if group else []


def households(env: Env) -> tuple[Decimal | None, str]:
    """A housing project's mortgage households (art. 20) and where the figure comes from: the projects
    table's `our_mortgages` (本行按揭户数, from the loan system) when it gives one, else the quantities of
    the group's accepted mortgages — households, not ledger rows."""
    given = env.project.get("our_mortgages")
    if given is not None and given != "":
        return to_number(given), "our_mortgages"
    return FUNCTIONS["households"].apply(_member_values(env.group, "quantity")), "ledger"


def _call(name: str, arg_trees: list[dict], constants) -> Fn:
    problem = call_problem(name, len(arg_trees))
    if problem is not None:
        raise ExprError(problem)
    function = FUNCTIONS[name]
    args = [compile_expr(arg, constants) for arg in arg_trees]
    apply = function.apply
    if not function.aggregate:
        return lambda env: apply(*(arg(env) for arg in args))
    if name == "households":
        return lambda env: households(env)[0]
    if not args:  # `count()`: the group itself
        return lambda env: apply(env.group)
    (inner,) = args
    if "field" in arg_trees[0] and arg_trees[0]["field"][0] == "deal":  # `sum(deal.x)`: read it directly
        field_name = arg_trees[0]["field"][1]  # (an empty cell is null to `numbers` too)
        return lambda env: apply(_member_values(env.group, field_name))
    return lambda env: apply([inner(member_env) for member_env in env.group])
