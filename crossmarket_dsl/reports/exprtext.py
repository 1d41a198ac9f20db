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

PRECEDENCE = {"or": 1, "and": 2, "not": 3, "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4, "in": 4,
              "not_in": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}
SYMBOLS = {"not_in": "not in", "*": "×", "/": "÷"}


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
    return _text(tree, env, constants or {}, 0)


def _text(tree, env, constants, outer: int) -> str:
    if env is not None and ("field" in tree or "param" in tree or "let" in tree or
                            ("call" in tree and tree["call"] in ("count", "sum", "average", "minimum", "maximum"))):
        return cell_text(compile_expr(tree, constants)(env))
    if "lit" in tree:
        return value_text(tree["lit"])
    if "date" in tree:
        return str(tree["date"])
    if "list" in tree:
        return "[" + ", ".join(_text(item, env, constants, 0) for item in tree["list"]) + "]"
    if "param" in tree or "let" in tree:
        return tree.get("param", tree.get("let"))
    if "field" in tree:
        return ".".join(tree["field"])
    if "call" in tree:
        return f"{tree['call']}(" + ", ".join(_text(a, None, constants, 0) if tree["call"] in
                                              ("sum", "average", "minimum", "maximum") else
                                              _text(a, env, constants, 0) for a in tree["args"]) + ")"
    if "if" in tree:
        text = (f"if {_text(tree['if'], env, constants, 0)} then {_text(tree['then'], env, constants, 0)} "
                f"else {_text(tree['else'], env, constants, 0)}")
        return f"({text})" if outer else text
    op = tree["op"]
    level = PRECEDENCE[op]
    if op in ("not", "neg"):
        operand = _text(tree["args"][0], env, constants, level)
        text = f"not {operand}" if op == "not" else f"-{operand}"
    else:
        left = _text(tree["args"][0], env, constants, level)
        right = _text(tree["args"][1], env, constants, level + 1)
        text = f"{left} {SYMBOLS.get(op, op)} {right}"
    return f"({text})" if level < outer else text
