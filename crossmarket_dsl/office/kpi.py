"""The year-end KPI sheet (考核表) for 人力资源部 (art. 17, 22, 23): each department's points after the gates,
its year-start target and completion, its special awards and deductions with their articles, its final
points and reward, and what each co-organising outlet earns, to be scored in the departments' annual
performance review and paid with the payout sheet.

`evaluate --out` writes it for every year-end evaluation, from the result's JSON document, as
`考核表-YEAR.xlsx` in the workbook style people print and sign, and the department table as CSV.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..io.tables import write_book, write_csv
from ..io.workbook import Book, Column, Sheet, title_lines

DEPARTMENT_COLUMNS = [
    Column("department", "部门", "name"), Column("deal_points", "交易积分", "points"),
    Column("target", "年初目标", "number"), Column("completion", "目标完成率", "completion"),
    Column("awards", "专项奖励", "points"), Column("deductions", "扣减", "points"),
    Column("points", "最终积分", "points"), Column("reward", "奖励金额（元）", "money"),
    Column("cite", "依据", "name"),
]
ITEM_COLUMNS = [Column("department", "部门", "name"), Column("kind", "类别", "name"), Column("name", "项目", "name"),
                Column("points", "积分", "points"), Column("cite", "依据", "name"), Column("reason_zh", "说明")]
KINDS = {"award": "专项奖励", "deduction": "扣减"}
ZERO = Decimal(0)


def department_rows(document: dict) -> list[dict]:
    """A row per marketing department and the total; without awards or objectives in the rules, the points
    are the deal points and the target columns stay empty."""
    adjustments = document.get("adjustments") or {"departments": [], "items": []}
    standings = {row["department"]: row for row in adjustments["departments"]}
    cites: dict[str, list[str]] = {}
    for item in adjustments["items"]:
        cites.setdefault(item["department"], []).extend(item["cite"].split("、"))
    rows = []
    for row in document["departments"]:
        name = row["department"]
        standing = standings.get(name, {})
        rows.append({"department": name, "deal_points": _figure(standing.get("deal_points", row["points"])),
                     "target": _figure(standing.get("target")), "completion": _figure(standing.get("completion")),
                     "awards": _figure(standing.get("awards", "0")), "deductions": _figure(standing.get("deductions", "0")),
                     "points": _figure(row["points"]), "reward": _figure(row["reward"]),
                     "cite": "、".join(dict.fromkeys(cites.get(name, [])))})
    total = {key: sum((row[key] for row in rows if row[key] is not None), ZERO)
             for key in ("deal_points", "awards", "deductions", "points")}
    rows.append({"department": "合计", **total, "reward": _figure(document["reward"]["allocated"])
                 if document["departments"] and document["departments"][0]["reward"] is not None else None})
    return rows


def item_rows(document: dict) -> list[dict]:
    items = (document.get("adjustments") or {}).get("items", [])
    return [{**item, "kind": KINDS[item["kind"]], "points": _figure(item["points"])} for item in items]


def outlet_sheet(document: dict) -> Sheet | None:
    """Art. 17: the product pricing, income and deposits credited to each co-organising outlet."""
    outlets = document["outlets"]
    if not outlets:
        return None
    labels = [label for label in outlets[0] if label != "outlet"]
    columns = [Column("outlet", "网点", "name"), *(Column(label, label, "money") for label in labels)]
    return Sheet("网点归属", columns, [{**row, **{label: _figure(row[label]) for label in labels}} for row in outlets])


def _figure(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def kpi_lines(document: dict) -> list[str]:
    period = document["period"]
    applied = bool(document.get("adjustments"))
    return [*title_lines(document["rules"], f"{period['from']} 至 {period['to']}"),
            "考核 Assessment：个人金融部牵头，机构业务部、电子银行部、信用卡中心等部门协助（第十七条）；"
            + ("完成不理想的部门对照年初目标扣分，完成突出的部门专项奖励，最终积分为奖励分配依据（第二十二条）"
               if applied else "本实施细则未设年初目标与专项奖励，最终积分即交易积分（第二十二条）"),
            "提交 To：人力资源部、财务会计部，纳入部门年终绩效考核（第十七条、第二十三条）",
            "个人金融部 编制：__________    人力资源部 审核：__________    委员会 审议：__________"]


def write_kpi(out_dir: Path, document: dict) -> list[Path]:
    """考核表-YEAR.xlsx (departments, awards and deductions, outlets) and the department table as CSV."""
    year = document["period"]["to"][:4]
    xlsx_path, csv_path = out_dir / f"考核表-{year}.xlsx", out_dir / f"考核表-{year}.csv"
    rows = department_rows(document)
    sheets = [Sheet("部门考核", DEPARTMENT_COLUMNS, rows)]
    items = item_rows(document)
    if items:
        sheets.append(Sheet("奖励与扣减", ITEM_COLUMNS, items))
    outlets = outlet_sheet(document)
    if outlets is not None:
        sheets.append(outlets)
    title = f"{document['rules']['branch']}公私联动交叉营销年度考核表（{year}年）"
    write_book(xlsx_path, Book(title, kpi_lines(document), sheets))
    write_csv(csv_path, [column.key for column in DEPARTMENT_COLUMNS], rows)
    return [xlsx_path, csv_path]
