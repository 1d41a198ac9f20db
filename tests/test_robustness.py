"""What fuzzing found, kept fixed: expressions that overflow or round past what an amount holds, and the
checks that refuse constants no bank counts. (The fuzzers themselves are in `tests/test_fuzz.py`.)"""

from __future__ import annotations

from decimal import Decimal

from crossmarket_dsl.language.diagnostics import plain_number
from crossmarket_dsl.semantics.expr import evaluate_constant


def const(tree: dict):
    return evaluate_constant(tree, {})


def test_rounding_past_the_digits_an_amount_holds_has_no_value():
    assert const({"call": "round", "args": [{"lit": Decimal("12.5")}, {"lit": Decimal(30)}]}) is None
    assert const({"call": "round", "args": [{"lit": Decimal("12.5")}, {"lit": Decimal(0)}]}) == Decimal(13)


def test_a_product_past_the_largest_decimal_is_infinite_with_its_sign():
    huge = {"lit": Decimal("1E+600000")}
    assert const({"op": "*", "args": [huge, huge]}) == Decimal("Infinity")
    negative = {"op": "-", "args": [{"lit": Decimal(0)}, huge]}
    assert const({"op": "*", "args": [huge, negative]}) == Decimal("-Infinity")
    infinite = {"op": "*", "args": [huge, huge]}
    assert const({"op": "-", "args": [infinite, infinite]}) is None


def test_numbers_in_messages_keep_every_digit():
    assert plain_number(Decimal("999999999999999999999999999900")) == "999999999999999999999999999900"
    assert plain_number(Decimal("2E+2")) == "200"
    assert plain_number(Decimal("0.850")) == "0.85"


def test_a_boolean_cell_and_a_number_cell_are_never_one_key(tmp_path):
    """`True == 1` in Python: as keys of remembered points they were one, and row order decided both."""
    from crossmarket_dsl.io.tables import read_table
    path = tmp_path / "deals.jsonl"
    path.write_text('{"deal_id": "D1", "amount": 1}\n{"deal_id": "D2", "amount": true}\n'
                    '{"deal_id": "D3", "amount": false}\n', encoding="utf-8")
    cells = [row["amount"] for row in read_table(str(path)).rows]
    assert cells == [1, "true", "false"]
    assert len({(cell,) for cell in cells}) == 3
