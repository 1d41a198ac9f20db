"""`evaluate --out DIR`: the result as files people open — JSON, CSV and XLSX for Excel, HTML to read.

Every file is written whole or not at all (`tables` writes through a temporary file).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from ..engine.evaluate import Result, department_points
from ..io.files import atomic_write_text
from ..io.jsonout import dumps
from ..io.tables import write_csv, write_xlsx
from .render import cite_text, number_text, points_text, to_json
from .report_html import ChartData, charts_section, result_html

DEAL_COLUMNS = ["row", "deal_id", "date", "product", "client_id", "project_id", "outlet", "quantity", "points",
                "factor", "gated_points", "gates"]
REJECTED_COLUMNS = ["row", "deal_id", "code", "reason"]
DEPARTMENT_COLUMNS = ["department", "points", "reward"]
PRODUCT_COLUMNS = ["product", "code", "quantity", "target", "completion", "points", "counted"]
MONEY = "#,##0.00"
POINTS = "#,##0.0000"


def deal_lines(result: Result) -> tuple[list[str], list[dict]]:
    """One line per accepted deal: its points, the factor gates gave it, and each department's share."""
    departments = list(result.department_points)
    failing = {}
    for outcome in result.gates:
        if not outcome.passed:
            for deal in outcome.deals:
                failing.setdefault(deal.deal_id, []).append(f"{outcome.gate.name}({cite_text(outcome.gate.cite)})")
    lines = []
    for deal in result.deals:
        shares = dict(deal.gated_shares())
        line = {"row": deal.row, "deal_id": deal.deal_id, "date": deal.date, "product": deal.product_plan.name,
                "client_id": deal.client_id, "project_id": deal.project_id, "outlet": deal.outlet_name,
                "quantity": deal.quantity, "points": _round(deal.points), "factor": _factor(deal),
                "gated_points": _round(deal.gated_points), "gates": "；".join(failing.get(deal.deal_id, []))}
        line.update({dept: _round(shares[dept]) for dept in departments if dept in shares})
        lines.append(line)
    return DEAL_COLUMNS + departments, lines


def _round(value: Decimal) -> Decimal:
    return Decimal(points_text(value))


def _factor(deal) -> str:
    factors = deal.department_factors or {}
    parts = [number_text(deal.factor)] + [f"{dept}×{number_text(f)}" for dept, f in factors.items() if f != 1]
    return "; ".join(parts)


def chart_data(result: Result) -> ChartData:
    """The charts' figures. The trend and the completion are taken from every deal evaluated (the period
    up to the month's end) with the factors of this run's gates, so a year-end trend adds up to the
    year-end points."""
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
                     Decimal(result.plan.constants["completion_floor"]))


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


def write_outputs(out_dir: Path, session, result: Result) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    document = to_json(result, session.rules_info())
    deal_columns, deals = deal_lines(result)
    departments = [{"department": d["department"], "points": Decimal(d["points"]),
                    "reward": Decimal(d["reward"]) if d["reward"] is not None else None}
                   for d in document["departments"]]
    products = [{**p, "quantity": Decimal(p["quantity"]), "points": Decimal(p["points"]),
                 "counted": "是" if p["counted"] else "否"} for p in document["products"]]
    rejected = document["rejected"]
    written = {
        "result.json": lambda p: atomic_write_text(p, dumps(document) + "\n"),
        "deals.csv": lambda p: write_csv(p, deal_columns, deals),
        "rejected.csv": lambda p: write_csv(p, REJECTED_COLUMNS, rejected),
        "departments.csv": lambda p: write_csv(p, DEPARTMENT_COLUMNS, departments),
        "statement.xlsx": lambda p: write_xlsx(p, [
            ("部门积分", DEPARTMENT_COLUMNS, departments),
            ("产品完成", PRODUCT_COLUMNS, products),
            ("交易明细", deal_columns, deals),
            ("剔除记录", REJECTED_COLUMNS, rejected),
        ], formats={"points": POINTS, "gated_points": POINTS, "reward": MONEY,
                    **{dept: POINTS for dept in result.department_points}}),
        "report.html": lambda p: atomic_write_text(p, result_html(
            document, charts_section(chart_data(result), "部门积分 Department points"))),
    }
    paths = []
    for name, write in written.items():
        path = out_dir / name
        write(path)
        paths.append(path)
    return paths
