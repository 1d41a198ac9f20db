"""Art. 18's floor on literal targets, held to a workspace's indicators: a warning at `check --workspace`
(W202), an error at `register file --workspace` (E412), exactly at and just beyond the boundary.

Each case `targetfloor/NAME.xm` starts with `# expect: CODE@LINE:COLUMN …` and comes with the indicators
table `NAME.indicators.csv`; `NAME.expected.json` is what `check --workspace --format json` reports
(`pytest --update-goldens` rewrites it)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from crossmarket_dsl.cli import cli
from crossmarket_dsl.language.pipeline import load
from crossmarket_dsl.office.targetfloor import below_floor

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "targetfloor").glob("*.xm"))
PANJIN = ROOT / "policies" / "branches" / "panjin.xm"
WORKSPACE = "rules: rules.xm\ntables:\n  deals: deals.csv\n  clients: clients.csv\n  indicators: indicators.csv\n"


def run(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


def workspace(folder: Path, rules: str, indicators: str) -> Path:
    """A workspace of these rules and this indicators table (the ledger and register are not read)."""
    folder.mkdir(exist_ok=True)
    (folder / "rules.xm").write_text(rules, encoding="utf-8")
    (folder / "indicators.csv").write_text(indicators, encoding="utf-8")
    (folder / "workspace.yaml").write_text(WORKSPACE, encoding="utf-8")
    return folder


def expectations(case: Path) -> set[tuple[str, int, int]]:
    items = case.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").split()
    return {(code, int(line), int(column)) for code, _, place in (i.partition("@") for i in items)
            for line, _, column in [place.partition(":")]}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_case(case: Path, tmp_path, monkeypatch, golden):
    folder = workspace(tmp_path / "ws", case.read_text(encoding="utf-8"),
                       case.with_suffix(".indicators.csv").read_text(encoding="utf-8"))
    monkeypatch.chdir(folder)
    checked = run("check", "rules.xm", "--workspace", ".", "--format", "json")
    assert checked.exit_code == 0, checked.output
    golden(case.with_suffix(".expected.json"), checked.output)
    diagnostics = json.loads(checked.output)["diagnostics"]
    assert {(d["code"], d["line"], d["column"]) for d in diagnostics} == expectations(case)
    assert all(d["severity"] == "warning" and "第十八条" in d["help"] for d in diagnostics)
    filed = run("register", "file", "rules.xm", "--by", "省分行个人金融部", "--workspace", ".")
    assert filed.exit_code == (1 if diagnostics else 0), filed.output
    assert filed.output.count("error[E412]") == len(diagnostics)
    assert ("rejected" if diagnostics else "accepted") in filed.output


def test_a_fen_below_the_floor_warns_and_the_floor_itself_passes(tmp_path, monkeypatch):
    text = PANJIN.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for target, warned in (("150", False), ("149.99", True), ("150.01", False)):
        folder = workspace(tmp_path / target, text.replace("  target 150\n", f"  target {target}\n"),
                           "product,indicator\n个人理财,1500\n")
        result = run("check", folder / "rules.xm", "--workspace", folder)
        assert result.exit_code == 0
        assert ("warning[W202]: the target of `个人理财` is 149.99, below 10% (`target_ratio`) of its indicator 1500 "
                "in `indicators.csv`: at least 150" in result.output) is warned, result.output


def test_without_a_workspace_or_its_indicators_nothing_is_said(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    low = PANJIN.read_text(encoding="utf-8").replace("  target 300\n", "  target 1\n")
    folder = workspace(tmp_path / "ws", low, "product,indicator\n信用卡,3000\n")
    assert "W202" not in run("check", folder / "rules.xm").output
    (folder / "workspace.yaml").write_text(WORKSPACE.replace("  indicators: indicators.csv\n", ""), encoding="utf-8")
    assert "ok: 1 file checked" in run("check", folder / "rules.xm", "--workspace", folder).output


def test_an_indicators_table_that_cannot_be_used_is_a_table_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = workspace(tmp_path / "ws", PANJIN.read_text(encoding="utf-8"), "product,indicator\n基金定投,3000\n")
    result = run("check", folder / "rules.xm", "--workspace", folder)
    assert result.exit_code == 1 and "error[T206]" in result.output and "Traceback" not in result.output
    (folder / "indicators.csv").write_text("product,amount\n信用卡,3000\n", encoding="utf-8")
    result = run("check", folder / "rules.xm", "--workspace", folder)
    assert result.exit_code == 1 and "`indicator`" in result.output


@settings(max_examples=40)
@given(target=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e12"), places=2),
       indicator=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e13"), places=2),
       ratio=st.sampled_from([Decimal("0.1"), Decimal("0.12"), Decimal("0.333")]))
def test_the_floor_is_exact(target, indicator, ratio):
    """Warned exactly when target < ratio × indicator, compared as exact fractions."""
    compiled = _compiled()
    compiled.ir["params"]["target_ratio"]["value"] = ratio
    compiled.ir["products"][3]["target_value"] = target
    warned = below_floor(compiled, {compiled.ir["products"][3]["name"]: indicator}, "indicators.csv")
    assert bool(warned) is (target * 1000 < ratio * 1000 * indicator)


_COMPILED = []


def _compiled():
    if not _COMPILED:
        _COMPILED.append(load(PANJIN))
    compiled = _COMPILED[0]
    compiled.ir["params"]["target_ratio"] = dict(compiled.ir["params"]["target_ratio"])
    compiled.ir["products"][3] = dict(compiled.ir["products"][3])
    return compiled
