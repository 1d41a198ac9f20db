"""The fuzzers, bounded for CI: a few generated inputs of each category through the properties every run
keeps (`fuzz/properties.py`), and the corpus of inputs that once broke crossmarket, each with the outcome it
must have. `python fuzz/run.py --examples 2000` runs the long campaign."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from fuzz import corpus, properties, strategies

BOUNDED = settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))

EXPECTED = {
    "rules/carriage_returns_only.xm": "evaluate ok",
    "rules/huge_constants.xm": "check exit 1 E402",
    "rules/pool_beyond_counting.xm": "check exit 1 E512",
    "rules/pool_not_whole_units.xm": "check exit 1 E511",
    "rules/publish_days_unbounded.xm": "check exit 1 E401",
    "rules/round_past_the_digits.xm": "evaluate ok",
    "rules/unit_finer_than_a_fen.xm": "check exit 1 E512",
    "rules/utf16.xm": "evaluate ok",
    "ledgers/booleans_and_ones.jsonl": "evaluate ok (some rows rejected)",
    "ledgers/carriage_returns.csv": "evaluate ok (no rows rejected)",
    "ledgers/cell_over_128_kib.csv": "evaluate ok (no rows rejected)",
    "ledgers/cells_of_27_and_29_digits.csv": "evaluate ok (some rows rejected)",
    "ledgers/escape_sequences.csv": "evaluate ok (no rows rejected)",
    "ledgers/nested_600_deep.jsonl": "evaluate exit 1 T125",
    "ledgers/stray_quote.csv": "evaluate exit 1 T122",
    "ledgers/utf16.csv": "evaluate ok (no rows rejected)",
    "workspace/alias_bomb.yaml": "evaluate exit 1 S135",
    "workspace/not_a_rules_file.yaml": "evaluate exit 1 S137",
    "workspace/rules_absolute.yaml": "evaluate exit 1 S136",
    "workspace/rules_outside.yaml": "evaluate exit 1 S136",
    "workspace/rules_through_a_link.yaml": "evaluate exit 1 S136",
    "workspace/table_outside.yaml": "evaluate exit 1 S136",
    "tests/alias_bomb.test.yaml": "test exit 1 P117",
    "tests/month_13.test.yaml": "test exit 1 P111",
    "register/blob_in_a_text_column.sql": "verify exit 1 K113",
    "register/broken_json.sql": "verify exit 1 K113",
    "register/extra_column.sql": "verify exit 1 K113",
    "register/head_not_a_number.sql": "verify exit 1 F114",
    "register/last_record_removed.sql": "verify exit 1 K113",
    "register/pin_edited.sql": "verify exit 1 K113",
    "register/record_inserted.sql": "verify exit 1 K113",
}


@pytest.mark.parametrize("category, path", corpus.items(), ids=lambda item: getattr(item, "name", item))
def test_the_corpus_keeps_its_outcomes(tmp_path, category, path):
    assert corpus.replay(category, path, tmp_path / "case") == EXPECTED[f"{category}/{path.name}"]


def test_every_corpus_input_has_its_expected_outcome():
    assert {f"{category}/{path.name}" for category, path in corpus.items()} == set(EXPECTED)


@BOUNDED
@given(strategies.rules_mutants())
def test_rules_mutants(tmp_path_factory, text):
    properties.rules(text, tmp_path_factory.mktemp("rules"))


@BOUNDED
@given(strategies.ledgers())
def test_ledgers(tmp_path_factory, example):
    properties.ledger(example, tmp_path_factory.mktemp("ledger"))


@BOUNDED
@given(strategies.workspace_files())
def test_workspace_files(tmp_path_factory, text):
    properties.workspace_yaml(text, tmp_path_factory.mktemp("workspace"))


@BOUNDED
@given(strategies.test_files())
def test_policy_test_files(tmp_path_factory, text):
    properties.policy_test(text, tmp_path_factory.mktemp("tests"))


@BOUNDED
@given(strategies.tamperings())
def test_register_tampering(tmp_path_factory, statements):
    properties.register(statements, tmp_path_factory.mktemp("register"))
