"""Diagnostics as a product: broken rules files in `tests/diagnostics/`, each with its golden list.

Every case `NAME.xm` starts with `# expect: CODE@LINE:COLUMN …`, the diagnostics that must be among
those reported; `NAME.expected.json` is the whole list (`pytest --update-goldens` rewrites it).
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossmarket_dsl.language import pipeline
from crossmarket_dsl.language.checks import CheckContext, run_checks
from crossmarket_dsl.language.schema import validate
from crossmarket_dsl.language.source import Span, UnreadableFile
from crossmarket_dsl.semantics.vocabulary import FUNCTIONS

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "tests" / "diagnostics"
MEASURE = ROOT / "policies" / "measure" / "2026.xm"
SCHEMA = ROOT / "schemas" / "head-office-2026.schema.json"
CASES = sorted(CASES_DIR.glob("*.xm"))
EXPECT = re.compile(r"^#\s*expect:(.*)$")
CODE = re.compile(r"^[EW]\d{3}$")
PARSER_WORDS = re.compile(r"\b(RBRACE|LBRACE|LPAR|RPAR|LSQB|RSQB|COMPARE|Token|Traceback)\b|\$END")


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    """Diagnostics name files relative to the current folder; run from the repository root."""
    monkeypatch.chdir(ROOT)


def check(path: Path) -> pipeline.Compiled:
    return pipeline.load(path, measure=MEASURE, schema=SCHEMA)


def expectations(case: Path) -> set[tuple[str, int, int]]:
    match = EXPECT.match(case.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{case.name} must start with `# expect: CODE@LINE:COLUMN …`"
    found = set()
    for item in match.group(1).split():
        code, _, position = item.partition("@")
        line, _, column = position.partition(":")
        found.add((code, int(line), int(column)))
    return found


def test_every_class_has_three_cases():
    for prefix in ("e1_", "e2_", "e3_", "e4_", "e5_"):
        assert len([c for c in CASES if c.name.startswith(prefix)]) >= 3, prefix


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_case(case: Path, golden):
    diagnostics = check(case.relative_to(ROOT)).report.sorted()
    document = json.dumps([d.to_json() for d in diagnostics], ensure_ascii=False, indent=2) + "\n"
    golden(case.with_suffix(".expected.json"), document)
    reported = {(d.code, d.span.line, d.span.column) for d in diagnostics}
    assert expectations(case) <= reported, f"missing: {sorted(expectations(case) - reported)}"
    if not case.name.startswith("many"):  # a case named e3_… reports some E3xx
        assert any(d.code.startswith(case.name[:2].upper()) for d in diagnostics)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_messages_read_like_sentences(case: Path):
    """Lowercase, no final period, no parser-internal names, advice on its own line."""
    for d in check(case.relative_to(ROOT)).report.diagnostics:
        assert CODE.match(d.code)
        assert not d.message[0].isupper(), d.message
        assert not d.message.endswith("."), d.message
        assert not PARSER_WORDS.search(d.message + (d.help or "")), d.message
        assert d.span.line >= 1 and d.span.column >= 1


def test_all_problems_in_one_run_sorted_by_position():
    compiled = check(CASES_DIR.relative_to(ROOT) / "many_errors.xm")
    diagnostics = compiled.report.sorted()
    assert len({d.code for d in diagnostics}) >= 5
    positions = [(d.span.line, d.span.column) for d in diagnostics]
    assert positions == sorted(positions)
    checked = run_checks(CheckContext(compiled.measure, compiled.program, compiled.lowered))
    assert checked == sorted(checked, key=lambda d: d.sort_key())


# ---- the policies of the repository are clean ------------------------------------------------------


@pytest.mark.parametrize("path", [MEASURE, *sorted((ROOT / "policies" / "branches").glob("*.xm"))],
                         ids=lambda p: p.stem)
def test_policies_check_clean(path: Path):
    compiled = pipeline.load(path)
    assert compiled.report.errors == 0, [d.message for d in compiled.report.diagnostics]
    assert compiled.ok


def test_measure_alone_is_checked_against_the_ir_schema_only():
    compiled = pipeline.load(MEASURE)
    assert compiled.ir["kind"] == "measure"
    assert compiled.report.diagnostics == []


# ---- head office's schema, directly --------------------------------------------------------------


@pytest.fixture
def panjin():
    return pipeline.load(ROOT / "policies" / "branches" / "panjin.xm")


def test_missing_mandated_gate_points_at_the_rules_header(panjin):
    ir = copy.deepcopy(panjin.ir)
    ir["gates"] = [g for g in ir["gates"] if g["name"] != "住房按揭最低户数"]
    ir["gates"][0]["origin"] = "rules"
    header = panjin.program.header.span
    found = validate(ir, panjin.lowered.source_map, SCHEMA, header)
    assert [(d.code, d.span) for d in found] == [("E406", header), ("E406", header)]
    assert "`住房按揭最低户数`" in found[1].message + found[0].message
    assert any("art. 20 (第二十条)" in d.help for d in found)


def test_product_code_outside_the_catalogue(panjin):
    ir = copy.deepcopy(panjin.ir)
    ir["products"][0]["code"] = "GOLD"
    (found,) = validate(ir, panjin.lowered.source_map, SCHEMA, panjin.program.header.span)
    assert found.code == "E403" and "art. 2 (第二条)" in found.help
    assert found.span == panjin.lowered.source_map["/products/0/code"]


def test_malformed_ir_is_reported_not_raised(panjin):
    ir = copy.deepcopy(panjin.ir)
    ir["params"] = [ir["params"]]
    (found,) = validate(ir, panjin.lowered.source_map, SCHEMA, panjin.program.header.span)
    assert found.code == "E407"
    assert found.span == panjin.program.header.span


def test_only_head_office_s_bounds_are_validated_on_every_run(panjin):
    """The IR's structure and expression trees are lowering's guarantee, held to ir.schema.json by
    tests/test_ir_schema.py; head office's bounds still apply."""
    ir = copy.deepcopy(panjin.ir)
    ir["products"][0]["points"] = {"expr": {"op": "+", "args": [{"lit": 1}]}, "per": "batch"}
    assert validate(ir, panjin.lowered.source_map, SCHEMA, panjin.program.header.span) == []
    ir["params"]["mortgage_exclusive"]["value"] = Decimal("0.5")
    (found,) = validate(ir, panjin.lowered.source_map, SCHEMA, panjin.program.header.span)
    assert found.code == "E401" and "art. 20 (第二十条)" in found.help


@pytest.mark.parametrize("text", ['{"allOf": [', '{"type": 5}', '[1, 2]', '{"$ref": "missing.schema.json"}'])
def test_unusable_schema_is_a_diagnostic(tmp_path, panjin, text):
    (tmp_path / "ir.schema.json").write_text((ROOT / "schemas" / "ir.schema.json").read_text(encoding="utf-8"),
                                             encoding="utf-8")
    schema = tmp_path / "head-office-2026.schema.json"
    schema.write_text(text, encoding="utf-8")
    fallback = Span("x.xm", 1, 1, 1, 2)
    (found,) = validate(panjin.ir, panjin.lowered.source_map, schema, fallback)
    assert found.code == "E409" and found.span == fallback


def test_a_schema_alone_builds_on_the_shipped_ir_schema(tmp_path, panjin):
    schema = tmp_path / "head-office-2026.schema.json"
    schema.write_text(SCHEMA.read_text(encoding="utf-8"), encoding="utf-8")
    assert validate(panjin.ir, panjin.lowered.source_map, schema, Span("x.xm", 1, 1, 1, 2)) == []
    ir = copy.deepcopy(panjin.ir)
    ir["params"]["target_ratio"]["value"] = Decimal("0.01")
    (found,) = validate(ir, panjin.lowered.source_map, schema, Span("x.xm", 1, 1, 1, 2))
    assert found.code == "E401"


def test_long_expressions_validate(tmp_path):
    text = (ROOT / "policies" / "branches" / "panjin.xm").read_text(encoding="utf-8")
    rules = tmp_path / "long.xm"
    rules.write_text(text + "\nlet 很长 = " + " + ".join(["0.1"] * 250) + "\nset publish_days = 很长\n",
                     encoding="utf-8")
    assert check(rules).report.diagnostics == []


# ---- nothing a user can write raises ----------------------------------------------------------------

PANJIN = (ROOT / "policies" / "branches" / "panjin.xm").read_text(encoding="utf-8")


@st.composite
def mutations(draw) -> str:
    """Panjin's rules with characters or lines deleted, duplicated or swapped."""
    text = PANJIN
    for _ in range(draw(st.integers(1, 4))):
        unit_is_line = draw(st.booleans())
        units = text.splitlines(keepends=True) if unit_is_line else list(text)
        i = draw(st.integers(0, len(units) - 1))
        j = draw(st.integers(0, len(units) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap"]))
        if action == "delete":
            del units[i]
        elif action == "duplicate":
            units.insert(i, units[i])
        else:
            units[i], units[j] = units[j], units[i]
        text = "".join(units)
    return text


def assert_no_surprises(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.xm"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            compiled = check(path)
        except UnreadableFile:
            return
    for d in compiled.report.diagnostics:
        assert CODE.match(d.code), d
        assert d.span.line >= 1, d


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutations())
def test_mutated_rules_never_raise(text):
    assert_no_surprises(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(), st.text(alphabet='rules"{}()[]#.:=<>+-*/%万亿 \n\tabc公司0123456789', max_size=200),
                 st.binary(max_size=64).map(lambda b: b.decode("latin-1"))))
def test_arbitrary_text_never_raises(text):
    assert_no_surprises(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([*FUNCTIONS, "mn"]),
       st.lists(st.sampled_from(["20", "3.5", "-2", "0", "100亿", '"二"', "true", "null", "[1, 2]", "2026-01-01"]),
                max_size=3))
def test_any_call_in_a_constant_is_reported_never_evaluated_wrongly(function, arguments):
    """Constants are folded while lowering; a call the vocabulary refuses must come out as E202/E302."""
    call = f"{function}({', '.join(arguments)})"
    assert_no_surprises(f"{PANJIN}\nlet 试算 = {call}\nset publish_days = 试算\n")
