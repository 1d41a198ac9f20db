"""The year-end KPI sheet for 人力资源部 (考核表, art. 17, 22, 23), as `evaluate --out` writes it: read back as
a spreadsheet program would, its figures add up and match the result."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from .panjin_copy import PANJIN, ROOT, run

DALIAN = ROOT / "examples" / "dalian-2026"


@pytest.fixture(scope="module")
def dalian_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kpi")
    result = run("evaluate", DALIAN, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def sheet_rows(path: Path, name: str) -> tuple[list[str], list[tuple]]:
    """The header (the row after the title block's blank row) and the rows under it."""
    sheet = openpyxl.load_workbook(path, data_only=False)[name]
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    header_at = next(i for i, row in enumerate(rows) if row[0] == "部门" or row[0] == "网点")
    return list(rows[header_at]), rows[header_at + 1:]


def test_the_departments_sheet_adds_up_and_matches_the_result(dalian_out):
    document = json.loads((dalian_out / "result.json").read_text(encoding="utf-8"))
    header, rows = sheet_rows(dalian_out / "考核表-2026.xlsx", "部门考核")
    assert header == ["部门", "交易积分", "年初目标", "目标完成率", "专项奖励", "扣减", "最终积分", "奖励金额（元）", "依据"]
    *departments, total = [dict(zip(header, row)) for row in rows]
    assert [row["部门"] for row in departments] == [d["department"] for d in document["departments"]]
    for row, result in zip(departments, document["departments"]):
        assert Decimal(str(row["最终积分"])) == Decimal(result["points"])
        assert Decimal(str(row["交易积分"])) + Decimal(str(row["专项奖励"])) - Decimal(str(row["扣减"])) \
            == Decimal(str(row["最终积分"]))
    assert total["部门"] == "合计"
    assert Decimal(str(total["奖励金额（元）"])) == Decimal(document["reward"]["pool"])
    assert sum(Decimal(str(row["奖励金额（元）"])) for row in departments) == Decimal(document["reward"]["pool"])
    institutions = next(row for row in departments if row["部门"] == "机构业务部")
    assert (institutions["年初目标"], str(institutions["目标完成率"]), institutions["依据"]) == (1500, "0.5548", "第十七条")


def test_every_award_and_deduction_is_listed_with_its_article(dalian_out):
    header, rows = sheet_rows(dalian_out / "考核表-2026.xlsx", "奖励与扣减")
    items = [dict(zip(header, row)) for row in rows]
    assert {(row["部门"], row["类别"], row["项目"]) for row in items} >= {
        ("房地产信贷部", "专项奖励", "西岗万象府项目突破"), ("机构业务部", "扣减", "完成率 < 60%")}
    assert all(row["依据"] and row["说明"] for row in items)


def test_the_csv_holds_the_departments_for_tools(dalian_out):
    with (dalian_out / "考核表-2026.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0].keys() >= {"department", "deal_points", "target", "completion", "awards", "deductions", "points",
                              "reward"}
    assert rows[-1]["department"] == "合计"


def test_rules_without_targets_get_the_sheet_with_their_points_and_a_month_gets_none(tmp_path):
    assert run("evaluate", PANJIN, "--out", tmp_path / "year").exit_code == 0
    header, rows = sheet_rows(tmp_path / "year" / "考核表-2026.xlsx", "部门考核")
    first = dict(zip(header, rows[0]))
    assert first["年初目标"] is None and first["交易积分"] == first["最终积分"]
    assert run("evaluate", PANJIN, "--month", "2026-03", "--out", tmp_path / "month").exit_code == 0
    assert not list((tmp_path / "month").glob("考核表-*"))


def test_explain_shows_a_department_s_target_awards_and_deductions_with_their_articles():
    result = run("explain", DALIAN, "--department", "机构业务部")
    assert result.exit_code == 0, result.output
    assert "year-start target (年初目标) 1500, completion 55.48%" in result.output
    assert "−83.2240 完成率 < 60% (第十七条)" in result.output and "final points: 749.0160" in result.output
    assert "第十七条：每年年终" in result.output  # the measure's words
    month = run("explain", DALIAN, "--department", "房地产信贷部", "--month", "2026-06")
    assert "provisional" in month.output and "+200.0000 西岗万象府项目突破" in month.output
    support = run("explain", DALIAN, "--department", "人力资源部")
    assert support.exit_code == 1 and "U111" in support.output
    assert run("explain", DALIAN).exit_code == 2
