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


@pytest.mark.parametrize("workspace", [None, PANJIN, ROOT / "examples" / "dalian-2026"])
def test_every_implemented_article_is_cited_by_a_policy_test_of_the_rules_that_implement_it(workspace):
    args = [] if workspace is None else [workspace]
    result = CliRunner().invoke(cli, ["coverage", *map(str, args), "--require-tests", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["summary"]["untested"] == []
    assert {a["status"] for a in document["articles"] if a["implemented"]} == {"tested"}


def test_an_implemented_article_no_test_cites_is_untested_and_fails_a_review(tmp_path):
    result = CliRunner().invoke(cli, ["coverage", "--tests", str(tmp_path), "--require-tests"])
    assert result.exit_code == 1
    assert "第二十条  未测试 untested: implemented, no policy test cites it; 0 policy tests" in result.stdout
    assert "第二十五条  组织性条款 organisational" in result.stdout
    document = coverage("--tests", tmp_path)  # without --require-tests the same finding exits 0
    by_name = {a["article"]: a for a in document["articles"]}
    assert by_name["第二十条"]["status"] == "untested" and by_name["第二十五条"]["status"] == "organisational"
    assert document["summary"]["untested"] == [a["article"] for a in document["articles"] if a["implemented"]]
    assert f"untested: {'、'.join(document['summary']['untested'])};" in result.stdout


def test_a_catalogue_product_the_branch_does_not_configure_implements_nothing_there():
    by_name = {a["article"]: a for a in coverage(ROOT / "examples" / "dalian-2026")["articles"]}
    # Dalian configures no 贵宾客户: the measure's entry citing 第十五条 is not Dalian's
    assert by_name["第十五条"]["status"] == "organisational"
    assert not any("个人存款" in d for d in by_name["第二条"]["declarations"])
    assert any(d.startswith("product 个人理财 (dalian.xm:") for d in by_name["第二条"]["declarations"])
    panjin = {a["article"]: a for a in coverage(PANJIN)["articles"]}
    assert any(d.startswith("catalogue 贵宾客户 (2026.xm:") for d in panjin["第十五条"]["declarations"])


def test_a_test_citing_two_articles_counts_for_both(tmp_path):
    (tmp_path / "two.test.yaml").write_text(
        "rules: x.xm\ntests:\n  - {name: 网点协办, cite: 第十条、第十四条, deals: [], expect: {deals: {rows: 0}}}\n",
        encoding="utf-8")
    by_name = {a["article"]: a for a in coverage("--tests", tmp_path)["articles"]}
    assert by_name["第十条"]["tests"] == by_name["第十四条"]["tests"] == ["two.test.yaml: 网点协办"]
