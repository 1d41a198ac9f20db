"""The small validator of head office's bounds (`language/bounds.py`) and jsonschema, the reference, reach the
same verdict: on every sample's IR, on every diagnostic case's and on IRs mutated where head office's schema
looks. The shipped schemas are wholly within what the small validator implements, so `check` never needs
jsonschema for a file that keeps the bounds."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from crossmarket_dsl.language import pipeline
from crossmarket_dsl.language.bounds import VALIDATING, Documents, as_json, holds
from crossmarket_dsl.language.lower import EXPRESSION_SLOTS
from crossmarket_dsl.language.schema import _documents, _validator

ROOT = Path(__file__).resolve().parent.parent
MEASURE = ROOT / "policies" / "measure" / "2026.xm"
SCHEMA = ROOT / "schemas" / "head-office-2026.schema.json"
SAMPLES = [MEASURE, *sorted((ROOT / "policies" / "branches").glob("*.xm"))]
CASES = sorted((ROOT / "tests" / "diagnostics").glob("*.xm"))


def verdicts(ir: dict, schema: Path = SCHEMA) -> tuple[bool | None, bool]:
    """The small validator's verdict and jsonschema's, on the same schema as `check` uses."""
    validator, _ = _validator(schema, ir.get("kind"))
    return holds(ir, _documents(schema, ir.get("kind"))), not any(validator.iter_errors(as_json(ir)))


def test_the_keywords_jsonschema_acts_on_are_known():
    """A keyword missing from the list would be taken for an annotation and silently not checked."""
    assert VALIDATING == set(Draft202012Validator.VALIDATORS)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_samples_keep_the_bounds_by_both(path):
    assert verdicts(pipeline.load(path).ir) == (True, True)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_diagnostic_cases_judged_alike(case, monkeypatch):
    monkeypatch.chdir(ROOT)
    compiled = pipeline.load(case.relative_to(ROOT), measure=MEASURE, schema=SCHEMA)
    if compiled.ir is None:
        pytest.skip("no IR: the file does not parse")
    small, reference = verdicts(compiled.ir)
    assert small is reference


PANJIN = pipeline.load(ROOT / "policies" / "branches" / "panjin.xm").ir


LOOKED_AT = ("params", "products", "targets", "statement", "audit", "reward", "gates", "kind")


def _paths(value, path=()) -> list[tuple]:
    """Every place outside expression trees where head office's schema looks and a mutation can break (or
    keep) a bound."""
    found = [path] if path else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        if key not in EXPRESSION_SLOTS and (path or key in LOOKED_AT):
            found += _paths(item, (*path, key))
    return found


VALUES = st.one_of(
    st.sampled_from([Decimal(t) for t in ["0", "0.05", "0.1", "0.2", "0.5", "0.8", "0.85", "7", "7.5", "31", "32",
                                          "5", "10", "20", "50", "51", "-1", "0.04", "0.849"]]),
    st.integers(-3, 60), st.booleans(), st.none(), st.sampled_from(["MORTGAGE", "GOLD", "公司业务部", "measure"]),
    st.just(date(2026, 1, 1)), st.just([]), st.just({}), st.just(()))


@st.composite
def mutated(draw):
    ir = copy.deepcopy(PANJIN)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(ir) or [("kind",)]))
        parent = ir
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(VALUES)
    return ir


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_irs_judged_alike(ir):
    small, reference = verdicts(ir)
    assert small is reference


def test_what_it_does_not_implement_is_left_to_jsonschema():
    ir_schema = {"$defs": {}}
    for schema in [{"minContains": 2, "contains": {}}, {"pattern": "^a"}, {"$ref": "elsewhere.json"},
                   {"properties": {"kind": {"$anchor": "k"}}}, {"type": "decimal"}]:
        assert holds(PANJIN, Documents(schema, ir_schema, "ir.schema.json")) is None, schema
    assert holds(PANJIN, Documents({"format": "date", "x-code": "E401", "title": "t"}, ir_schema,
                                   "ir.schema.json")) is True
