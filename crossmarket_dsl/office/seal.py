"""The sealed publication (art. 21): the statement's figures frozen in the register, objections during the
publication window, and restatements when a later evaluation of a sealed month differs.

Sealing records the statement's hash, the frozen ledger's hash (`sample.ledger_hash`) and the window; the
figures themselves (each department's points, each deal's shares) go into the seal too, so a later
evaluation can say what changed, department by department and deal by deal. The window opens on the day
the statement is sealed (not before the first day of the next month) and lasts `publish_days` days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..core.errors import UserError
from ..engine.evaluate import Result
from ..reports.render import points_text
from .keys import COMMITTEE, SigningKey
from .records import Record, Records, canonical, draft, now, sha256_text
from .sample import Population, population

DECISIONS = {"upheld": "异议成立", "dismissed": "异议不成立"}


def figures(result: Result, year_to_date: dict[str, Decimal]) -> dict:
    """What the statement publishes, as text to 4 places: department points, and each deal's shares."""
    return {"departments": {name: points_text(points) for name, points in result.department_points.items()},
            "year_to_date": {name: points_text(points) for name, points in year_to_date.items()},
            "deals": {deal.deal_id: {dept: points_text(share) for dept, share in deal.gated_shares()}
                      for deal in result.deals}}


def sealed_window(scheduled: tuple[date, date], sealed_on: date) -> tuple[date, date]:
    start = max(scheduled[0], sealed_on)
    return start, start + (scheduled[1] - scheduled[0])


def seal(records: Records, branch: str, month: str, published: dict, scheduled: tuple[date, date],
         people: Population, key: SigningKey, by: str) -> Record:
    start, end = sealed_window(scheduled, now().date())
    facts = {"statement_sha256": sha256_text(canonical(published)), "ledger_sha256": people.ledger_hash,
             "window": {"from": str(start), "to": str(end)}, "figures": published}
    return records.append(draft("seal", branch, month, key, by, facts), key, lambda earlier: _may_seal(earlier, month))


def _may_seal(earlier: list[Record], month: str) -> None:
    kinds = {record.kind: record for record in earlier}
    if "seal" in kinds:
        record = kinds["seal"]
        raise UserError("A130", f"`{month}` is already sealed (record {record.id}, {record.made_at})",
                        help="a sealed month is corrected by a restatement: the next statement shows it")
    if "commitment" not in kinds:
        raise UserError("A122", f"internal control has not committed to a secret for `{month}`: "
                                "after the seal no fair sample could be drawn",
                        help=f"内控合规部 runs `crossmarket audit commit WORKSPACE --month {month}` first")


def seal_of(records: Records, branch: str, month: str) -> Record | None:
    found = records.of(branch, month, "seal")
    return found[0] if found else None


def require_seal(records: Records, branch: str, month: str) -> Record:
    record = seal_of(records, branch, month)
    if record is None:
        raise UserError("A131", f"`{month}` of {branch} is not sealed",
                        help=f"the committee seals it with `crossmarket statement WORKSPACE --month {month} --seal`")
    return record


# ---- restatements ----

@dataclass
class Restatement:
    month: str
    seal: Record
    departments: list[dict]  # {"department", "sealed", "now", "change"}
    deals: list[dict]  # {"deal_id", "sealed": {dept: points} | None, "now": … | None}

    def to_json(self) -> dict:
        return {"month": self.month, "sealed_record": self.seal.id, "sealed_at": self.seal.made_at,
                "departments": self.departments, "deals": self.deals}

    def lines(self) -> list[str]:
        out = [f"更正 Restatement of {self.month}: the figures sealed at {self.seal.made_at} "
               f"(record {self.seal.id}) have changed"]
        out += [f"  {row['department']}  公示 sealed {row['sealed']}  现 now {row['now']}  变动 {row['change']}"
                for row in self.departments]
        for deal in self.deals:
            what = ("新增 added" if deal["sealed"] is None else "剔除 removed" if deal["now"] is None
                    else "变更 changed")
            out.append(f"  交易 {deal['deal_id']}: {what}")
        return out


def restatement(seal_record: Record, current: dict) -> Restatement | None:
    """Sealed figures against the figures of an evaluation of the same month; None when nothing changed."""
    sealed = seal_record.facts["figures"]
    names = list(dict.fromkeys([*sealed["departments"], *current["departments"]]))
    departments = []
    for name in names:
        before = Decimal(sealed["departments"].get(name, "0"))
        after = Decimal(current["departments"].get(name, "0"))
        if before != after:
            departments.append({"department": name, "sealed": points_text(before), "now": points_text(after),
                                "change": points_text(after - before)})
    deal_ids = sorted(set(sealed["deals"]) | set(current["deals"]))
    deals = [{"deal_id": deal_id, "sealed": sealed["deals"].get(deal_id), "now": current["deals"].get(deal_id)}
             for deal_id in deal_ids if sealed["deals"].get(deal_id) != current["deals"].get(deal_id)]
    if not departments and not deals:
        return None
    return Restatement(seal_record.month, seal_record, departments, deals)


def restated(session, records: Records, months: list[str]) -> list[Restatement]:
    """Restatements of the sealed months among `months`, each evaluated again as it is now."""
    found = []
    for month in months:
        record = seal_of(records, session.plan.header.branch, month)
        if record is not None:
            result = session.evaluate(month)
            change = restatement(record, figures(result, result.year_to_date().departments))
            if change is not None:
                found.append(change)
    return found


def restated_before(session, records: Records, month: str) -> list[Restatement]:
    """What the statement of `month` restates: the earlier sealed months of the period that changed."""
    return restated(session, records, months_before(month, session.period[0]))


def seal_statement(session, records: Records, statement, key: SigningKey, by: str) -> Record:
    """Seal a built statement (`office.statement.Statement`) of the session's branch."""
    published = figures(statement.result, statement.year_to_date)
    return seal(records, session.plan.header.branch, statement.month, published, statement.window,
                population(session, statement.month), key, by)


# ---- objections ----

def file_objection(records: Records, seal_record: Record, text: str, key: SigningKey, by: str) -> Record:
    window = seal_record.facts["window"]
    today = now().date()
    if not (date.fromisoformat(window["from"]) <= today <= date.fromisoformat(window["to"])):
        raise UserError("A150", f"the publication window of `{seal_record.month}` is {window['from']} to "
                                f"{window['to']}; today is {today}",
                        help="objections are filed while the statement is published (art. 21); after that, "
                             "raise the matter with the committee (公私联动交叉营销委员会)")
    if key.office == COMMITTEE:
        raise UserError("K110", "the committee decides objections; a department files them",
                        help="sign with the objecting department's key (`--key`)")
    if not text.strip():
        raise UserError("A151", "the objection says nothing", help="write what is wrong with `--text`")
    facts = {"seal": seal_record.id, "text": text.strip()}
    return records.append(draft("objection", seal_record.branch, seal_record.month, key, by, facts), key)


def resolve_objection(records: Records, objection: Record, decision: str, reason: str, key: SigningKey,
                      by: str) -> Record:
    if not reason.strip():
        raise UserError("A151", "an objection is resolved with a reason", help="give it with `--reason`")
    facts = {"objection": objection.id, "decision": decision, "reason": reason.strip()}

    def unresolved(earlier: list[Record]) -> None:
        done = [r for r in earlier if r.kind == "resolution" and r.facts["objection"] == objection.id]
        if done:
            raise UserError("A152", f"objection {objection.id} was already resolved (record {done[0].id}, "
                                    f"{DECISIONS[done[0].facts['decision']]})",
                            help="a resolution stands; a new matter is a new objection")

    return records.append(draft("resolution", objection.branch, objection.month, key, by, facts), key, unresolved)


def objections(records: Records, branch: str | None, month: str | None) -> list[tuple[Record, Record | None]]:
    """Each objection with its resolution (None while open), oldest first."""
    every = [r for r in records.all() if (branch is None or r.branch == branch) and (month is None or r.month == month)]
    resolutions = {r.facts["objection"]: r for r in every if r.kind == "resolution"}
    return [(r, resolutions.get(r.id)) for r in every if r.kind == "objection"]


def next_month(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def months_before(month: str, first: date) -> list[str]:
    """The months from the period's first up to the one before `month`."""
    found, current = [], f"{first.year}-{first.month:02d}"
    while current < month:
        found.append(current)
        current = next_month(current)
    return found

