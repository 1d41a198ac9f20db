"""`evaluate --out DIR`: the result as files people open — JSON, CSV and XLSX for Excel, HTML to read.

Every file is written whole or not at all (`tables` writes through a temporary file).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from ..engine.contract import REASONS_ZH
from ..engine.evaluate import Result, department_points
from ..engine.staff import ARTICLE, PROBLEMS_ZH, Division, StaffBook, divide
from ..io.files import atomic_write_text, output_folder, refuse_overwriting
from ..io.jsonout import dumps
from ..io.tables import write_book, write_csv
from ..io.workbook import Book, Column, Sheet, title_lines
from .explain import rule_at
from .render import cite_text, number_text, parts_text, points_text, to_json
from .report_html import ChartData, articles_html, charts_section, result_html

DEAL_COLUMNS = [Column("row", "行号", "row"), Column("deal_id", "交易编号", "name"), Column("date", "日期", "date"),
                Column("product", "产品", "name"), Column("client_id", "客户编号", "name"),
                Column("project_id", "楼盘项目", "name"), Column("outlet", "网点", "name"),
                Column("quantity", "数量", "number"), Column("points", "积分", "points"),
                Column("factor", "门槛系数", "number"), Column("gated_points", "计分积分", "points"),
                Column("gates", "未通过门槛"), Column("staff", "营销人员"), Column("staff_points", "人员分成"),
                Column("staff_warning", "营销人员提示")]
REJECTED_COLUMNS = [Column("row", "行号", "row"), Column("deal_id", "交易编号", "name"), Column("code", "代码", "name"),
                    Column("reason_zh", "原因")]
"""Rejected rows as people read them (the code with its meaning, the reason in Chinese); the CSV keeps the
English reason for tools as well."""
STAFF_COLUMNS = [Column("department", "部门", "name"), Column("staff", "营销人员", "name"), Column("points", "积分", "points")]
"""Art. 21: each department's points by person, what no one was named for as 未分配."""
STAFF_WARNING_COLUMNS = [Column("row", "行号", "row"), Column("deal_id", "交易编号", "name"), Column("code", "代码", "name"),
                         Column("warning_zh", "提示")]
"""Staff entries that could not be used: the rows are counted, the department's share stays unassigned."""
UNASSIGNED = "未分配"
DEPARTMENT_COLUMNS = [Column("department", "部门", "name"), Column("points", "积分", "points"),
                      Column("reward", "奖励（元）", "money")]
PRODUCT_COLUMNS = [Column("product", "产品", "name"), Column("code", "代码", "name"),
                   Column("quantity", "数量", "number"), Column("target", "目标", "number"),
                   Column("completion", "完成率", "percent"), Column("points", "积分", "points"), Column("counted", "计入")]


def deal_lines(result: Result) -> tuple[list[Column], list[dict]]:
    """One line per accepted deal: its points, the factor gates gave it, and each department's share
    (a department gate's factor is named with the gate: `最低户数(第二十条) 公司业务部×0`)."""
    departments = list(result.department_points)
    failing = {}
    for outcome in result.gates:
        if not outcome.passed:
            note = f"{outcome.gate.name}({cite_text(outcome.gate.cite)})"
            if outcome.gate.scope == "department":
                note += f" {outcome.key}×{number_text(outcome.factor)}"
            for deal in outcome.deals:
                failing.setdefault(deal.deal_id, []).append(note)
    lines, book = [], StaffBook(result.plan.departments)
    for deal in result.deals:
        gated = deal.gated_shares()
        shares = dict(gated)
        line = {"row": deal.row, "deal_id": deal.deal_id, "date": deal.date, "product": deal.product_plan.name,
                "client_id": deal.client_id, "project_id": deal.project_id, "outlet": deal.outlet_name,
                "quantity": deal.quantity, "points": _round(deal.points), "factor": deal.factor,
                "gated_points": _round(deal.gated_points), "gates": "；".join(failing.get(deal.deal_id, [])),
                **(_staff_cells(book.of(deal), gated, deal.staff) if deal.staff else {})}
        line.update({dept: _round(shares[dept]) for dept in departments if dept in shares})
        lines.append(line)
    return DEAL_COLUMNS + [Column(dept, dept, "points") for dept in departments], lines


def _staff_cells(division: Division, shares: list[tuple[str, Decimal]], written: str) -> dict:
    """A deal's staff as written, each department's people with their points (`公司业务部：张三 2、李四 2`), and
    why an entry could not be used."""
    parts = divide(shares, division)
    people = {}  # department → its people and their points, as text (a page shows them beside the share)
    for dept, share in shares:
        own = [(person, part) for person, of, part in parts if of == dept]
        if own:
            shown = parts_text(share, [part for _, part in own])
            people[dept] = "、".join(f"{person} {text}" for (person, _), text in zip(own, shown))
    return {"staff": written, "staff_points": "；".join(f"{dept}：{text}" for dept, text in people.items()),
            "staff_warning": "；".join(f"{problem.code} {problem.reason[1]}" for problem in division.problems),
            PEOPLE: people}


PEOPLE = "people"
"""The key of a deal line's people by department: no column of its own (`staff_points` says it in one cell)."""


def staff_lines(document: dict) -> list[dict]:
    """The JSON's staff rows for a sheet: the unassigned points named 未分配."""
    return [{**row, "staff": row["staff"] or UNASSIGNED} for row in document["staff"]]


def _round(value: Decimal) -> Decimal:
    return Decimal(points_text(value))


def chart_data(result: Result) -> ChartData:
    """The charts' figures. The trend and the completion are taken from every deal evaluated (the period
    up to the month's end) with the factors of this run's gates, so a year-end trend adds up to the
    year-end points before the year-end awards and deductions (art. 4, 17), which belong to no month."""
    months = _months(result.window.period_from, result.window.end)
    by_month: dict[str, list] = {month: [] for month in months}
    for deal in result.all_deals:
        by_month.setdefault(deal.date.strftime("%Y-%m"), []).append(deal)
    monthly = {month: department_points(result.plan, deals) for month, deals in by_month.items()}
    trend = {dept: [monthly[month].get(dept, Decimal(0)) for month in months] for dept in result.department_points}
    quantities: dict[str, Decimal] = {}
    for deal in result.all_deals:
        quantities[deal.product_plan.name] = quantities.get(deal.product_plan.name, Decimal(0)) + deal.quantity
    completion = [(p.plan.name, quantities.get(p.plan.name, Decimal(0)) / p.target
                   if p.target is not None and p.target > 0 else None) for p in result.products]
    return ChartData(list(result.department_points.items()), _month_labels(months), trend, completion,
                     Decimal(result.plan.constants["completion_floor"]), _pace(result, len(months)))


def _pace(result: Result, elapsed: int) -> Decimal:
    """The part of the period a provisional result has seen, in months (3/12 after March); 1 at year end,
    when the floor applies whole."""
    if not result.provisional:
        return Decimal(1)
    return min(Decimal(elapsed) / len(_months(result.window.period_from, result.window.period_to)), Decimal(1))


def _months(start: date, end: date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day.strftime("%Y-%m"))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def _month_labels(months: list[str]) -> list[str]:
    """`3月` when the months are of one year (the usual period), else `2026-03`."""
    if len({month[:4] for month in months}) > 1:
        return months
    return [f"{int(month[5:])}月" for month in months]


def with_rules(rejected: list[dict], session) -> list[dict]:
    """The JSON's rejected rows, each failed expression of the rules named in the Chinese reason with its
    source line (`……不符合计分条件；规则 deal.activated（panjin.xm:57:3）`)."""
    return [{**r, "reason_zh": f"{r['reason_zh']}；规则 {rule_at(session, r['rule'])}"} if r.get("rule") else r
            for r in rejected]


def rejected_lines(rejected: list[dict], session) -> list[dict]:
    """Rejected rows for a sheet or a page: each code with its meaning in Chinese (`R012 不符合计分条件`)."""
    return [{**r, "code": f"{r['code']} {REASONS_ZH[r['code']]}"} for r in with_rules(rejected, session)]


def staff_warning_lines(document: dict) -> list[dict]:
    """Staff entries not used, for a sheet or a page: each code with its meaning in Chinese."""
    return [{**w, "code": f"{w['code']} {PROBLEMS_ZH[w['code']]}"} for w in document["staff_warnings"]]


def period_text(result: Result) -> str:
    """The period a result covers, as a title block says it."""
    window = result.window
    period = f"{window.period_from} 至 {window.period_to}"
    return f"{result.month} 月度统计（考核期 {period}）" if result.month else period


def result_book(result: Result, rules: dict, sheets: list[Sheet]) -> Book:
    """A workbook of an evaluation's figures, with its title block; a monthly one says its figures are
    provisional."""
    what = f"{result.month[:4]}年{int(result.month[5:])}月" if result.month else "考核期"
    lines = title_lines(rules, period_text(result))
    if result.provisional:
        lines.append("本表为月度临时数据：年终门槛（第二十二条）未计入，奖励未分配。")
    return Book(f"{rules['branch']}公私联动交叉营销积分结果（{what}）", lines, sheets)


def _keys(columns: list[Column]) -> list[str]:
    return [column.key for column in columns]


_OVERFLOW = "一张工作表最多容纳 1,048,576 行：以上为前面的{what}，全部{what}见同一文件夹的 {file} (all rows are in {file})"


def write_outputs(out_dir: Path, session, result: Result) -> list[Path]:
    output_folder(out_dir)
    rules = session.rules_info()
    document = to_json(result, rules)
    deal_columns, deals = deal_lines(result)
    rejected = document["rejected"]
    written = {
        "result.json": lambda p: atomic_write_text(p, dumps(document) + "\n"),
        "deals.csv": lambda p: write_csv(p, _keys(deal_columns), deals),
        "rejected.csv": lambda p: write_csv(p, ["row", "deal_id", "code", "reason", "reason_zh"], rejected),
        "departments.csv": lambda p: write_csv(p, _keys(DEPARTMENT_COLUMNS), document["departments"]),
        "staff.csv": lambda p: write_csv(p, _keys(STAFF_COLUMNS), staff_lines(document)),
        "staff_warnings.csv": lambda p: write_csv(p, ["row", "deal_id", "code", "department", "entry", "warning",
                                                      "warning_zh"], document["staff_warnings"]),
        "statement.xlsx": lambda p: write_book(p, result_book(result, rules, [
            Sheet("部门积分", DEPARTMENT_COLUMNS, document["departments"]),
            Sheet("产品完成", PRODUCT_COLUMNS, [{**product, "counted": "是" if product["counted"] else "否"}
                                            for product in document["products"]]),
            *([Sheet("人员积分", STAFF_COLUMNS, staff_lines(document))] if document["staff"] else []),
            Sheet("交易明细", deal_columns, deals, overflow=_OVERFLOW.format(what="交易", file="deals.csv")),
            Sheet("剔除记录", REJECTED_COLUMNS, rejected_lines(rejected, session),
                  overflow=_OVERFLOW.format(what="剔除记录", file="rejected.csv")),
            *([Sheet("营销人员提示", STAFF_WARNING_COLUMNS, staff_warning_lines(document),
                     overflow=_OVERFLOW.format(what="提示", file="staff_warnings.csv"))]
              if document["staff_warnings"] else []),
        ])),
        "report.html": lambda p: atomic_write_text(p, result_html(
            {**document, "rejected": with_rules(rejected, session)},
            charts_section(chart_data(result), "部门积分 Department points"),
            articles_html(result.plan, [ARTICLE] if result.staff else []))),
    }
    refuse_overwriting([out_dir / name for name in written], session.input_files())
    paths = []
    for name, write in written.items():
        path = out_dir / name
        write(path)
        paths.append(path)
    return paths
