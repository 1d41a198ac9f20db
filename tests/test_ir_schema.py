"""The IR is a published contract: what `compile` writes validates against `schemas/ir.schema.json` under an
independent validator (jsonschema's Draft 2020-12, formats asserted), read as plain JSON.

This is also where the shapes lowering guarantees are held to the schema: `check` validates only head
office's bounds on every run (`language/schema.py`), not the structure of every expression tree.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from crossmarket_dsl.cli import cli

from .conftest import ROOT

POLICIES = sorted(ROOT.glob("policies/**/*.xm"))
IR_SCHEMA = json.loads((ROOT / "schemas" / "ir.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("schema", sorted((ROOT / "crossmarket_dsl" / "headoffice" / "schemas").glob("*.json")),
                         ids=lambda p: p.name)
def test_the_shipped_schemas_are_json_schemas(schema):
    """`check` trusts these without checking them against the meta-schema on every run."""
    Draft202012Validator.check_schema(json.loads(schema.read_text(encoding="utf-8")))


def validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(IR_SCHEMA)
    return Draft202012Validator(IR_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def compiled(path, *options: str) -> dict:
    result = CliRunner().invoke(cli, ["compile", str(path), *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.stem)
def test_every_compiled_policy_validates_against_the_ir_schema(policy, monkeypatch):
    monkeypatch.chdir(ROOT)
    document = compiled(policy.relative_to(ROOT))
    assert document["source_map"], "compile writes its source map"
    assert [error.message for error in validator().iter_errors(document)] == []


def test_the_schema_refuses_what_the_language_cannot_write(monkeypatch):
    """The checks above can fail: a malformed source map, an impossible date, a two-armed `not`."""
    monkeypatch.chdir(ROOT)
    document = compiled("policies/branches/panjin.xm")
    broken = json.loads(json.dumps(document))
    broken["source_map"]["/products/0"] = "panjin.xm"
    broken["header"]["effective"]["to"] = "2026-02-30"
    broken["products"][0]["points"]["expr"] = {"op": "not", "args": [{"lit": True}, {"lit": False}]}
    failed = {tuple(error.absolute_path)[:3] for error in validator().iter_errors(broken)}
    assert failed == {("source_map", "/products/0"), ("header", "effective", "to"), ("products", 0, "points")}
