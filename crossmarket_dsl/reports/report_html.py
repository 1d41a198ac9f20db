"""A self-contained HTML report of an evaluation: inline CSS, no script, no network, prints cleanly.

`table`, `page` and `charts_section` are shared with the monthly publication statement (`statement.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence
from decimal import Decimal
from html import escape

from ..engine.contract import REASONS_ZH
from ..engine.staff import ARTICLE
from .charts import bar_chart, completion_chart, line_chart
from .render import completion_percent, percent_text

STYLE = """
@page{size:A4;margin:1.5cm 1.2cm}
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em;margin-bottom:.2em} h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}
h1,h2{break-after:avoid;page-break-after:avoid}
h2+*{break-before:avoid;page-break-before:avoid}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #bbb;padding:.25em .5em;vertical-align:top}
th{background:#f0f0f0;word-break:keep-all} td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} td.k{white-space:nowrap}
thead{display:table-header-group} tr{break-inside:avoid}
.note{background:#fff6d5;border:1px solid #e5c76b;padding:.5em .8em;margin:.8em 0}
.fail{color:#a40000} .muted{color:#666}
figure{margin:.8em 0;break-inside:avoid} figure svg{max-width:100%;height:auto}
@media print{body{margin:0;font-size:10pt} .note{border-color:#999}}
"""


@dataclass
class ChartData:
    """The figures behind the charts: department points, points by month, completion to date (art. 22)."""

    departments: list[tuple[str, Decimal]]
    months: list[str]
    trend: dict[str, list[Decimal]]  # department → points of each month
    completion: list[tuple[str, Decimal | None]]  # product → quantity to date / target
    floor: Decimal
    pace: Decimal  # the part of the period elapsed, for a provisional result; else 1


def charts_section(data: ChartData, points_title: str) -> str:
    """The three charts, each in a `<figure>` so that a printed page never cuts one in half."""
    charts = [bar_chart(points_title, data.departments),
              line_chart("各部门月度积分走势 Points by month", data.months, data.trend),
              completion_chart("产品完成率（年初至今）与按进度折算的下限（第二十二条）" if data.pace < 1 else
                               "产品完成率与下限（第二十二条）Completion", data.completion, data.floor, data.pace)]
    return "<h2>图表 Charts</h2>" + "".join(f"<figure>{chart}</figure>" for chart in charts)


def page(title: str, body: str, style: str = "") -> str:
    """A whole HTML document with the report's style (plus `style`), and nothing fetched from elsewhere."""
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{STYLE}{style}</style></head><body>{body}</body></html>\n")


def grouped(cell) -> str:
    """A figure with thousands separators for reading (`781853.53` → `781,853.53`); other text as it is."""
    text = str(cell)
    whole, dot, fraction = text.partition(".")
    digits = whole.lstrip("-")
    if not digits.isdigit() or (fraction and not fraction.isdigit()):
        return text
    return f"{whole[: len(whole) - len(digits)]}{int(digits):,}{dot}{fraction}"


def table(header: list[str], rows: list[list], numeric: set[int] = frozenset(), names: set[int] = frozenset()) -> str:
    """Figures (`numeric` columns) right-aligned and grouped; ids and names (`names`) never broken across
    lines; any other text wraps, so that the table keeps to the page's width."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(
        f'<td class="n">{escape(grouped(cell))}</td>' if i in numeric else
        f'<td class="k">{escape(str(cell))}</td>' if i in names else f"<td>{escape(str(cell))}</td>"
        for i, cell in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def warnings_html(warnings: list[str]) -> str:
    """What deserves a look before the figures are used (an undeclared outlet, undated rows), if anything."""
    if not warnings:
        return ""
    items = "".join(f"<li>{escape(warning)}</li>" for warning in warnings)
    return f"<div class='note'><strong>请注意 Warnings</strong><ul>{items}</ul></div>"


def figure_articles(plan, also: Sequence[str] = ()) -> list[str]:
    """The articles the figures come from: each product's, the split's and each gate's, in that order, then
    `also` (art. 21 for a page with marketers' points)."""
    cites = [*(name for product in plan.product_list for name in product.cite), *plan.split_cite,
             *(name for gate in plan.gates for name in gate.cite),
             *(name for award in plan.awards for name in award.cite),
             *(name for objective in plan.objectives.values() for name in objective.cite), *also]
    return [name for name in dict.fromkeys(cites) if name in plan.articles]


def articles_html(plan, also: Sequence[str] = ()) -> str:
    """The measure's words for every article a figure of the page comes from, so the page can be read
    beside the measure without opening it."""
    cited = figure_articles(plan, also)
    if not cited:
        return ""
    items = "".join(f"<dt>{escape(name)}</dt><dd>{escape(plan.articles[name])}</dd>" for name in cited)
    return f"<h2>所依据的管理办法条款 The measure's words</h2><dl class='articles'>{items}</dl>"


def adjustments_html(adjustments: dict | None) -> str:
    """Art. 4, 17: each department's year-start target, completion, awards and deductions, and each award and
    deduction with its article; in a monthly result, the year to date's, marked provisional."""
    if not adjustments:
        return ""
    title = "年终调整：年初目标与专项奖励（第四条、第十七条）Year-end adjustments"
    parts = [f"<h2>{escape(title)}</h2>"]
    if not adjustments["applied"]:
        parts.append("<p class='note'>年初至今的完成情况与已突破的重点项目，仅供参考：对照年初目标的扣分与专项奖励"
                     "于年终考核时按全年数据确定并计入部门积分。Year to date, provisional: applied at year end.</p>")
    parts.append(table(["部门", "交易积分", "年初目标", "完成率", "专项奖励", "扣减", "最终积分"],
                       [[d["department"], d["deal_points"], d["target"] or "—", completion_percent(d["completion"]),
                         d["awards"], d["deductions"], d["points"]] for d in adjustments["departments"]],
                       {1, 2, 3, 4, 5, 6}, {0}))
    if adjustments["items"]:
        parts.append(table(["部门", "类别", "项目", "积分", "条款", "说明"],
                           [[i["department"], "专项奖励" if i["kind"] == "award" else "扣减", i["name"], i["points"],
                             i["cite"], i["reason_zh"]] for i in adjustments["items"]], {3}, {0, 1, 4}))
    return "".join(parts)


def result_html(document: dict, extra_sections: str = "", articles: str = "") -> str:
    rules, period, deals = document["rules"], document["period"], document["deals"]
    title = f"{rules['name']}（{rules['branch']}）"
    when = f"{period['from']} 至 {period['to']}" + (f"，{period['month']} 月度统计" if period["month"] else "")
    parts = [f"<h1>{escape(title)}</h1>",
             f"<p class='muted'>{escape(when)} · 依据《{escape(rules['measure'])}》{escape(rules['version'])} · "
             f"规则文件 SHA-256 {escape(rules['sha256'][:16])}…</p>"]
    if document["provisional"]:
        parts.append("<p class='note'>本表为月度临时数据：年终门槛（第二十二条）未计入，奖励未分配。"
                     "Figures are provisional until the year-end evaluation.</p>")
    parts.append(f"<p>交易 {deals['rows']} 笔：受理 {deals['accepted']}，剔除 {deals['rejected']}</p>")
    parts.append(warnings_html(document["warnings_zh"]))
    parts.append("<h2>部门积分与奖励 Departments</h2>")
    parts.append(table(["部门", "积分", "奖励"],
                       [[d["department"], d["points"], d["reward"] or "—"] for d in document["departments"]],
                       {1, 2}, {0}))
    parts.append(adjustments_html(document.get("adjustments")))
    parts.append("<h2>产品完成情况 Products</h2>")
    parts.append(table(["产品", "代码", "数量", "目标", "完成率", "积分", "计入"],
                        [[p["product"], p["code"], p["quantity"], p["target"] or "—", percent_text(p["completion"]),
                          p["points"], "是" if p["counted"] else "否"] for p in document["products"]],
                       {2, 3, 4, 5}, {0, 1}))
    if document["staff"]:
        parts.append(f"<h2>营销人员积分（{ARTICLE}）Marketers</h2>")
        parts.append(table(["部门", "营销人员", "积分"],
                           [[s["department"], s["staff"] or "未分配", s["points"]] for s in document["staff"]],
                           {2}, {0, 1}))
    parts.append(extra_sections)
    if document["gates"]:
        parts.append("<h2>未通过的门槛 Failing gates</h2>")
        parts.append(table(["门槛", "条款", "范围", "对象", "系数"],
                            [[g["gate"], g["cite"], g["scope"], g["key"], g["factor"]] for g in document["gates"]],
                            {4}))
    if document["outlets"]:
        labels = [k for k in document["outlets"][0] if k != "outlet"]
        parts.append("<h2>网点归属（第十七条）Outlets</h2>")
        parts.append(table(["网点", *labels], [[o["outlet"], *(o[k] for k in labels)] for o in document["outlets"]],
                            set(range(1, len(labels) + 1))))
    if document["rejected"]:
        parts.append("<h2>剔除记录 Rejected rows</h2>")
        parts.append(table(["行号", "交易编号", "代码", "原因"],
                            [[r["row"], r["deal_id"], f"{r['code']} {REASONS_ZH[r['code']]}", r["reason_zh"]]
                             for r in document["rejected"]], {0}, {1, 2}))
    if document["staff_warnings"]:
        parts.append("<h2>营销人员提示 Staff entries not used</h2><p class='muted'>以下交易照常计分，"
                     "无法使用的营销人员所在部门积分列为未分配。</p>")
        parts.append(table(["行号", "交易编号", "代码", "提示"],
                           [[w["row"], w["deal_id"], w["code"], w["warning_zh"]] for w in document["staff_warnings"]],
                           {0}, {1, 2}))
    reward = document["reward"]
    parts.append(f"<p>奖励总额 {escape(str(reward['pool'] or '—'))}，已分配 {escape(str(reward['allocated']))}"
                 + (f"（{escape(reward['note'])}）" if reward.get("note") else "") + "</p>")
    parts.append(articles)
    return page(title, "".join(parts))
