"""Candidate target clients (art. 7–9) and the changes they suggest to the current target list (art. 8).

The committee decides the list; this module only proposes. Every client of the register is tested
against every department's criteria; a client that meets at least one is a candidate for that
department. Against a given list it tells which candidates are not yet listed for their department
and which listed clients no longer meet a criterion of the department they are listed under.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..engine.plan import CriterionPlan
from ..io.files import output_folder
from ..io.tables import TableError, read_table, write_book, write_csv
from ..io.workbook import Book, Column, Sheet, title_lines
from ..reports.render import cite_text
from ..semantics.expr import Env, truth
from ..semantics.values import to_text

REASONS = {
    "no_criterion": "不再符合任何标准 meets no criterion",
    "other_department": "只符合其他部门的标准 meets only another department's criteria",
    "not_in_register": "不在客户登记簿 not in the register",
}
_CLIENT = [Column("client_id", "客户编号"), Column("name", "客户名称")]
CANDIDATE_COLUMNS = [*_CLIENT, Column("department", "部门"), Column("criteria", "符合的标准"), Column("cite", "条款")]
UNMATCHED_COLUMNS = _CLIENT
ADDED_COLUMNS = [*_CLIENT, Column("department", "部门"), Column("from", "起始日期", "date"),
                 Column("to", "截止日期", "date"), Column("criteria", "符合的标准")]  # a target_list row, and why
REMOVED_COLUMNS = [*_CLIENT, Column("department", "部门"), Column("reason", "原因"),
                   Column("meets", "符合其标准的部门")]


@dataclass
class Candidate:
    client_id: str
    name: str
    met: list[CriterionPlan]

    def departments(self) -> list[str]:
        return list(dict.fromkeys(criterion.department for criterion in self.met))

    def labels(self, department: str) -> list[str]:
        return [criterion.label for criterion in self.met if criterion.department == department]


@dataclass
class Review:
    clients: list[Candidate]  # every client of the register, in its order
    on: date | None = None  # the date the current list is read at; None when there is no list
    added: list[tuple[Candidate, str]] = field(default_factory=list)  # (client, department)
    removed: list[dict] = field(default_factory=list)


def require_criteria_columns(session) -> None:
    """Every column a criterion reads must be in the register, even when the list is given (then the
    session itself does not read them); the error names the criterion that needs each column."""
    path = session.workspace.tables.get("clients")
    if not path:
        raise TableError("T211", "the workspace names no `clients` register, which the target criteria are tested on",
                         help="add `clients: clients.csv` under `tables:` in workspace.yaml (art. 8)")
    read_table(str(path), encoding=session.workspace.encoding, table="clients").require(
        {"client_id": "each client is found by `client_id`", **session.plan.criteria_fields.get("client", {})})


def review(session, on: date) -> Review:
    """Test every register row against the criteria; compare with the target list as it stands on `on`."""
    clients = [Candidate(client_id, to_text(row.get("name")) or "", _met(session.plan.criteria, row))
               for client_id, row in session.inputs.clients.items()]
    listed = session.inputs.target_list
    if listed is None:
        return Review(clients)
    current = dict.fromkeys((client_id, department) for client_id, entries in listed.items()  # in list order
                            for department, _, end in entries if end is None or end >= on)
    by_id = {client.client_id: client for client in clients}
    added = [(client, department) for client in clients for department in client.departments()
             if (client.client_id, department) not in current]
    removed = [change for client_id, department in current
               if (change := _removal(by_id.get(client_id), client_id, department)) is not None]
    return Review(clients, on, added, removed)


def _met(criteria: list[CriterionPlan], row: dict) -> list[CriterionPlan]:
    env = Env(client=row)
    return [criterion for criterion in criteria if truth(criterion.test(env)) is True]


def _removal(client: Candidate | None, client_id: str, department: str) -> dict | None:
    if client is None:
        return {"client_id": client_id, "name": "", "department": department, "reason": "not_in_register",
                "meets": []}
    meets = client.departments()
    if department in meets:
        return None
    return {"client_id": client_id, "name": client.name, "department": department,
            "reason": "other_department" if meets else "no_criterion", "meets": meets}


def to_json(result: Review, rules: dict, criteria: list[CriterionPlan]) -> dict:
    matched = [client for client in result.clients if client.met]
    return {
        "rules": rules,
        "criteria": [_criterion(c) for c in criteria],
        "candidates": [{"client_id": c.client_id, "name": c.name, "departments": c.departments(),
                        "criteria": [_criterion(m) for m in c.met]} for c in matched],
        "unmatched": [{"client_id": c.client_id, "name": c.name} for c in result.clients if not c.met],
        "target_list": None if result.on is None else {
            "on": result.on.isoformat(),
            "added": [{"client_id": c.client_id, "name": c.name, "department": dept, "criteria": c.labels(dept)}
                      for c, dept in result.added],
            "removed": result.removed,
        },
    }


def _criterion(criterion: CriterionPlan) -> dict:
    return {"department": criterion.department, "label": criterion.label, "cite": cite_text(criterion.cite)}


def candidate_rows(document: dict) -> list[dict]:
    """One row a client and department: the criteria it meets there, with their articles."""
    rows = []
    for candidate in document["candidates"]:
        for department in candidate["departments"]:
            met = [c for c in candidate["criteria"] if c["department"] == department]
            rows.append({"client_id": candidate["client_id"], "name": candidate["name"], "department": department,
                         "criteria": "；".join(c["label"] for c in met),
                         "cite": cite_text(list(dict.fromkeys(c["cite"] for c in met if c["cite"])))})
    return rows


def review_text(document: dict) -> str:
    rules = document["rules"]
    lines = [f"{rules['name']}（{rules['branch']}）: target clients (art. 7–9)",
             f"{len(document['candidates'])} of {len(document['candidates']) + len(document['unmatched'])} "
             "clients of the register meet a criterion", ""]
    for row in candidate_rows(document):
        lines.append(f"  {row['client_id']} {row['name']} → {row['department']}: {row['criteria']}")
    if document["unmatched"]:
        lines += ["", "不符合任何标准 meet no criterion:"]
        lines += [f"  {c['client_id']} {c['name']}" for c in document["unmatched"]]
    changes = document["target_list"]
    if changes is None:
        lines += ["", "no target list is given: the list is derived from these criteria (SPEC §7.1)"]
        return "\n".join(lines) + "\n"
    lines += ["", f"against the target list on {changes['on']}:"]
    lines += [f"  + {a['client_id']} {a['name']} → {a['department']}（{'；'.join(a['criteria'])}）"
              for a in changes["added"]] or ["  nothing to add"]
    lines += [f"  - {r['client_id']} {r['name']} ← {r['department']}: {REASONS[r['reason']]}"
              + (f"（{'、'.join(r['meets'])}）" if r["meets"] else "") for r in changes["removed"]] \
        or ["  every listed client still meets a criterion of its department"]
    return "\n".join(lines) + "\n"


def write_files(out_dir: Path, document: dict, on: date) -> list[Path]:
    """CSV files for tools and one workbook for the committee; the additions are in target_list's columns
    (named in the sheet's second header row), so the approved rows can be pasted into the list as they are."""
    output_folder(out_dir)
    sheets = [("candidates", Sheet("候选客户", CANDIDATE_COLUMNS, candidate_rows(document))),
              ("unmatched", Sheet("不符合标准", UNMATCHED_COLUMNS, document["unmatched"]))]
    changes = document["target_list"]
    if changes is not None:
        sheets += [("added", Sheet("建议新增", ADDED_COLUMNS, [{**a, "criteria": "；".join(a["criteria"])}
                                                          for a in changes["added"]], keys=True)),
                   ("removed", Sheet("建议移出", REMOVED_COLUMNS, [
                       {**r, "reason": REASONS[r["reason"]], "meets": "、".join(r["meets"])}
                       for r in changes["removed"]]))]
    paths = []
    for stem, sheet in sheets:
        paths.append(out_dir / f"targets-{stem}.csv")
        write_csv(paths[-1], [column.key for column in sheet.columns], sheet.rows)
    rules = document["rules"]
    paths.append(out_dir / "targets.xlsx")
    write_book(paths[-1], Book(f"{rules['branch']}目标客户名单建议（第七至九条）", title_lines(rules, f"名单日期 {on}"),
                               [sheet for _, sheet in sheets]))
    return paths
