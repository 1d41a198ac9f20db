"""The month's spot-check sample (art. 21): 内控合规部 audits the published figures with random checks.

The draw is keyed by internal control's secret, committed to (its SHA-256 in the register) before the
month is sealed and revealed when the sample is drawn: the branch cannot know the secret, and internal
control cannot change it after seeing the ledger. Each accepted deal of the month gets the key
HMAC-SHA256(secret, frozen ledger's hash + `:` + deal_id); the deals with the smallest keys are the
sample, `spot_check` of them rounded up (at least one). Drawn by points (`points`), the key is turned into
an exponential variate divided by the deal's points (Efraimidis–Spirakis), so a deal of twice the points is
about twice as likely to be checked.

The frozen ledger's hash (`ledger_hash`) covers the month's accepted deals and the cells the rules read,
sorted by deal_id: reordering the ledger or adding rows of other months changes neither it nor the sample,
and anyone who has the revealed secret draws the same sample again.

The population is the month's accepted deals *before* any audit verdict: entering verdicts and running
`sample` again gives the same sample.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Context, Decimal
from pathlib import Path
from typing import Mapping

from ..core.errors import UserError
from .audit_sheet import Entry, entered
from ..engine.deals import Deal
from ..engine.evaluate import evaluate
from ..engine.plan import Plan
from ..io.files import output_folder
from ..io.tables import write_book, write_csv
from ..io.workbook import Book, Column, Sheet, title_lines
from ..reports.render import number_text, points_text

COLUMNS = [Column("deal_id", "交易编号"), Column("date", "日期", "date"), Column("product", "产品"),
           Column("client_id", "客户编号"), Column("departments", "主办与参与部门"), Column("points", "积分", "points"),
           Column("verdict", "审核结论", choices=("确认", "驳回")), Column("note", "审核说明", width=40),
           Column("sample", "样本指纹")]
"""The audit sheet; 内控合规部 fills in `verdict` (from a drop-down list) and `note`; `sample` names the
sample the sheet answers."""
METHODS = {"uniform": "each deal equally likely", "points": "weighted by points"}
_PRECISE = Context(prec=60)  # the weighted keys: the same digits on every machine, never a float


class SampleError(UserError):
    def __init__(self, code: str, message: str, help: str | None = None):
        super().__init__(code, message, help=help)


@dataclass
class Population:
    """The month's accepted deals before any verdict, and the frozen ledger's hash over them."""
    month: str
    deals: list[Deal]
    ledger_hash: str


@dataclass
class Sample:
    month: str
    ratio: Decimal
    population: int
    deals: list[Deal]  # by date, then deal_id (not ledger row: the order must not depend on the file's)
    ledger_hash: str
    method: str
    fingerprint: str  # names this sample: its month, ledger, method and deals (the audit sheet carries it)

    def rows(self, entries: Mapping[str, Entry] = {}) -> list[dict]:
        """The audit sheet: one line a sampled deal, `verdict` and `note` as already `entries`, else left for
        the auditor."""
        return [{"deal_id": deal.deal_id, "date": deal.date, "product": deal.product_plan.name,
                 "client_id": deal.client_id, "departments": departments_text(deal),
                 "points": Decimal(points_text(deal.points)),
                 "verdict": entries.get(deal.deal_id, Entry()).verdict or None,
                 "note": entries.get(deal.deal_id, Entry()).note or None,
                 "sample": self.fingerprint} for deal in self.deals]


def spot_check(plan: Plan) -> Decimal:
    """The spot-check ratio, or a `SampleError` saying what the rules lack."""
    audit = plan.audit
    example = "add `audit { spot_check 10% }` to the rules (art. 21)"
    if audit is None:
        raise SampleError("A101", "these rules have no `audit` block, so there is no spot-check ratio", example)
    if audit.spot_check is None:
        raise SampleError("A102", "the rules' `audit` block has no `spot_check` ratio", example)
    return audit.spot_check


def population(session, month: str) -> Population:
    window = session.window(month)
    unaudited = replace(session.inputs, audit={})
    deals = evaluate(session.plan, unaudited, window, session.engine).deals
    return Population(window.month, deals, ledger_hash(deals))


def ledger_hash(deals: list[Deal]) -> str:
    """SHA-256 of the deals by deal_id, each with its date, product, quantity and the cells the rules read."""
    lines = sorted(json.dumps([deal.deal_id, str(deal.date), deal.product_plan.name, str(deal.quantity),
                               sorted(zip(deal.layout, map(str, deal.cells)))], ensure_ascii=False)
                   for deal in deals)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def draw(people: Population, ratio: Decimal, secret: bytes, method: str = "uniform") -> Sample:
    """The sample of `people` under `secret`: the deals with the smallest keys."""
    key = _weighted_key if method == "points" else _uniform_key
    ranked = sorted(people.deals, key=lambda deal: key(secret, people.ledger_hash, deal))
    chosen = sorted(ranked[:sample_size(ratio, len(ranked))], key=lambda deal: (deal.date, deal.deal_id))
    facts = [people.month, people.ledger_hash, method, *(deal.deal_id for deal in chosen)]
    fingerprint = hashlib.sha256("\n".join(facts).encode("utf-8")).hexdigest()[:16]
    return Sample(people.month, ratio, len(ranked), chosen, people.ledger_hash, method, fingerprint)


def sample_key(secret: bytes, ledger: str, deal_id: str) -> bytes:
    return hmac.new(secret, f"{ledger}:{deal_id}".encode("utf-8"), hashlib.sha256).digest()


def _uniform_key(secret: bytes, ledger: str, deal: Deal) -> tuple:
    return (sample_key(secret, ledger, deal.deal_id),)


def _weighted_key(secret: bytes, ledger: str, deal: Deal) -> tuple:
    """-ln(u) / points, u uniform in (0, 1) from the HMAC: smallest first is a draw weighted by points.
    Deals without points come last (they earn nothing to check), in their HMAC order."""
    digest = sample_key(secret, ledger, deal.deal_id)
    if deal.points <= 0:
        return (1, Decimal(0), digest)
    u = _PRECISE.divide(Decimal(int.from_bytes(digest, "big") + 1), Decimal(2 ** 256 + 1))
    return (0, _PRECISE.divide(-_PRECISE.ln(u), deal.points), digest)


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


def write_sheets(out_dir: Path, sample: Sample, rules: dict, force: bool = False) -> tuple[list[Path], dict[str, Entry]]:
    """The audit sheet as CSV and XLSX, and the entries already typed in them that were kept; `evaluate`
    reads either back as the workspace's `audit` table (the workbook's second header row holds the column
    names it reads). Sheets already there are read first (`audit_sheet`): `force` replaces them blank."""
    output_folder(out_dir)
    csv_path, xlsx_path = (out_dir / name for name in file_names(sample.month))
    entries = {} if force else entered([csv_path, xlsx_path], sample.fingerprint,
                                       [deal.deal_id for deal in sample.deals])
    rows = sample.rows(entries)
    year, month = sample.month.split("-")
    lines = [*title_lines(rules, f"{year}年{int(month)}月"),
             f"抽查 Sample：本月受理交易 {sample.population} 笔，按 {number_text(sample.ratio * 100)}% 抽取 "
             f"{len(sample.deals)} 笔（第二十一条），以内控合规部事先承诺并已公开的密钥对封存台账逐笔 HMAC-SHA256 "
             f"排序，任何人可复核；样本指纹 {sample.fingerprint}",
             "审核结论请从下拉列表选择：确认 或 驳回；驳回的交易不计积分"]
    write_book(xlsx_path, Book(f"{rules['branch']}交叉营销积分抽查表（{year}年{int(month)}月）", lines,
                               [Sheet(f"抽查{sample.month}", COLUMNS, rows, keys=True)]))
    write_csv(csv_path, [column.key for column in COLUMNS], rows)  # after the workbook, the likelier to fail
    return [csv_path, xlsx_path], entries


def to_json(sample: Sample, rules: dict) -> dict:
    return {"rules": rules, "month": sample.month, "spot_check": sample.ratio, "population": sample.population,
            "size": len(sample.deals), "method": METHODS[sample.method], "ledger_sha256": sample.ledger_hash,
            "fingerprint": sample.fingerprint,
            "deals": [{key: value for key, value in row.items() if key not in ("verdict", "note", "sample")}
                      for row in sample.rows()]}


def sample_text(sample: Sample, rules: dict) -> str:
    lines = [f"{rules['name']}（{rules['branch']}）: spot-check sample for {sample.month} (art. 21)"]
    if not sample.deals:
        lines.append(f"month `{sample.month}` has no accepted deals: nothing to sample")
        return "\n".join(lines) + "\n"
    lines.append(f"{len(sample.deals)} of {sample.population} accepted deals ({number_text(sample.ratio * 100)}% "
                 f"rounded up, {METHODS[sample.method]}), drawn by HMAC-SHA256 keyed by internal control's "
                 f"revealed secret over the sealed ledger {sample.ledger_hash[:16]}… and each deal_id")
    lines.append(f"sample fingerprint 样本指纹 {sample.fingerprint}")
    lines += [f"  {row['deal_id']}  {row['date']}  {row['product']}  {row['client_id']}  {row['points']}  "
              f"{row['departments']}" for row in sample.rows()]
    return "\n".join(lines) + "\n"
