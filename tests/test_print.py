"""What people read, looked at as they would: every HTML page in a 1280 px browser window, every workbook
printed to PDF by a spreadsheet program.

The examples' outputs are rendered by headless Chromium with a small script that measures the page
(`page_check.js`: no horizontal scrolling, no text outside its box, no header broken inside a word, no
chart label colliding or leaving its chart), and printed by LibreOffice, whose PDF pages are counted and
read: a department table fits one page, every page is A4 landscape.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest

from .offices import COMMITTEE, offices
from .panjin_copy import PANJIN, ROOT, run
from .tools import required_tool

HERE = Path(__file__).resolve().parent
MARCH = "2026-03"
DALIAN = ROOT / "examples" / "dalian-2026"  # a branch with year-start targets and key projects (art. 4, 17)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    """The committee's month and year end from the README, written once for every test here."""
    out = tmp_path_factory.mktemp("print")
    committee = offices(out / "offices")
    committee.sealed(PANJIN, MARCH, "--out", out / MARCH)  # the sealed month's audit sheet
    assert committee.act(COMMITTEE, "approve", PANJIN).exit_code == 0
    for args in (["evaluate", PANJIN, "--out", out / "2026", "--register", committee.register],
                 ["evaluate", PANJIN, "--month", MARCH, "--out", out / MARCH / "report"],
                 ["statement", PANJIN, "--month", MARCH, "--out", out / MARCH],
                 ["targets", PANJIN, "--out", out / "targets"],
                 ["evaluate", DALIAN, "--out", out / "dalian"]):
        result = run(*map(str, args))
        assert result.exit_code == 0, result.output
    return out


PAGES = ["2026/report.html", f"{MARCH}/report/report.html", f"{MARCH}/公示-{MARCH}.html", "dalian/report.html"]


@pytest.mark.parametrize("name", PAGES)
def test_a_page_reads_at_1280_px_without_scrolling_sideways(outputs, name, tmp_path):
    chromium = required_tool("chromium", "chromium")
    page = (outputs / name).read_text(encoding="utf-8")
    probe = tmp_path / "page.html"
    probe.write_text(page.replace("</body>", f"<script>{(HERE / 'page_check.js').read_text()}</script></body>"),
                     encoding="utf-8")
    done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                           "--window-size=1280,900", "--dump-dom", probe.as_uri()],
                          capture_output=True, text=True, timeout=120)
    found = re.search(r'data-problems="([^"]*)"', done.stdout)
    assert found, f"chromium gave no measurements: {done.stderr[-2000:]}"
    assert json.loads(html.unescape(found.group(1))) == []


def pdf_pages(tmp_path: Path, workbooks: list[Path]) -> dict[str, list[str]]:
    """Each workbook printed by LibreOffice: the text of each PDF page, and every page's size checked."""
    soffice = required_tool("soffice", "libreoffice-calc")
    pdftotext = required_tool("pdftotext", "poppler-utils")
    pdfinfo = required_tool("pdfinfo", "poppler-utils")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), *map(str, workbooks)], capture_output=True, timeout=300, check=True)
    pages = {}
    for workbook in workbooks:
        pdf = tmp_path / f"{workbook.stem}.pdf"
        info = subprocess.run([pdfinfo, "-l", "999", str(pdf)], capture_output=True, text=True, check=True).stdout
        sizes = {(round(float(w)), round(float(h))) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", info)}
        assert sizes == {(842, 595)}, f"{workbook.name}: pages of {sizes} points, not A4 landscape"
        text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages[workbook.name] = text.rstrip("\f").split("\f")
    return pages


def test_workbooks_print_as_tidy_a4_landscape_pages(outputs, tmp_path):
    statement, publication, audit = (outputs / "2026/statement.xlsx", outputs / MARCH / f"公示-{MARCH}.xlsx",
                                     outputs / MARCH / f"audit-{MARCH}.xlsx")
    payout = outputs / "2026/兑现表-2026.xlsx"
    kpi = outputs / "dalian/考核表-2026.xlsx"
    pages = pdf_pages(tmp_path, [statement, publication, audit, payout, outputs / "targets/targets.xlsx", kpi])
    departments = ["公司业务部", "机构业务部", "房地产信贷部", "个人金融部", "电子银行部", "信用卡中心"]
    year_end = pages[statement.name]
    assert all(name in year_end[0] for name in departments) and "完成率" in year_end[1]  # one page, then products
    month = pages[publication.name]
    assert "合计" in month[0] and "交易编号" not in month[0]  # the departments, one page
    assert "营销人员" in month[1] and "未分配" in month[1] and "交易编号" in month[2]  # their marketers, then deals
    assert "公示期" in month[0] and "第 1 页" in month[0]
    assert len(pages[audit.name]) == 1 and "审核结论" in pages[audit.name][0]
    assert len(pages[payout.name]) == 1 and "经公私联动交叉营销委员会批准" in pages[payout.name][0]
    # the KPI sheet for 人力资源部 (art. 17): the departments on one page with their totals, then each award
    # and deduction, then the outlets
    departments_page, items_page, outlets_page = pages[kpi.name]
    assert all(name in departments_page for name in departments) and "合计" in departments_page
    assert "年初目标" in departments_page and "55.48%" in departments_page and "人力资源部 审核" in departments_page
    assert "西岗万象府项目突破" in items_page and "完成率 < 60%" in items_page
    assert "中山支行" in outlets_page
