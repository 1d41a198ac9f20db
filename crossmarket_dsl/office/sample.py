"""The month's spot-check sample (art. 21): 内控合规部 audits the published figures with random checks.

Each accepted deal of the month is keyed by HMAC-SHA256 of its `deal_id` under the rules' audit seed;
the deals with the smallest keys are the sample, `spot_check` of them rounded up (at least one). A key
depends only on the seed and the deal's own id, so reordering the ledger or adding rows of other months
changes nothing, and anyone who has the seed can draw the same sample again.

The population is the month's accepted deals *before* any audit verdict: entering verdicts in the audit
sheet and running `sample` again gives the same sample.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from ..core.errors import UserError
from ..engine.deals import Deal
from ..engine.evaluate import evaluate
from ..engine.plan import Plan
from ..engine.session import check_month
from ..io.tables import write_book, write_csv
from ..io.workbook import Book, Column, Sheet, title_lines
from ..reports.render import number_text, points_text

COLUMNS = [Column("deal_id", "交易编号"), Column("date", "日期", "date"), Column("product", "产品"),
           Column("client_id", "客户编号"), Column("departments", "主办与参与部门"), Column("points", "积分", "points"),
           Column("verdict", "审核结论", choices=("确认", "驳回")), Column("note", "审核说明", width=40)]
"""The audit sheet; 内控合规部 fills in `verdict` (from a drop-down list) and `note`."""


class SampleError(UserError):
    def __init__(self, code: str, message: str, help: str | None = None):
        super().__init__(code, message, help=help)


@dataclass
class Sample:
    month: str
    ratio: Decimal
    population: int
    deals: list[Deal]  # by date, then deal_id (not ledger row: the order must not depend on the file's)

    def rows(self) -> list[dict]:
        """The audit sheet: one line a sampled deal, `verdict` and `note` left for the auditor."""
        return [{"deal_id": deal.deal_id, "date": deal.date, "product": deal.product_plan.name,
                 "client_id": deal.client_id, "departments": departments_text(deal),
                 "points": Decimal(points_text(deal.points)), "verdict": None, "note": None} for deal in self.deals]


def audit_settings(plan: Plan) -> tuple[Decimal, str]:
    """The spot-check ratio and the seed, or a `SampleError` saying what the rules lack."""
    audit = plan.audit
    example = 'add `audit { spot_check 10%  seed "…" }` to the rules (art. 21)'
    if audit is None:
        raise SampleError("A101", "these rules have no `audit` block, so there is no spot-check ratio or seed", example)
    if audit.spot_check is None:
        raise SampleError("A102", "the rules' `audit` block has no `spot_check` ratio", example)
    if not audit.seed:
        raise SampleError("A103", "the rules' `audit` block has no `seed`", example)
    return audit.spot_check, audit.seed


def draw(session, month: str) -> Sample:
    ratio, seed = audit_settings(session.plan)
    month = check_month(month, session.period)
    unaudited = replace(session.inputs, audit={})
    deals = evaluate(session.plan, unaudited, session.period, month).deals
    chosen = sorted(deals, key=lambda deal: sample_key(seed, deal.deal_id))[:sample_size(ratio, len(deals))]
    return Sample(month, ratio, len(deals), sorted(chosen, key=lambda deal: (deal.date, deal.deal_id)))


def sample_key(seed: str, deal_id: str) -> bytes:
    return hmac.new(seed.encode("utf-8"), deal_id.encode("utf-8"), hashlib.sha256).digest()


def sample_size(ratio: Decimal, population: int) -> int:
    """`ratio` of the population rounded up; at least one deal when there are any, at most all."""
    if population == 0:
        return 0
    return min(population, max(1, int((ratio * population).to_integral_value(rounding=ROUND_CEILING))))


def departments_text(deal: Deal) -> str:
    host, *participants = (name for name, _ in deal.shares)
    return "、".join([f"{host}（主办）", *participants])


def file_names(month: str) -> tuple[str, str]:
    return f"audit-{month}.csv", f"audit-{month}.xlsx"


def write_sheets(out_dir: Path, sample: Sample, rules: dict) -> list[Path]:
    """The audit sheet as CSV and XLSX; `evaluate` reads either back as the workspace's `audit` table (the
    workbook's second header row holds the column names it reads)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = (out_dir / name for name in file_names(sample.month))
    rows = sample.rows()
    write_csv(csv_path, [column.key for column in COLUMNS], rows)
    year, month = sample.month.split("-")
    lines = [*title_lines(rules, f"{year}年{int(month)}月"),
             f"抽查 Sample：本月受理交易 {sample.population} 笔，按 {number_text(sample.ratio * 100)}% 抽取 "
             f"{len(sample.deals)} 笔（第二十一条），以审计种子的 HMAC-SHA256 排序，任何人可复核",
             "审核结论请从下拉列表选择：确认 或 驳回；驳回的交易不计积分"]
    write_book(xlsx_path, Book(f"{rules['branch']}交叉营销积分抽查表（{year}年{int(month)}月）", lines,
                               [Sheet(f"抽查{sample.month}", COLUMNS, rows, keys=True)]))
    return [csv_path, xlsx_path]


def to_json(sample: Sample, rules: dict) -> dict:
    return {"rules": rules, "month": sample.month, "spot_check": sample.ratio, "population": sample.population,
            "size": len(sample.deals), "method": "HMAC-SHA256(seed, deal_id), smallest first",
            "deals": [{key: value for key, value in row.items() if key not in ("verdict", "note")}
                      for row in sample.rows()]}


def sample_text(sample: Sample, rules: dict) -> str:
    lines = [f"{rules['name']}（{rules['branch']}）: spot-check sample for {sample.month} (art. 21)"]
    if not sample.deals:
        lines.append(f"month `{sample.month}` has no accepted deals: nothing to sample")
        return "\n".join(lines) + "\n"
    lines.append(f"{len(sample.deals)} of {sample.population} accepted deals ({number_text(sample.ratio * 100)}% "
                 "rounded up), drawn by HMAC-SHA256 of each deal_id keyed by the audit seed, smallest first")
    lines += [f"  {row['deal_id']}  {row['date']}  {row['product']}  {row['client_id']}  {row['points']}  "
              f"{row['departments']}" for row in sample.rows()]
    return "\n".join(lines) + "\n"
