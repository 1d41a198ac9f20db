"""IR expressions back to text, as written and with their values substituted (for `explain`).

`count() >= mortgage_exclusive * project.total_mortgages` becomes `8 >= 0.85 × 10`: the reader sees
both the rule and the figures that decided it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ..language.literals import string_literal
from ..semantics.expr import compile_expr
from ..semantics.values import to_number
from ..semantics.vocabulary import IF, OPERATORS, is_aggregate


def value_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
        if "." in text and len(text.split(".")[1]) > 6:
            text = format(value.quantize(Decimal("0.000001")), "f").rstrip("0")
        return text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    return string_literal(str(value))


def cell_text(value: Any) -> str:
    """A value read from a table: numbers shown as numbers (`40`, not `"40"`), other text quoted."""
    if isinstance(value, str):
        number = to_number(value)
        if number is not None:
            return value_text(number)
    return value_text(value)


def expr_text(tree: dict, env=None, constants: dict | None = None) -> str:
    """The expression as written; with `env`, names, fields and aggregates replaced by their values."""
    return _text(tree, env, constants or {}, IF)


def _text(tree, env, constants, slot: int) -> str:
    """`slot`: the binding strength the place of this expression needs (looser is put in parentheses)."""
    if env is not None and ("field" in tree or "param" in tree or "let" in tree or
                            ("call" in tree and is_aggregate(tree["call"]))):
        return cell_text(compile_expr(tree, constants)(env))
    if "lit" in tree:
        return value_text(tree["lit"])
    if "date" in tree:
        return str(tree["date"])
    if "list" in tree:
        return "[" + ", ".join(_text(item, env, constants, IF) for item in tree["list"]) + "]"
    if "param" in tree or "let" in tree:
        return tree.get("param", tree.get("let"))
    if "field" in tree:
        return ".".join(tree["field"])
    if "call" in tree:
        inner = None if is_aggregate(tree["call"]) else env  # an aggregate's argument is each deal's
        return f"{tree['call']}(" + ", ".join(_text(a, inner, constants, IF) for a in tree["args"]) + ")"
    if "if" in tree:
        text = (f"if {_text(tree['if'], env, constants, IF)} then {_text(tree['then'], env, constants, IF)} "
                f"else {_text(tree['else'], env, constants, IF)}")
        return f"({text})" if slot > IF else text
    operator = OPERATORS[tree["op"]]
    parts = [_text(arg, env, constants, part_slot) for arg, part_slot in zip(tree["args"], operator.slots())]
    if operator.arity == 1:
        text = operator.prefix(parts[0])
    else:
        text = f"{parts[0]} {operator.shown or operator.written} {parts[1]}"
    return f"({text})" if operator.level < slot else text
