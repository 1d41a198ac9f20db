"""`compile`: the IR of every sample policy as a golden file, its YAML form, and `fmt` keeping it."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from click.testing import CliRunner

from crossmarket_dsl.cli import cli
from crossmarket_dsl.io.jsonout import loads
from crossmarket_dsl.language.fmt import format_source
from crossmarket_dsl.language.pipeline import load
from crossmarket_dsl.language.source import read_source

from .conftest import ROOT

POLICIES = sorted(ROOT.glob("policies/**/*.xm"))


def compile_text(path, *options: str) -> str:
    result = CliRunner().invoke(cli, ["compile", str(path), *options])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.stem)
def test_ir_of_sample_policies(policy, golden, monkeypatch):
    monkeypatch.chdir(ROOT)  # source-map paths are relative to where the command runs
    golden(ROOT / "tests/ir" / f"{policy.stem}.ir.json", compile_text(policy.relative_to(ROOT)))


def test_ir_has_a_source_map_entry_for_every_product_and_gate(monkeypatch):
    monkeypatch.chdir(ROOT)
    document = loads(compile_text("policies/branches/panjin.xm"))
    source_map = document["source_map"]
    for i, _ in enumerate(document["products"]):
        assert source_map[f"/products/{i}"].startswith("policies/branches/panjin.xm:")
    for i, gate in enumerate(document["gates"]):
        assert source_map[f"/gates/{i}"].startswith("policies/measure/2026.xm:" if gate["origin"] == "measure"
                                                    else "policies/branches/panjin.xm:")
    assert {c["article"] for c in document["citations"]} >= {"第十九条", "第二十条", "第二十二条"}


def test_yaml_and_json_carry_the_same_ir(monkeypatch):
    monkeypatch.chdir(ROOT)
    as_json = loads(compile_text("policies/branches/panjin.xm"))
    as_yaml = yaml.safe_load(compile_text("policies/branches/panjin.xm", "--yaml"))
    assert as_yaml["params"]["mortgage_exclusive"]["value"] == float(as_json["params"]["mortgage_exclusive"]["value"])
    assert as_yaml["gates"][0]["name"] == as_json["gates"][0]["name"]


def test_output_file_is_written_whole(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    target = tmp_path / "ir.json"
    result = CliRunner().invoke(cli, ["compile", "policies/branches/dalian.xm", "-o", str(target)])
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["header"]["branch"] == "大连分行"
    assert [p.name for p in tmp_path.iterdir()] == ["ir.json"]


def test_rules_with_errors_compile_to_nothing(tmp_path):
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    broken = tmp_path / "policies/branches/panjin.xm"
    broken.write_text(broken.read_text(encoding="utf-8").replace("target 120", "target 个数"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["compile", str(broken)])
    assert result.exit_code == 1
    assert "error[E201]" in result.output and "{" not in result.output.splitlines()[0]


def _ir_without_spans(path):
    compiled = load(path)
    assert compiled.ok, compiled.report.diagnostics
    return compiled.ir


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.stem)
def test_fmt_keeps_the_ir(policy, tmp_path):
    """A formatted file compiles to the same IR as the original (spans aside)."""
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    copy = tmp_path / policy.relative_to(ROOT)
    copy.write_text(format_source(read_source(policy)), encoding="utf-8")
    assert _ir_without_spans(copy) == _ir_without_spans(policy)


def test_sample_policies_are_in_the_canonical_layout():
    result = CliRunner().invoke(cli, ["fmt", "--check", *map(str, POLICIES)])
    assert result.exit_code == 0, result.output
