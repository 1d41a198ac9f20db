"""IR expression trees → Python closures, with the null semantics of SPEC §3.5.

Table cells are text until an operator needs a number, date or boolean. Anything that cannot be
converted, a missing cell or a division by zero is `None` (null); a comparison with null is false;
`and`/`or`/`not` use three-valued logic so that a null `require` fails closed.
Compiling once and calling the closure per deal keeps the row loop cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Callable

from .values import to_bool, to_date, to_number

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


# ---- operators ---------------------------------------------------------------------------------


def truth(value) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    return to_bool(value)


def number(value) -> Decimal | None:
    """`to_number`, short-cut for values that are already exact numbers (results of arithmetic)."""
    return value if type(value) is Decimal else to_number(value)


def _arith(op: str) -> Callable[[Any, Any], Any]:
    def run(a, b):
        a, b = number(a), number(b)
        if a is None or b is None:
            return None
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            return None
        try:
            return a / b
        except InvalidOperation:
            return None

    return run


def coerce_pair(a, b):
    """Bring two values to one comparable type, or return None when that is impossible."""
    if a is None or b is None:
        return None
    for kind, convert in ((Decimal, to_number), (date, to_date), (bool, truth)):
        if isinstance(a, kind) or isinstance(b, kind):
            if kind is Decimal and (isinstance(a, bool) or isinstance(b, bool)):
                continue
            a2, b2 = convert(a), convert(b)
            return None if a2 is None or b2 is None else (a2, b2)
    return str(a).strip(), str(b).strip()


_COMPARE = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def compare(op: str, a, b) -> bool:
    pair = coerce_pair(a, b)
    if pair is None:
        return False
    try:
        return _COMPARE[op](*pair)
    except TypeError:
        return False


def member(a, items) -> bool | None:
    if a is None or not isinstance(items, list):
        return None
    return any(compare("==", a, item) for item in items)


def _operator(op: str, args: list[Fn]) -> Fn:
    if op == "not":
        (inner,) = args
        return lambda env: _not(truth(inner(env)))
    if op == "neg":
        (inner,) = args
        return lambda env: _negate(inner(env))
    left, right = args
    if op == "and":
        return lambda env: _and(truth(left(env)), lambda: truth(right(env)))
    if op == "or":
        return lambda env: _or(truth(left(env)), lambda: truth(right(env)))
    if op in _COMPARE:
        return lambda env: compare(op, left(env), right(env))
    if op == "in":
        return lambda env: member(left(env), right(env))
    if op == "not_in":
        return lambda env: _not(member(left(env), right(env)))
    if op in "+-*/":
        run = _arith(op)
        return lambda env: run(left(env), right(env))
    raise ExprError(f"unknown operator `{op}`")


def _not(value):
    return None if value is None else not value


def _negate(value):
    number = to_number(value)
    return None if number is None else -number


def _kleene(dominant: bool):
    """Three-valued `and` (dominant False) and `or` (dominant True): the dominant value decides even
    against null; otherwise a null operand makes the result null. The right side is evaluated lazily."""
    def combine(left, right):
        if left is dominant:
            return dominant
        other = right()
        if other is dominant:
            return dominant
        return None if left is None or other is None else not dominant
    return combine


_and, _or = _kleene(False), _kleene(True)


# ---- calls and aggregates ----------------------------------------------------------------------


def _numbers(values):
    if set(map(type, values)) <= {Decimal}:  # already numbers (`deal.quantity`, results): nothing to convert
        return values
    numbers = [v if type(v) is Decimal else to_number(v) for v in values]
    return None if None in numbers else numbers


def _round(value, places):
    number, digits = to_number(value), to_number(places)
    if number is None or digits is None or digits != digits.to_integral_value():
        return None
    return number.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)


def _abs(value):
    number = to_number(value)
    return None if number is None else abs(number)


SCALAR = {
    "min": lambda *xs: None if _numbers(xs) is None else min(_numbers(xs)),
    "max": lambda *xs: None if _numbers(xs) is None else max(_numbers(xs)),
    "round": _round,
    "abs": _abs,
}


def _sum(values):
    numbers = _numbers(values)
    return None if numbers is None else sum(numbers, Decimal(0))


AGGREGATE = {
    "sum": _sum,
    "average": lambda vs: None if not vs or _sum(vs) is None else _sum(vs) / len(vs),
    "minimum": lambda vs: None if not vs or _numbers(vs) is None else min(_numbers(vs)),
    "maximum": lambda vs: None if not vs or _numbers(vs) is None else max(_numbers(vs)),
}


def _member_values(group: list, name: str) -> list:
    """`deal.<name>` of each deal of a group, read by the deals' class (`deals.Deal.values`) as a column
    of cells, rather than as a row per deal."""
    return list(type(group[0]).values(group, name)) if group else []


def _call(name: str, arg_trees: list[dict], constants) -> Fn:
    args = [compile_expr(arg, constants) for arg in arg_trees]
    if name == "count":
        return lambda env: Decimal(len(env.group))
    if name in AGGREGATE:
        (inner,) = args
        combine = AGGREGATE[name]
        if "field" in arg_trees[0] and arg_trees[0]["field"][0] == "deal":  # `sum(deal.x)`: read it directly
            name = arg_trees[0]["field"][1]  # (an empty cell is null to `_numbers` too)
            return lambda env: combine(_member_values(env.group, name))
        return lambda env: combine([inner(member_env) for member_env in env.group])
    if name in SCALAR:
        function = SCALAR[name]
        return lambda env: function(*(arg(env) for arg in args))
    raise ExprError(f"unknown function `{name}`")
