"""The vocabulary is the one table of operators and functions: the parser, `fmt`, the checks and the
evaluator all agree with it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crossmarket_dsl.language.fmt import expression
from crossmarket_dsl.language.lower import lower
from crossmarket_dsl.language.grammar import lark_parser
from crossmarket_dsl.language.parser import parse
from crossmarket_dsl.language.source import SourceFile
from crossmarket_dsl.semantics.expr import ExprError, compile_expr, evaluate_constant
from crossmarket_dsl.semantics.vocabulary import BOOL, FUNCTIONS, NUMBER, OPERATORS, call_problem

OPERANDS = {NUMBER: "6", BOOL: "true"}


def constant(text: str):
    program = parse(SourceFile("v.xm", f'measure "m" version "1" {{ }}\nparam x = {text}\n'))
    return program.declarations[0].value, lower(program).ir["params"]["x"]["value"]


def _written(name: str) -> str:
    operator = OPERATORS[name]
    values = [OPERANDS.get(kind, "[6]" if i else "6") for i, kind in enumerate(operator.operands)]
    if operator.arity == 1:
        return operator.prefix(values[0])
    return f"{values[0]} {operator.written} {values[1]}"


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_each_operator_reads_prints_and_evaluates_as_the_table_says(name):
    operator = OPERATORS[name]
    text = _written(name)
    tree, value = constant(text)
    assert tree.op == name
    assert expression(tree) == text
    assert operator.terminal in {terminal.name for terminal in lark_parser().terminals}
    assert isinstance(value, bool if operator.result == BOOL else Decimal)


@pytest.mark.parametrize("text, value", [
    ("7 - 2 * 3", Decimal(1)), ("-(1 + 2)", Decimal(-3)), ("not 1 > 2 and true", True),
    ("1 / 0", None), ('"AA" in ["AAA", "AA"]', True), ('"B" not in ["AAA"]', True),
    ("min(3, 1, 2)", Decimal(1)), ("max(3, 1)", Decimal(3)), ("round(2.345, 2)", Decimal("2.35")),
    ("abs(-2)", Decimal(2)), ("round(3.5, 100)", None),
])
def test_constants_fold_with_the_table_s_implementations(text, value):
    assert constant(text)[1] == value


@pytest.mark.parametrize("call", ["mn(20, 30)", "abs(20, 30)", "sum()", "max()", "round(3.5)", "count(1)"])
def test_a_call_the_vocabulary_refuses_is_not_folded_and_not_compiled(call):
    tree, value = constant(call)
    assert value is None
    assert call_problem(tree.function, len(tree.args)) is not None
    with pytest.raises(ExprError):
        compile_expr({"call": tree.function, "args": [{"lit": Decimal(1)}] * len(tree.args)}, {})


def test_aggregates_are_the_functions_over_a_group():
    assert {name for name, f in FUNCTIONS.items() if f.aggregate} == {"count", "sum", "average", "minimum",
                                                                       "maximum", "households"}
    assert evaluate_constant({"call": "count", "args": []}, {}) == 0
