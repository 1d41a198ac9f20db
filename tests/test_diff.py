"""`crossmarket diff`: changes in the rules' own terms with lines on both sides, and their effect on the money."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from crossmarket_dsl.cli import cli

ROOT = Path(__file__).resolve().parent.parent
MEASURE = ROOT / "policies" / "measure" / "2026.xm"
SCHEMA = ROOT / "schemas" / "head-office-2026.schema.json"
PANJIN = ROOT / "policies" / "branches" / "panjin.xm"
WORKSPACE = ROOT / "examples" / "panjin-2026"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The old version `old.xm` (Panjin's rules as filed) in the current folder."""
    (tmp_path / "old.xm").write_text(PANJIN.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edited(folder: Path, *edits: tuple[str, str]) -> Path:
    text = (folder / "old.xm").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    (folder / "new.xm").write_text(text, encoding="utf-8")
    return folder / "new.xm"


def diff(*args) -> dict:
    result = run("diff", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def run(*args):
    arguments = [*map(str, args), "--measure", str(MEASURE), "--schema", str(SCHEMA)]
    return CliRunner().invoke(cli, arguments, catch_exceptions=False)


def summary(document: dict) -> list[tuple]:
    return [(c["section"], c["kind"], c["name"], c["field"]) for c in document["changes"]]


def lines(change: dict) -> tuple:
    return tuple(at and (at["file"], at["line"]) for at in (change["old_at"], change["new_at"]))


def test_a_set_points_criterion_and_gate_change(folder):
    edited(folder,
           ("let 优质评级", "set mortgage_exclusive = 90%\nlet 优质评级"),  # one line more: the rest moves down
           ("points 10 per unit\n  target 120", "points 12 per unit\n  target 120"),
           ('"优质上市公司": client.listed and', '"优质上市公司": client.listed or'),
           ("# 第二十一条: monthly", 'gate 大额理财 on deal for 个人理财 {\n  require deal.amount <= 1000万\n'
                                   "  otherwise scale 50%\n}\n\n# 第二十一条: monthly"))
    document = diff("old.xm", "new.xm")
    assert summary(document) == [
        ("params", "changed", "mortgage_exclusive", "value"),
        ("products", "changed", "个人住房贷款", "points"),
        ("targets", "changed", "公司业务部: 优质上市公司", "value"),
        ("gates", "added", "大额理财", None),
    ]
    param, points, criterion, gate = document["changes"]
    assert (param["old"], param["new"]) == ("85%", "90%")
    assert lines(param)[1] == ("new.xm", 13)
    default = next(number for number, line in enumerate(MEASURE.read_text(encoding="utf-8").splitlines(), 1)
                   if line.startswith("param mortgage_exclusive"))
    assert lines(param)[0][1] == default and lines(param)[0][0].endswith("2026.xm")  # the measure's default
    assert (points["old"], points["new"]) == ("10 per unit", "12 per unit")
    assert lines(points) == (("old.xm", 35), ("new.xm", 36))
    assert criterion["new"] == "client.listed or client.rating in 优质评级"
    assert lines(criterion) == (("old.xm", 19), ("new.xm", 20))
    assert gate["new"] == "on deal for 个人理财; clause 1 require deal.amount <= 10000000; otherwise scale 50%"
    assert lines(gate) == (None, ("new.xm", 65))
    assert document["old"]["file"] == "old.xm" and document["new"]["branch"] == "盘锦分行"
    assert document["effect"] is None


def test_products_criteria_and_outlets_added_and_removed(folder):
    edited(folder,
           ("product 贵宾客户 {\n  points 5 per unit\n  target 40\n}\n", "product 个人贷款 {\n  points deal.amount / 10万 per deal\n  target 12\n}\n"),
           ('  "年销售额超过亿元的大型企业": client.annual_sales > 大型企业年销售额 cite "第九条"\n', ""),
           ('outlet 大洼支行 cite "第十四条"\n', ""),
           ("pool 200万", "pool 1.2亿"),
           ("rounding 0.01 half_up", "rounding 1 half_up"))
    document = diff("old.xm", "new.xm")
    assert summary(document) == [
        ("outlets", "removed", "大洼支行", None),
        ("products", "removed", "贵宾客户", None),
        ("products", "added", "个人贷款", None),
        ("targets", "removed", "公司业务部: 年销售额超过亿元的大型企业", None),
        ("reward", "changed", "pool", "value"),
        ("reward", "changed", "rounding", "value"),
    ]
    changes = document["changes"]
    assert changes[1]["old"] == "points 5 per unit; target 40" and lines(changes[1]) == (("old.xm", 59), None)
    assert changes[2]["new"] == "points deal.amount ÷ 100000 per deal; target 12"
    assert (changes[4]["old"], changes[4]["new"]) == ("200万", "1.2亿")
    assert (changes[5]["old"], changes[5]["new"]) == ("0.01 half_up", "1 half_up")


def test_text_output_is_one_screen_with_lines_on_both_sides(folder):
    edited(folder, ("points 10 per unit\n  target 120", "points 12 per unit\n  target 100"))
    result = run("diff", "old.xm", "new.xm")
    assert result.exit_code == 0
    assert "  ~ 个人住房贷款 points: 10 per unit → 12 per unit  (old.xm:35 → new.xm:35)" in result.output
    assert "  ~ 个人住房贷款 target: 120 → 100  (old.xm:36 → new.xm:36)" in result.output


def test_layout_and_comments_are_no_change(folder):
    edited(folder, ("# 第二十一条: monthly spot checks", "# 每月抽查\n\n# 第二十一条: monthly spot checks"))
    assert diff("old.xm", "new.xm")["changes"] == []
    assert "no changes in the rules' terms" in run("diff", "old.xm", "new.xm").output


def test_the_effect_on_a_workspace_adds_up(folder):
    edited(folder, ("points 10 per unit\n  target 120", "points 12 per unit\n  target 120"),
           ("let 优质评级", "set mortgage_exclusive = 90%\nlet 优质评级"))
    document = diff("old.xm", "new.xm", "--workspace", WORKSPACE)
    effect = document["effect"]
    departments = effect["departments"]
    assert {d["department"] for d in departments} >= {"公司业务部", "个人金融部", "房地产信贷部"}
    for d in departments:
        assert Decimal(d["new_points"]) - Decimal(d["old_points"]) == Decimal(d["points_change"])
    total = effect["total"]
    assert sum(Decimal(d["points_change"]) for d in departments) == Decimal(total["points_change"]) != 0
    assert sum(Decimal(d["new_points"]) for d in departments) == Decimal(total["new_points"])
    assert sum(Decimal(d["reward_change"]) for d in departments) == 0  # the same pool, shared differently
    assert sum(Decimal(d["new_reward"]) for d in departments) == Decimal(total["new_pool"])
    top = effect["top_deals"]
    assert 0 < len(top) <= 10
    assert [abs(Decimal(d["change"])) for d in top] == sorted((abs(Decimal(d["change"])) for d in top), reverse=True)
    assert all(d["deal_id"] and Decimal(d["new"]) - Decimal(d["old"]) == Decimal(d["change"]) for d in top)
    text = run("diff", "old.xm", "new.xm", "--workspace", WORKSPACE).output
    assert "deals whose points changed most:" in text and "total" in text


def test_a_deal_rejected_in_one_version_counts_as_zero_and_says_why(folder):
    edited(folder, ("product 个人理财 {\n  points deal.amount / 1万 * 0.5 per deal\n  target 150\n}\n", ""))
    effect = diff("old.xm", "new.xm", "--workspace", WORKSPACE)["effect"]
    assert effect["deals"]["new"]["accepted"] < effect["deals"]["old"]["accepted"]
    top = effect["top_deals"]
    assert len(top) == 10
    for deal in top:
        assert (deal["product"], deal["old_rejected"], deal["new_rejected"]) == ("个人理财", None, "R004")
        assert Decimal(deal["new"]) == 0 < Decimal(deal["old"])


def test_a_version_with_errors_is_not_compared(folder):
    edited(folder, ("let 优质评级", "set mortgage_exclusive = 80%\nlet 优质评级"))
    result = run("diff", "old.xm", "new.xm")
    assert result.exit_code == 1
    assert "new.xm:13:26: error[E401]" in result.output and "~" not in result.output


def test_an_unreadable_version_is_a_usage_error(folder):
    result = run("diff", "old.xm", "missing.xm")
    assert result.exit_code == 2 and "missing.xm: no such file" in result.output


def test_awards_and_year_start_targets_changed(folder):
    """Art. 4, 17: an award's points, a target and a completion line, in the rules' own terms."""
    dalian = ROOT / "policies" / "branches" / "dalian.xm"
    (folder / "old.xm").write_text(dalian.read_text(encoding="utf-8"), encoding="utf-8")
    edited(folder, ("  to 房地产信贷部 200\n", "  to 房地产信贷部 300\n"),
           ("objective 机构业务部 {\n  target 1500\n  completion < 60% deduct 10% of points",
            "objective 机构业务部 {\n  target 1200\n  completion < 50% deduct 10% of points"))
    document = diff("old.xm", "new.xm")
    assert summary(document) == [
        ("awards", "changed", "西岗万象府项目突破", "to 房地产信贷部"),
        ("objectives", "changed", "机构业务部", "target"),
        ("objectives", "changed", "机构业务部", "line 1"),
    ]
    award, target, line = document["changes"]
    assert (award["old"], award["new"]) == ("200", "300")
    assert (target["old"], target["new"]) == ("1500", "1200")
    assert (line["old"], line["new"]) == ("completion < 60% deduct 10% of points", "completion < 50% deduct 10% of points")
