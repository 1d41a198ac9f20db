"""`crossmarket statement`: the monthly publication statement (公示, art. 21) as XLSX and printable HTML."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from crossmarket_dsl.engine.plan import publish_days
from crossmarket_dsl.office.statement import publication_window

from .panjin_copy import PANJIN, RULES, copy_panjin, run


@pytest.fixture(scope="module")
def march(tmp_path_factory):
    out = tmp_path_factory.mktemp("statement")
    result = run("statement", PANJIN, "--month", "2026-03", "--out", out)
    assert result.exit_code == 0, result.output
    return out, result


def test_text_gives_the_window_and_both_totals(march):
    _, result = march
    assert "公示期 Publication: 2026-04-01 至 2026-04-07" in result.stdout
    assert "公司业务部  本月 330.8000" in result.stdout
    assert "provisional" in result.stdout


def test_workbook_is_set_up_for_printing(march):
    out, _ = march
    workbook = openpyxl.load_workbook(out / "公示-2026-03.xlsx")
    assert workbook.sheetnames == ["积分公示", "人员积分", "交易明细", "未通过门槛", "剔除记录", "营销人员提示"]
    for sheet in workbook:
        assert sheet["A1"].value == "盘锦分行公私联动交叉营销积分公示（2026年3月）" and sheet["A1"].font.bold
        header_row = int(sheet.freeze_panes[1:]) - 1
        assert sheet.print_title_rows == f"${header_row}:${header_row}"
        assert sheet["A2"].value.startswith("公示期") and "&P" in sheet.oddFooter.right.text
        assert sheet.cell(header_row, 1).font.bold
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.column_dimensions["A"].width >= 2 * len(sheet.cell(header_row, 1).value) + 2  # its label fits


def test_workbook_has_month_and_year_to_date_points(march):
    out, _ = march
    sheet = openpyxl.load_workbook(out / "公示-2026-03.xlsx")["积分公示"]
    header_row = int(sheet.freeze_panes[1:]) - 1
    rows = [row[:3] for row in sheet.iter_rows(min_row=header_row, values_only=True)]  # then the title's columns
    assert rows[0] == ("部门", "本月积分", "本年累计积分")
    by_department = {name: (month, year) for name, month, year in rows[1:]}
    assert by_department["公司业务部"][0] == pytest.approx(330.8)
    assert all(year >= month for month, year in by_department.values())
    total = by_department.pop("合计")
    assert total[0] == pytest.approx(sum(month for month, _ in by_department.values()))
    assert sheet.cell(header_row + 1, 2).number_format == "#,##0.0000"


def test_people_sheet_gives_each_marketer_s_month_and_year_adding_up_to_the_department(march):
    out, result = march
    book = openpyxl.load_workbook(out / "公示-2026-03.xlsx")

    def rows(sheet):
        header_row = int(sheet.freeze_panes[1:]) - 1
        return list(sheet.iter_rows(min_row=header_row, values_only=True))

    departments = {name: (Decimal(str(month)), Decimal(str(year))) for name, month, year, *_ in rows(book["积分公示"])[1:]}
    people = rows(book["人员积分"])
    assert people[0][:4] == ("部门", "营销人员", "本月积分", "本年累计积分")
    for name, (month, year) in departments.items():
        if name != "合计":
            own = [row for row in people[1:] if row[0] == name]
            assert own[-1][1] == "未分配"  # after the department's people
            assert sum(Decimal(str(row[2])) for row in own) == month and sum(Decimal(str(row[3])) for row in own) == year
    assert "营销人员积分（第二十一条）" in result.stdout and "  公司业务部  未分配  本月 86.4000" in result.stdout


def test_deal_sheet_lists_the_months_deals_with_each_departments_share(march):
    out, _ = march
    sheet = openpyxl.load_workbook(out / "公示-2026-03.xlsx")["交易明细"]
    header_row = int(sheet.freeze_panes[1:]) - 1
    header = [cell.value for cell in sheet[header_row]]
    assert header[:3] == ["行号", "交易编号", "日期"] and "个人金融部" in header and "未通过门槛" in header
    dates = [row[2] for row in sheet.iter_rows(min_row=header_row + 1, values_only=True)]
    assert len(dates) == 51 and all(day.strftime("%Y-%m") == "2026-03" for day in dates)


def test_html_is_printable_with_charts_and_no_script(march):
    out, _ = march
    html = (out / "公示-2026-03.html").read_text(encoding="utf-8")
    assert "@media print" in html and "size:A4 landscape" in html
    assert html.count("<svg") == 3 and "<script" not in html.lower()
    assert "2026-04-01 至 2026-04-07" in html and "Figures are provisional" in html
    assert "本年累计积分" in html and "住房按揭最低户数" in html


def test_the_publication_window_is_the_first_days_of_the_next_month():
    assert publication_window(date(2026, 12, 31), 7) == (date(2027, 1, 1), date(2027, 1, 7))
    assert publication_window(date(2026, 2, 28), 10) == (date(2026, 3, 1), date(2026, 3, 10))
    assert publish_days({"statement": None}, {"publish_days": Decimal(9)}) == 9
    assert publish_days({"statement": {"publish_days": Decimal(8)}}, {}) == 8


def test_a_branchs_publish_days_sets_the_window(tmp_path):
    rules = RULES.read_text(encoding="utf-8").replace("let 优质评级", "set publish_days = 10\nlet 优质评级")
    result = run("statement", copy_panjin(tmp_path, rules), "--month", "2026-12")
    assert result.exit_code == 0, result.output
    assert "公示期 Publication: 2027-01-01 至 2027-01-10" in result.stdout


def test_january_year_to_date_is_the_month():
    result = run("statement", PANJIN, "--month", "2026-01")
    for line in result.stdout.splitlines():
        if "本月 " in line:
            month, year = line.split("本月 ")[1].split("  本年累计 ")
            assert month == year


def test_bad_months_are_errors_not_tracebacks():
    for month, message, status in (("2025-12", "outside the period", 1), ("March", "`March` is not a month", 2)):
        result = run("statement", PANJIN, "--month", month)
        assert result.exit_code == status and message in result.stderr and "Traceback" not in result.output


def test_a_day_that_does_not_exist_is_listed_in_its_months_statement(tmp_path):
    result = run("statement", str(PANJIN), "--month", "2026-02", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "公示-2026-02.xlsx")["剔除记录"]
    rows = [row for row in sheet.iter_rows(values_only=True) if "PJ2026-00082" in row]
    assert [row[2:4] for row in rows] == [("R002 日期错误或缺失", "日期“2026-02-30”不存在：2026年2月只有 28 天")]


def test_a_branch_with_year_start_targets_shows_them_year_to_date_as_provisional(tmp_path):
    """Art. 17: the month's statement shows each department against its year-start target so far, and leaves
    the month's points alone."""
    from .panjin_copy import ROOT
    result = run("statement", ROOT / "examples" / "dalian-2026", "--month", "2026-06", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "年初目标完成情况（年初至今，仅供参考" in result.stdout
    workbook = openpyxl.load_workbook(tmp_path / "公示-2026-06.xlsx")
    assert workbook.sheetnames[-1] == "年初目标（预计）"
    sheet = workbook["年初目标（预计）"]
    header_row = int(sheet.freeze_panes[1:]) - 1
    header = [cell.value for cell in sheet[header_row]][:5]
    assert header == ["部门", "年初至今积分", "年初目标", "完成率（年初至今）", "重点项目奖励（已突破）"]
    assert sheet.cell(header_row + 1, 4).number_format == "0.00%"
    page = (tmp_path / "公示-2026-06.html").read_text(encoding="utf-8")
    assert "年初目标（预计）" in page and "%</td>" in page
