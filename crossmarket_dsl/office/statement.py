"""The monthly publication statement (公示, art. 21): the month's points, published for a week at the
start of the next month, as a workbook formatted for printing and as a printable HTML page.

Figures come from the month's evaluation: the month's deals, gates judged on the period's deals up to
the month's end, year-end gates left out (so the figures are provisional). The year-to-date points are
the same run's points over every deal from the period's start to the month's end.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from html import escape
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..engine.contract import REASONS
from ..engine.evaluate import Result, department_points
from ..io.files import atomic_write_bytes, atomic_write_text
from ..language.diagnostics import display_width
from ..reports.outputs import POINTS, chart_data, deal_lines
from ..reports.render import points_text, to_json
from ..reports.report_html import charts_section, page, table
from ..semantics.values import to_text

PROVISIONAL = ("本表为月度统计，数据为临时数据：年终门槛（第二十二条）未计入，奖励未分配，以考核期末评价结果为准。"
               "Figures are provisional until the year-end evaluation.")
DEAL_LABELS = {"row": "行号", "deal_id": "交易编号", "date": "日期", "product": "产品", "client_id": "客户编号",
               "project_id": "楼盘项目", "outlet": "网点", "quantity": "数量", "points": "积分", "factor": "门槛系数",
               "gated_points": "计分积分", "gates": "未通过门槛"}
DEPARTMENT_COLUMNS = [("department", "部门"), ("month", "本月积分"), ("year", "本年累计积分")]
GATE_COLUMNS = [("gate", "门槛"), ("cite", "条款"), ("scope", "范围"), ("key", "对象"), ("factor", "系数")]
REJECTED_COLUMNS = [("row", "行号"), ("deal_id", "交易编号"), ("code", "代码"), ("reason", "原因")]
PRINT_CSS = """
@page{size:A4 landscape;margin:1cm}
.window{font-size:1.1em;font-weight:bold}
td{white-space:nowrap}
@media print{body{margin:0;font-size:10pt} table{font-size:8pt} thead{display:table-header-group} tr{break-inside:avoid}}
"""


@dataclass
class Statement:
    session: object
    result: Result  # the month's evaluation
    year_to_date: dict[str, Decimal]
    window: tuple[date, date]

    @property
    def month(self) -> str:
        return self.result.month

    @property
    def title(self) -> str:
        year, month = self.month.split("-")
        return f"{self.session.ir['header']['branch']}公私联动交叉营销积分公示（{year}年{int(month)}月）"

    def heading(self) -> list[str]:
        """The lines under the title: what, when, by which rules, and that the figures are provisional."""
        rules = self.session.rules_info()
        start, end = self.window
        period = self.result.window
        return [f"公示期 Publication: {start} 至 {end}（第二十一条：月初公示 {(end - start).days + 1} 天）",
                f"统计月份 {self.month}；考核期 {period.period_from} 至 {period.period_to}",
                f"依据《{rules['name']}》及《{rules['measure']}》{rules['version']}；规则文件 SHA-256 {rules['sha256'][:16]}…",
                PROVISIONAL]

    def departments(self) -> list[dict]:
        """Month and year-to-date points of each department and in total, to 4 places (SPEC §7.6)."""
        month, year = self.result.department_points, self.year_to_date
        rows = [(name, month.get(name, Decimal(0)), year.get(name, Decimal(0))) for name in {**month, **year}]
        rows.append(("合计", sum(month.values(), Decimal(0)), sum(year.values(), Decimal(0))))
        return [{"department": name, "month": Decimal(points_text(in_month)), "year": Decimal(points_text(so_far))}
                for name, in_month, so_far in rows]


def publish_days(ir: dict) -> int:
    """The statement block's days (art. 21), else the measure's `publish_days` parameter."""
    days = (ir.get("statement") or {}).get("publish_days")
    return int(days if days is not None else ir["params"]["publish_days"]["value"])


def publication_window(month_end: date, days: int) -> tuple[date, date]:
    """The first `days` days of the month after the statement's month."""
    start = month_end + timedelta(days=1)
    return start, start + timedelta(days=days - 1)


def build(session, month: str) -> Statement:
    result = session.evaluate(month)
    return Statement(session, result, department_points(session.plan, result.all_deals),
                     publication_window(result.window.report_to, publish_days(session.ir)))


def statement_text(statement: Statement) -> str:
    lines = [statement.title, *statement.heading(), ""]
    lines += [f"  {row['department']}  本月 {points_text(row['month'])}  本年累计 {points_text(row['year'])}"
              for row in statement.departments()]
    lines.append(f"  本月受理交易 {len(statement.result.deals)} 笔，剔除 {len(statement.result.rejected)} 笔")
    return "\n".join(lines) + "\n"


def file_names(month: str) -> tuple[str, str]:
    return f"公示-{month}.xlsx", f"公示-{month}.html"


def write_files(out_dir: Path, statement: Statement) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx_path, html_path = (out_dir / name for name in file_names(statement.month))
    atomic_write_bytes(xlsx_path, statement_xlsx(statement))
    atomic_write_text(html_path, statement_html(statement))
    return [xlsx_path, html_path]


# ---- tables shared by the workbook and the page ----

def _sections(statement: Statement) -> list[tuple[str, list[tuple[str, str]], list[dict]]]:
    """(sheet name, [(key, label)], rows) of each table of the statement, in print order."""
    deal_columns, deals = deal_lines(statement.result)
    document = to_json(statement.result, statement.session.rules_info())
    return [
        ("积分公示", DEPARTMENT_COLUMNS, statement.departments()),
        ("交易明细", [(key, DEAL_LABELS.get(key, key)) for key in deal_columns], deals),
        ("未通过门槛", GATE_COLUMNS, document["gates"]),
        ("剔除记录", REJECTED_COLUMNS, [{**r, "code": f"{r['code']} {REASONS[r['code']]}"}
                                     for r in document["rejected"]]),
    ]


# ---- the workbook ----

_TITLE = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_NUMBER_FORMATS = {"month": POINTS, "year": POINTS, "points": POINTS, "gated_points": POINTS, "date": "yyyy-mm-dd"}
_NUMERIC = {"row", "quantity", "month", "year", "points", "gated_points"}


def statement_xlsx(statement: Statement) -> bytes:
    """One sheet a table, each with the title rows, a bold frozen header that repeats on every printed
    page, and A4 landscape page setup scaled to the page's width."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    departments = set(statement.result.department_points)
    for name, columns, rows in _sections(statement):
        sheet = workbook.create_sheet(name)
        formats = {**_NUMBER_FORMATS, **{dept: POINTS for dept in departments}}
        _print_sheet(sheet, [statement.title, *statement.heading()], columns, rows, formats)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _print_sheet(sheet, heading: list[str], columns, rows: list[dict], formats: dict[str, str]) -> None:
    for line_number, text in enumerate(heading, 1):
        sheet.cell(line_number, 1, text).font = _TITLE if line_number == 1 else Font(italic=line_number == len(heading))
    header_row = len(heading) + 2
    for index, (_, label) in enumerate(columns, 1):
        cell = sheet.cell(header_row, index, label)
        cell.font, cell.fill, cell.border = _BOLD, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for offset, row in enumerate(rows, 1):
        for index, (key, _) in enumerate(columns, 1):
            cell = _put(sheet.cell(header_row + offset, index), row.get(key))
            cell.border = _BORDER
            if key in formats and not isinstance(cell.value, str):
                cell.number_format = formats[key]
    _widths(sheet, columns, rows)
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    setup = sheet.page_setup
    setup.orientation, setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _put(cell, value):
    """A value as Excel keeps it; text that starts with `=` stays text (never a formula)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _widths(sheet, columns, rows: list[dict]) -> None:
    """Each column as wide as its label and values (CJK counts double), within printable limits."""
    for index, (key, label) in enumerate(columns, 1):
        width = max([display_width(label), *(display_width(to_text(row.get(key)) or "") for row in rows[:1000])])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 40)


# ---- the page ----

def statement_html(statement: Statement) -> str:
    heading = statement.heading()
    parts = [f"<h1>{escape(statement.title)}</h1>", f"<p class='window'>{escape(heading[0])}</p>",
             *(f"<p class='muted'>{escape(line)}</p>" for line in heading[1:-1]),
             f"<p class='note'>{escape(PROVISIONAL)}</p>"]
    departments = statement.result.department_points
    for index, (name, columns, rows) in enumerate(_sections(statement)):
        if rows or index == 0:
            numeric = {i for i, (key, _) in enumerate(columns) if key in _NUMERIC or key in departments}
            parts.append(f"<h2>{escape(name)}</h2>")
            parts.append(table([label for _, label in columns],
                               [[to_text(row.get(key)) or "" for key, _ in columns] for row in rows], numeric))
        if index == 0:  # the charts belong with the points, before the long list of deals
            parts.append(charts_section(chart_data(statement.result), "本月部门积分 Points this month"))
    return page(statement.title, "".join(parts), PRINT_CSS)
