"""`crossmarket coverage`: the measure article by article — implemented, tested, and what it touched."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from crossmarket_dsl.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PANJIN = ROOT / "examples" / "panjin-2026"
MEASURE = ROOT / "policies" / "measure" / "2026.xm"
NUMERALS = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十 二十一 二十二 二十三 二十四 二十五"


def coverage(*args) -> dict:
    result = CliRunner().invoke(cli, ["coverage", *map(str, args), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_every_article_of_the_measure_in_order_with_what_implements_it():
    document = coverage()
    articles = document["articles"]
    assert [a["article"] for a in articles] == [f"第{n}条" for n in NUMERALS.split()]
    by_name = {a["article"]: a for a in articles}
    assert by_name["第二十五条"]["text"] == "本办法自正式下发之日起执行。"
    line = next(n for n, text in enumerate(MEASURE.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("gate 住房按揭最低户数"))
    assert f"gate 住房按揭最低户数 (2026.xm:{line})" in by_name["第二十条"]["declarations"]
    assert any(t.startswith("anshan.test.yaml: ") for t in by_name["第二十条"]["tests"])  # every branch's tests
    organisational = [a["article"] for a in articles if not a["declarations"]]
    assert document["summary"]["organisational"] == organisational
    assert "第二十五条" in organisational and "第二十条" not in organisational
    assert all(not a["implemented"] for a in articles if a["article"] in organisational)


def test_with_a_workspace_each_article_counts_the_deals_and_money_through_it(tmp_path):
    document = coverage(PANJIN)
    by_name = {a["article"]: a for a in document["articles"]}
    year = json.loads(CliRunner().invoke(cli, ["evaluate", str(PANJIN), "--format", "json"]).stdout)
    # every accepted deal is split by art. 19: its figures are the whole year's
    assert by_name["第十九条"]["deals"] == year["deals"]["accepted"]
    assert Decimal(by_name["第十九条"]["points"]) == sum(Decimal(d["points"]) for d in year["departments"])
    assert Decimal(by_name["第十九条"]["reward"]) == Decimal(year["reward"]["pool"])
    # art. 20: the mortgages, the only deals its gate judges
    assert CliRunner().invoke(cli, ["evaluate", str(PANJIN), "--out", str(tmp_path)]).exit_code == 0
    with open(tmp_path / "deals.csv", encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in csv.DictReader(handle) if line["product"] == "个人住房贷款"]
    assert by_name["第二十条"]["deals"] == len(lines)
    assert Decimal(by_name["第二十条"]["points"]) == sum(Decimal(line["gated_points"]) for line in lines)
    # only Panjin's own policy tests count for Panjin's rules
    assert all(test.startswith("panjin.test.yaml: ") for a in document["articles"] for test in a["tests"])
    assert by_name["第二十五条"]["deals"] == 0 and not by_name["第二十五条"]["implemented"]


def test_text_names_the_organisational_articles():
    result = CliRunner().invoke(cli, ["coverage"])
    assert result.exit_code == 0
    assert "第一条  组织性条款 organisational: nothing implements it" in result.stdout
    summary = coverage()["summary"]
    assert result.stdout.rstrip().splitlines()[-1].startswith(
        f"{summary['implemented']} of 25 articles implemented, {summary['tested']} cited by policy tests")


def test_the_report_the_statement_and_explain_quote_the_articles_their_figures_come_from(tmp_path):
    words = next(a["text"] for a in coverage()["articles"] if a["article"] == "第二十条")
    assert CliRunner().invoke(cli, ["evaluate", str(PANJIN), "--out", str(tmp_path / "year")]).exit_code == 0
    assert CliRunner().invoke(cli, ["statement", str(PANJIN), "--month", "2026-03",
                                    "--out", str(tmp_path / "march")]).exit_code == 0
    for page in (tmp_path / "year" / "report.html", tmp_path / "march" / "公示-2026-03.html"):
        html = page.read_text(encoding="utf-8")
        assert "<dt>第二十条</dt>" in html and words[:40] in html
        assert "<dt>第十九条</dt>" in html and "<dt>第一条</dt>" not in html  # only what the figures rest on
    with open(tmp_path / "year" / "deals.csv", encoding="utf-8-sig", newline="") as handle:
        mortgage = next(line["deal_id"] for line in csv.DictReader(handle) if line["product"] == "个人住房贷款")
    explained = CliRunner().invoke(cli, ["explain", str(PANJIN), "--deal", mortgage]).stdout
    assert f"第二十条：{words}" in explained
