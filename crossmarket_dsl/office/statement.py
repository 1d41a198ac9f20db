"""The monthly publication statement (公示, art. 21): the month's points, published for a week at the
start of the next month, as a workbook formatted for printing and as a printable HTML page.

Figures come from the month's evaluation: the month's deals, gates judged on the period's deals up to
the month's end, year-end gates left out (so the figures are provisional). The year-to-date points are
the same run's points over every deal from the period's start to the month's end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from html import escape
from pathlib import Path

from ..engine.evaluate import Result
from ..engine.staff import ARTICLE, staff_table
from ..io.files import atomic_write_text, output_folder
from ..io.tables import write_book
from ..io.workbook import Book, Column, Sheet
from ..reports.outputs import (PEOPLE, REJECTED_COLUMNS, STAFF_WARNING_COLUMNS, UNASSIGNED, chart_data, deal_lines,
                               rejected_lines, staff_warning_lines)
from ..reports.render import adjustments_json, completion_percent, points_text, staff_shown, to_json
from ..reports.report_html import articles_html, charts_section, page, table, warnings_html
from ..semantics.values import to_text

PROVISIONAL = ("本表为月度统计，数据为临时数据：年终门槛（第二十二条）未计入，奖励未分配，以考核期末评价结果为准。"
               "Figures are provisional until the year-end evaluation.")
DEPARTMENT_COLUMNS = [Column("department", "部门"), Column("month", "本月积分", "points"),
                      Column("year", "本年累计积分", "points")]
PEOPLE_COLUMNS = [Column("department", "部门", "name"), Column("staff", "营销人员", "name"),
                  Column("month", "本月积分", "points"), Column("year", "本年累计积分", "points")]
GATE_COLUMNS = [Column("gate", "门槛"), Column("cite", "条款"), Column("scope", "范围"), Column("key", "对象"),
                Column("factor", "系数", "number")]
OBJECTIVE_COLUMNS = [Column("department", "部门", "name"), Column("deal_points", "年初至今积分", "points"),
                     Column("target", "年初目标", "number"), Column("completion", "完成率（年初至今）", "completion"),
                     Column("awards", "重点项目奖励（已突破）", "points")]
"""Art. 4, 17 over the year to date: where each department stands against its year-start target, and the
awards its key projects' and clients' breakthroughs so far would bring (provisional, not in the points; the
deductions and special awards by completion are decided at year end)."""
PRINT_CSS = """
@page{size:A4 landscape;margin:1cm}
.window{font-size:1.1em;font-weight:bold}
@media print{table{font-size:8pt}}
"""


@dataclass
class Statement:
    session: object
    result: Result  # the month's evaluation
    year_to_date: dict[str, Decimal]
    window: tuple[date, date]
    year_staff: list[tuple[str, str | None, Decimal]] = field(default_factory=list)  # (department, person, points)
    corrections: list[str] = field(default_factory=list)  # restatements of earlier sealed months (art. 21)
    seal: str | None = None  # the seal's record and hash, once the statement is sealed

    @property
    def month(self) -> str:
        return self.result.month

    @property
    def title(self) -> str:
        year, month = self.month.split("-")
        return f"{self.session.plan.header.branch}公私联动交叉营销积分公示（{year}年{int(month)}月）"

    def heading(self) -> list[str]:
        """The lines under the title: what, when, by which rules, and that the figures are provisional."""
        rules = self.session.rules_info()
        start, end = self.window
        period = self.result.window
        when = "自封存之日起" if self.seal else "月初"  # a statement sealed late is published from its seal
        return [f"公示期 Publication: {start} 至 {end}（第二十一条：{when}公示 {(end - start).days + 1} 天）",
                f"统计月份 {self.month}；考核期 {period.period_from} 至 {period.period_to}",
                f"依据《{rules['name']}》及《{rules['measure']}》{rules['version']}；规则文件 SHA-256 {rules['sha256'][:16]}…",
                *([self.seal] if self.seal else []), *self.corrections, PROVISIONAL]

    def departments(self) -> list[dict]:
        """Month and year-to-date points of each department and in total, to 4 places (SPEC §7.6)."""
        month, year = self.result.department_points, self.year_to_date
        rows = [(name, month.get(name, Decimal(0)), year.get(name, Decimal(0))) for name in {**month, **year}]
        rows.append(("合计", sum(month.values(), Decimal(0)), sum(year.values(), Decimal(0))))
        return [{"department": name, "month": Decimal(points_text(in_month)), "year": Decimal(points_text(so_far))}
                for name, in_month, so_far in rows]

    def people(self) -> list[dict]:
        """Art. 21: month and year-to-date points of each department's marketers and what no one was named for
        (未分配), each column adding up to the department's points from its deals."""
        month, year = staff_shown(self.result.staff), staff_shown(self.year_staff)
        keys = sorted({**month, **year}, key=lambda key: (self._order[key[0]], key[1] is None, key[1] or ""))
        return [{"department": key[0], "staff": key[1] or UNASSIGNED, "month": Decimal(month.get(key, "0")),
                 "year": Decimal(year.get(key, "0"))} for key in keys]

    @property
    def _order(self) -> dict[str, int]:
        return {name: index for index, name in enumerate(self.year_to_date)}


def publication_window(month_end: date, days: int) -> tuple[date, date]:
    """The first `days` days of the month after the statement's month."""
    start = month_end + timedelta(days=1)
    return start, start + timedelta(days=days - 1)


def build(session, month: str) -> Statement:
    result = session.evaluate(month)
    year = result.year_to_date()
    return Statement(session, result, year.departments,
                     publication_window(result.window.report_to, session.plan.publish_days),
                     staff_table(year.departments, year.staff))


def statement_text(statement: Statement) -> str:
    lines = [statement.title, *statement.heading(), ""]
    lines += [f"  {row['department']}  本月 {points_text(row['month'])}  本年累计 {points_text(row['year'])}"
              for row in statement.departments()]
    people = statement.people()
    if people:
        lines += ["", "  营销人员积分（第二十一条）"]
        lines += [f"  {row['department']}  {row['staff']}  本月 {points_text(row['month'])}  本年累计 {points_text(row['year'])}"
                  for row in people]
    lines.append(f"  本月受理交易 {len(statement.result.deals)} 笔，剔除 {len(statement.result.rejected)} 笔")
    if statement.result.staff_notes:
        lines.append(f"  营销人员无法使用 {len(statement.result.staff_notes)} 笔（交易照常计分，该部门积分列为未分配）")
    adjustments = adjustments_json(statement.result)
    if adjustments is not None:  # art. 4, 17: the year to date against the year-start targets, provisional
        lines += ["", "年初目标完成情况（年初至今，仅供参考；扣分与专项奖励于年终考核时确定）:"]
        lines += [f"  {d['department']}  年初至今 {d['deal_points']}  年初目标 {d['target'] or '—'}  "
                  f"完成率 {completion_percent(d['completion'])}  重点项目奖励 {d['awards']}"
                  for d in adjustments["departments"]]
    return "\n".join(lines) + "\n"


def file_names(month: str) -> tuple[str, str]:
    return f"公示-{month}.xlsx", f"公示-{month}.html"


def write_files(out_dir: Path, statement: Statement) -> list[Path]:
    output_folder(out_dir)
    xlsx_path, html_path = (out_dir / name for name in file_names(statement.month))
    write_book(xlsx_path, Book(statement.title, statement.heading(),
                               [Sheet(name, columns, rows) for name, columns, rows in _sections(statement)]))
    atomic_write_text(html_path, statement_html(statement))
    return [xlsx_path, html_path]


def _sections(statement: Statement) -> list[tuple[str, list[Column], list[dict]]]:
    """(sheet name, columns, rows) of each table of the statement, in print order: one sheet each in the
    workbook, one table each on the page."""
    deal_columns, deals = deal_lines(statement.result)
    document = to_json(statement.result, statement.session.rules_info())
    sections = [
        ("积分公示", DEPARTMENT_COLUMNS, statement.departments()),
        ("人员积分", PEOPLE_COLUMNS, statement.people()),
        ("交易明细", deal_columns, deals),
        ("未通过门槛", GATE_COLUMNS, document["gates"]),
        ("剔除记录", REJECTED_COLUMNS, rejected_lines(document["rejected"], statement.session)),
        ("营销人员提示", STAFF_WARNING_COLUMNS, staff_warning_lines(document)),
    ]
    if "adjustments" in document:
        figures = ("deal_points", "target", "completion", "awards")
        sections.append(("年初目标（预计）", OBJECTIVE_COLUMNS, [
            {**row, **{key: Decimal(row[key]) if row[key] is not None else None for key in figures}}
            for row in document["adjustments"]["departments"]]))
    return sections


# ---- the page ----

def statement_html(statement: Statement) -> str:
    heading = statement.heading()
    parts = [f"<h1>{escape(statement.title)}</h1>", f"<p class='window'>{escape(heading[0])}</p>",
             *(f"<p class='muted'>{escape(line)}</p>" for line in heading[1:-1]),
             f"<p class='note'>{escape(PROVISIONAL)}</p>", warnings_html(statement.result.warnings_zh)]
    departments = statement.result.department_points
    for index, (name, columns, rows) in enumerate(_sections(statement)):
        columns, rows = _shares_in_one_column(columns, rows, departments)
        if rows or index == 0:
            numeric = {i for i, column in enumerate(columns) if column.kind not in ("text", "name")}
            names = {i for i, column in enumerate(columns) if column.kind == "name"}
            parts.append(f"<h2>{escape(name)}</h2>")
            parts.append(table([column.label for column in columns],
                               [[_shown(column, row.get(column.key)) for column in columns] for row in rows],
                               numeric, names))
        if index == 0:  # the charts belong with the points, before the long list of deals
            parts.append(charts_section(chart_data(statement.result), "本月部门积分 Points this month"))
    parts.append(articles_html(statement.result.plan, [ARTICLE] if statement.year_staff else []))
    return page(statement.title, "".join(parts), PRINT_CSS)


def _shown(column: Column, value) -> str:
    """A cell as the page shows it: a completion as a percentage, cut to hundredths (59.99%, never 60%)."""
    if column.kind == "completion" and value is not None:
        return completion_percent(str(value))
    return to_text(value) or ""


def _shares_in_one_column(columns: list[Column], rows: list[dict], departments) -> tuple[list[Column], list[dict]]:
    """The deal table's department columns as one column of the shares a deal has, each with its marketers
    (`公司业务部 2.4000（韩立 2.4000）`): a column for each department makes the table too wide for a screen or
    a page, and most of its cells empty. The staff cell as written and its warnings are left to the workbook
    and to the table of staff entries not used."""
    kept = [column for column in columns if column.key not in departments]
    if len(kept) == len(columns):
        return columns, rows
    kept = [column for column in kept if column.key not in STAFF_KEYS]
    return [*kept, Column("shares", "部门分配")], [
        {**row, "shares": "；".join(f"{dept} {points_text(row[dept])}" + _people(row, dept)
                                   for dept in departments if dept in row)}
        for row in rows]


STAFF_KEYS = ("staff", "staff_points", "staff_warning")


def _people(row: dict, dept: str) -> str:
    people = row.get(PEOPLE, {}).get(dept)
    return f"（{people}）" if people else ""
