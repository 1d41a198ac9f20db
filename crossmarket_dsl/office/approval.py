"""The committee's approval of the year's result, and the payout sheet (兑现表) that names it (art. 23).

The committee approves (or sends back) one year-end result, identified by the SHA-256 of its JSON
document: every department's points and reward, every rejected row, the rules' hash. 人力资源部 and
财务会计部 pay from the payout sheet `evaluate --out` writes; it names the approval in force, and a result
that differs from the approved one is never called approved — the sheet says it must not be paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..core.errors import UserError
from ..io.tables import write_book, write_csv
from ..io.workbook import Book, Column, Sheet, title_lines
from .keys import SigningKey
from .records import Record, Records, canonical, draft, sha256_text

DECISIONS = {"approved": "批准", "returned": "退回重审"}


def period_key(document: dict) -> str:
    period = document["period"]
    return f"{period['from']}~{period['to']}"


def result_hash(document: dict) -> str:
    """SHA-256 of the year-end result's JSON document (before anything about the register is added)."""
    return sha256_text(canonical(document))


def approve(records: Records, branch: str, document: dict, decision: str, note: str, key: SigningKey,
            by: str) -> Record:
    if document["period"]["month"] is not None or document["provisional"]:
        raise UserError("A161", "only the year-end result is approved, not a monthly statement",
                        help="run `crossmarket approve WORKSPACE` without `--month`")
    facts = {"result_sha256": result_hash(document), "decision": decision, "note": note.strip(),
             "departments": {row["department"]: {"points": row["points"], "reward": row["reward"]}
                             for row in document["departments"]},
             "pool": document["reward"]["pool"]}
    return records.append(draft("approval", branch, period_key(document), key, by, facts), key)


@dataclass(frozen=True)
class Standing:
    """What the register says of a result: the approval in force, and whether this result is the approved one."""
    approval: Record | None
    matches: bool

    @property
    def approved(self) -> bool:
        return self.approval is not None and self.matches and self.approval.facts["decision"] == "approved"

    def text(self) -> str:
        if self.approval is None:
            return "未经委员会审批，不得兑现 · not approved by the committee: do not pay"
        a = self.approval
        if not self.matches:
            return (f"与委员会审批的结果不一致（记录 {a.id}，{a.made_at}），不得兑现 · this result differs from the "
                    f"one the committee decided on (record {a.id}): do not pay")
        if a.facts["decision"] != "approved":
            return f"委员会已退回重审（记录 {a.id}，{a.made_at}，{a.made_by}），不得兑现 · returned by the committee"
        return (f"经公私联动交叉营销委员会批准（登记簿记录 {a.id}，{a.made_at}，{a.made_by}；结果 SHA-256 "
                f"{a.facts['result_sha256'][:16]}…）· approved by the committee")


def standing(records: Records, branch: str, document: dict) -> Standing:
    decisions = records.of(branch, period_key(document), "approval")
    if not decisions:
        return Standing(None, False)
    latest = decisions[-1]
    return Standing(latest, latest.facts["result_sha256"] == result_hash(document))


PAYOUT_COLUMNS = [Column("department", "部门"), Column("points", "积分", "points"),
                  Column("reward", "奖励金额（元）", "money")]


def payout_rows(document: dict) -> list[dict]:
    rows = [{"department": row["department"], "points": Decimal(row["points"]), "reward": _money(row["reward"])}
            for row in document["departments"]]
    rows.append({"department": "合计", "points": sum((row["points"] for row in rows), Decimal(0)),
                 "reward": _money(document["reward"]["allocated"])})
    return rows


def _money(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def payout_lines(document: dict, state: Standing) -> list[str]:
    period = document["period"]
    return [*title_lines(document["rules"], f"{period['from']} 至 {period['to']}"),
            f"审批 Approval：{state.text()}",
            f"结果 Result SHA-256：{result_hash(document)}",
            "人力资源部 经办：__________  复核：__________    财务会计部 经办：__________  复核：__________"]


def write_payout(out_dir: Path, document: dict, state: Standing) -> list[Path]:
    """兑现表-YEAR.xlsx, in the workbook style people print and sign, and the same table as CSV."""
    year = document["period"]["to"][:4]
    xlsx_path, csv_path = out_dir / f"兑现表-{year}.xlsx", out_dir / f"兑现表-{year}.csv"
    rows = payout_rows(document)
    title = f"{document['rules']['branch']}公私联动交叉营销年度奖励兑现表（{year}年）"
    write_book(xlsx_path, Book(title, payout_lines(document, state), [Sheet("兑现表", PAYOUT_COLUMNS, rows)]))
    write_csv(csv_path, [column.key for column in PAYOUT_COLUMNS], rows)
    return [xlsx_path, csv_path]
