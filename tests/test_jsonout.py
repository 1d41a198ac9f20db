"""Exact JSON (`io/jsonout.py`): the same bytes `json` writes with `ensure_ascii=False, indent=2`, every
`Decimal` written with exactly its digits and every date as its ISO text, whatever the document holds."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from crossmarket_dsl.io.jsonout import dumps, loads

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("\x00\x1b\u2028\u202e\"\\\n"))
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | TEXT
KEYS = TEXT | st.integers() | st.booleans() | st.none()


def documents(scalars, keys=KEYS):
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
                        | st.dictionaries(keys, inner, max_size=4), max_leaves=25)


def unmarked(value) -> bool:
    return not isinstance(value, str) or "exact" not in value


@settings(max_examples=150)
@given(documents(SCALARS))
def test_a_plain_document_is_written_as_json_writes_it(document):
    assert dumps(document) == json.dumps(document, ensure_ascii=False, indent=2)


EXACT = st.decimals(allow_nan=False, allow_infinity=False) | st.dates()


@settings(max_examples=150)
@given(documents(SCALARS.filter(unmarked) | EXACT, KEYS.filter(unmarked)))
def test_decimals_and_dates_are_written_exactly_where_json_would_write_anything_else(document):
    exact: list[str] = []

    def marked(value):
        """Each decimal or date replaced by a text that marks its place; its exact text kept aside."""
        if isinstance(value, (Decimal, date)):
            exact.append(format(value, "f") if isinstance(value, Decimal) else json.dumps(value.isoformat()))
            return f"exact{len(exact) - 1}"
        if isinstance(value, dict):
            return {key: marked(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [marked(item) for item in value]
        return value

    expected = json.dumps(marked(document), ensure_ascii=False, indent=2)
    for index in reversed(range(len(exact))):  # exact10 before exact1
        expected = expected.replace(f'"exact{index}"', exact[index])
    assert dumps(document) == expected


def test_a_decimal_keeps_its_digits_and_never_turns_into_a_float():
    text = dumps({"pool": Decimal("2E+6"), "ratio": Decimal("0.850"), "cent": Decimal("0.1") + Decimal("0.2"),
                  "on": date(2026, 3, 1), "none": [], "empty": {}})
    assert text == ('{\n  "pool": 2000000,\n  "ratio": 0.850,\n  "cent": 0.3,\n  "on": "2026-03-01",\n'
                    '  "none": [],\n  "empty": {}\n}')
    assert loads(text)["ratio"] == Decimal("0.850")
