"""Audit verdicts as records (art. 21): each verdict on a sampled deal is a signed record against the sample.

The audit sheet carries the sample's fingerprint in its `sample` column; a sheet whose fingerprint is not
the month's recorded sample is refused, and so is a verdict on a deal the sample does not hold. Entering
verdicts never redraws the sample nor erases anything: a verdict that differs from the deal's last one
is a new record, the old one kept; the same verdict entered again stores nothing.

From the verdicts, the estimated error rate of the month's deals: the share of checked deals rejected,
with the upper end of its 95% Wilson score interval.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Context, Decimal

from ..core.errors import UserError
from ..engine.inputs import VERDICTS
from ..io.tables import Table, as_written
from .keys import SigningKey
from .records import Record, Records, draft, now

Z95 = Decimal("1.959963984540054")  # the normal quantile of a two-sided 95% interval
_PRECISE = Context(prec=28)


@dataclass(frozen=True)
class Entry:
    deal_id: str
    verdict: str
    note: str
    auditor: str
    audited_on: str
    row: int


def entries(table: Table, sample: Record, auditor: str) -> list[Entry]:
    """The filled rows of an audit sheet answering `sample`; anything else is refused, naming the row."""
    table.require({"deal_id": "each verdict is about one deal", "verdict": "`confirmed` or `rejected` (art. 21)",
                   "sample": "the fingerprint of the sample the sheet answers"})
    fingerprint, drawn = sample.facts["fingerprint"], set(sample.facts["deals"])
    found = []
    for number, row in table.numbered():
        deal_id = as_written(str(row.get("deal_id") or "").strip())
        mark = str(row.get("sample") or "").strip()
        if mark != fingerprint:
            raise UserError("A140", f"this audit sheet answers sample `{mark or '(none)'}`, not the sample of "
                                    f"`{sample.month}` (`{fingerprint}`, record {sample.id})", file=table.path,
                            row=number, column="sample",
                            help=f"enter the sheet written by `crossmarket sample … --month {sample.month}`")
        if deal_id not in drawn:
            raise UserError("A141", f"deal `{deal_id}` is not in the sample of `{sample.month}`", file=table.path,
                            row=number, column="deal_id", help="verdicts are entered for the sampled deals only")
        raw = str(row.get("verdict") or "").strip()
        if not raw:
            continue
        verdict = VERDICTS.get(raw.lower())
        if verdict is None:
            raise UserError("A143", f"verdict `{raw}` for deal `{deal_id}` is neither `confirmed` nor `rejected`",
                            file=table.path, row=number, column="verdict",
                            help="write `confirmed` (确认) or `rejected` (驳回), or leave it empty")
        who = str(row.get("auditor") or "").strip() or auditor
        on = str(row.get("audited_on") or "").strip() or str(now().date())
        found.append(Entry(deal_id, verdict, str(row.get("note") or "").strip(), who, on, number))
    return found


def enter(records: Records, sample: Record, found: list[Entry], key: SigningKey, by: str) -> list[Record]:
    """A record for each verdict that differs from the deal's last one; returns the new records."""
    latest = latest_verdicts(records, sample.branch, sample.month)
    stored = []
    for entry in found:
        last = latest.get(entry.deal_id)
        if last is not None and (last.facts["verdict"], last.facts["note"]) == (entry.verdict, entry.note):
            continue
        facts = {"sample": sample.facts["fingerprint"], "deal_id": entry.deal_id, "verdict": entry.verdict,
                 "note": entry.note, "auditor": entry.auditor, "audited_on": entry.audited_on,
                 "replaces": last.id if last is not None else None}
        stored.append(records.append(draft("verdict", sample.branch, sample.month, key, by, facts), key))
    return stored


def latest_verdicts(records: Records, branch: str, month: str | None = None) -> dict[str, Record]:
    """deal_id → its last verdict record, of one month or of every month of the branch."""
    latest = {}
    for record in records.all():
        if record.kind == "verdict" and record.branch == branch and month in (None, record.month):
            latest[record.facts["deal_id"]] = record
    return latest


def with_register_verdicts(session, records: Records | None) -> None:
    """Add the branch's verdicts recorded in the register to the workspace's audit table; where both judge
    a deal, the register's last verdict stands (it is signed and dated; the table is a loose sheet)."""
    if records is None:
        return
    latest = latest_verdicts(records, session.plan.header.branch)
    recorded = {deal_id: (r.facts["verdict"], r.facts["note"], 0) for deal_id, r in latest.items()}
    session.inputs = replace(session.inputs, audit={**session.inputs.audit, **recorded})


@dataclass(frozen=True)
class ErrorRate:
    checked: int
    rejected: int
    upper: Decimal | None  # 95% Wilson upper bound

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.rejected) / self.checked if self.checked else None

    def text(self) -> str:
        if not self.checked:
            return "no verdicts yet: no error rate"
        return (f"估计差错率 estimated error rate {_percent(self.rate)} ({self.rejected} of {self.checked} checked "
                f"deals rejected); 95% upper bound {_percent(self.upper)}")

    def to_json(self) -> dict:
        return {"checked": self.checked, "rejected": self.rejected,
                "rate": None if self.rate is None else _percent(self.rate),
                "upper_95": None if self.upper is None else _percent(self.upper)}


def error_rate(latest: dict[str, Record]) -> ErrorRate:
    n = len(latest)
    k = sum(1 for r in latest.values() if r.facts["verdict"] == "rejected")
    if n == 0:
        return ErrorRate(0, 0, None)
    p, z2 = Decimal(k) / n, Z95 * Z95
    centre = p + z2 / (2 * n)
    spread = Z95 * _PRECISE.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return ErrorRate(n, k, min(Decimal(1), (centre + spread) / (1 + z2 / n)))


def _percent(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.1'))}%"

