"""The tables of an evaluation (SPEC §6), read and checked before any deal is processed.

Required columns come from the fields the rules use; a missing one names the column, the table and
the rule that needs it. Lookup tables (clients, projects, indicators, target list, audit) are read
whole into dictionaries; the ledger is read by `tables.read_table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..io.tables import Table, TableError, as_written, read_table
from ..semantics.expr import Env, truth
from ..semantics.values import to_date, to_number
from .plan import Plan, required_deal_columns

VERDICTS = {"confirmed": "confirmed", "确认": "confirmed", "通过": "confirmed", "属实": "confirmed",
            "rejected": "rejected", "驳回": "rejected", "不通过": "rejected", "不属实": "rejected"}
TABLE_ROLES = ("deals", "clients", "target_list", "projects", "indicators", "audit")


@dataclass
class Inputs:
    deals: Table
    clients: dict[str, dict] = field(default_factory=dict)
    projects: dict[str, dict] = field(default_factory=dict)
    indicators: dict[str, Decimal | None] = field(default_factory=dict)
    target_list: dict[str, list[tuple[str, date | None, date | None]]] | None = None
    audit: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # deal_id → (verdict, note, row)
    audit_path: str | None = None  # where the verdicts' rows are


def load_inputs(plan: Plan, paths: dict[str, str], encoding: str | None = None) -> Inputs:
    """Read every table the workspace names, then check and index them."""
    tables = {role: read_table(str(path), encoding=encoding, table=role, stream=role == "deals")
              for role, path in paths.items() if role in TABLE_ROLES and path}
    return load_from_tables(plan, tables)


def load_from_tables(plan: Plan, tables: dict[str, Table]) -> Inputs:
    """Check columns before rows, then index the lookup tables."""
    deals = tables.get("deals")
    if deals is None:
        raise TableError("T201", "the workspace names no `deals` table (the ledger)",
                         help="add `deals: deals.csv` under `tables:` in workspace.yaml")
    deals.require(required_deal_columns(plan))
    inputs = Inputs(deals)
    inputs.target_list = _target_list(tables.get("target_list"), plan)
    client_columns = dict(plan.fields.get("client", {}))
    if inputs.target_list is None:
        client_columns.update(plan.criteria_fields.get("client", {}))
    inputs.clients = _keyed(tables.get("clients"), "client_id", client_columns)
    inputs.projects = _projects(tables.get("projects"), dict(plan.fields.get("project", {})))
    inputs.indicators = _indicators(tables.get("indicators"), plan)
    inputs.audit = _audit(tables.get("audit"))
    inputs.audit_path = tables["audit"].path if "audit" in tables else None
    _require_lookup(plan, inputs, tables)
    return inputs


def _require_lookup(plan: Plan, inputs: Inputs, paths: dict) -> None:
    """A table the rules read from must be named at all."""
    for scope, role in (("client", "clients"), ("project", "projects")):
        used = plan.fields.get(scope)
        if used and role not in paths:
            name, why = next(iter(used.items()))
            raise TableError("T202", f"the rules read `{scope}.{name}` ({why}) but the workspace names no `{role}` table",
                             help=f"add `{role}: {role}.csv` under `tables:` in workspace.yaml")
    if inputs.target_list is None and "clients" not in paths:
        raise TableError("T203", "the workspace names neither a `target_list` nor a `clients` register",
                         help="the target list (art. 8) is either given as `target_list` or derived from the "
                              "`clients` register by the rules' criteria")
    if "indicator" in plan.fields.get("product", {}) and "indicators" not in paths:
        raise TableError("T204", "the rules read `product.indicator` but the workspace names no `indicators` table",
                         help="add `indicators: indicators.csv` (columns `product`, `indicator`) under `tables:`")


def _keyed(table: Table | None, key: str, columns: dict[str, str]) -> dict[str, dict]:
    if table is None:
        return {}
    table.require({key: f"each row is found by `{key}`", **columns})
    rows: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    for number, row in table.numbered():
        value = str(row.get(key) or "").strip()
        if not value:
            continue
        if value in rows:
            raise TableError("T205", f"`{key}` `{value}` appears twice in the {table.name} table (rows {first_row[value]} "
                             f"and {number})", help="each client or project must have exactly one row",
                             file=table.path, row=number, column=key)
        rows[value], first_row[value] = row, number
    return rows


DEV_LOAN = {"exclusive": "exclusive", "独家": "exclusive", "partial": "partial", "部分": "partial",
            "none": "none", "无": "none"}
"""The bank's development loan to a housing project (art. 20), as the projects table may write it."""


def _projects(table: Table | None, columns: dict[str, str]) -> dict[str, dict]:
    """The projects by id, art. 20's columns made exact: `dev_loan` one of `DEV_LOAN`'s values,
    `dev_loan_share` a fraction in (0, 1], `total_mortgages` and `our_mortgages` household counts.
    A value the gate could only misread (a share of `40` meaning 4,000%) stops the evaluation at its row."""
    projects = _keyed(table, "project_id", columns)
    if table is None or "dev_loan" not in table.columns:
        return projects
    for number, row in table.numbered():
        key = str(row.get("project_id") or "").strip()
        if key:
            _dev_loan_columns(projects[key], table, number)
    return projects


def _dev_loan_columns(row: dict, table: Table, number: int) -> None:
    project = str(row.get("project_id")).strip()

    def fail(code: str, column: str, message: str, help: str) -> TableError:
        return TableError(code, f"project `{project}`: {message}", file=table.path, row=number, column=column, help=help)

    raw = str(row.get("dev_loan") or "").strip()
    kind = DEV_LOAN.get(raw.lower())
    if kind is None:
        raise fail("T212", "dev_loan", f"`dev_loan` is `{raw}`, not one of exclusive (独家), partial (部分), none (无)",
                   "write `独家` where the bank alone lent to the developer, `部分` where it lent a share, "
                   "`无` where it did not (art. 20)")
    row["dev_loan"] = kind
    share = _household_number(row, "dev_loan_share")
    if share is not None and not 0 < share <= 1:
        raise fail("T213", "dev_loan_share", f"`dev_loan_share` is `{str(row['dev_loan_share']).strip()}`, not a share "
                   "between 0 and 100%", "write the bank's share of the development loan as `40%` or `0.4`")
    if kind == "partial" and share is None:
        raise fail("T213", "dev_loan_share", "a project with a partial development loan needs its `dev_loan_share`",
                   "write the bank's share of the development loan as `40%` or `0.4` (art. 20)")
    row["dev_loan_share"] = share
    total = _household_number(row, "total_mortgages")
    if kind != "none" and (total is None or total <= 0):
        raise fail("T214", "total_mortgages", f"`total_mortgages` is `{str(row.get('total_mortgages') or '').strip()}`, "
                   "not a number of households above 0", "art. 20 compares the bank's mortgage households with "
                   "the project's total: write the project's 个人住房贷款总户数")
    row["total_mortgages"] = total
    ours = _household_number(row, "our_mortgages")
    if ours is None and str(row.get("our_mortgages") or "").strip() or ours is not None and ours < 0:
        raise fail("T215", "our_mortgages", f"`our_mortgages` is `{str(row['our_mortgages']).strip()}`, not a number of "
                   "households", "write the bank's mortgage households from the loan system (本行按揭户数), "
                   "or leave the cell empty to count the ledger's mortgages")
    row["our_mortgages"] = ours


def _household_number(row: dict, column: str) -> Decimal | None:
    raw = row.get(column)
    return None if raw is None or str(raw).strip() == "" else to_number(raw)


def _indicators(table: Table | None, plan: Plan) -> dict[str, Decimal | None]:
    if table is None:
        return {}
    table.require({"product": "each indicator names its product", "indicator": "the product-line indicator (art. 18)"})
    found: dict[str, Decimal | None] = {}
    for number, row in table.numbered():
        name = str(row.get("product") or "").strip()
        product = plan.products.get(name)
        if product is None:
            raise TableError("T206", f"the indicators table names product `{name}`, which these rules do not configure",
                             file=table.path, row=number, column="product")
        found[product.name] = to_number(row.get("indicator"))
    return found


def _target_list(table: Table | None, plan: Plan):
    if table is None:
        return None
    table.require({"client_id": "the target list names clients (art. 8)",
                   "department": "each target client belongs to a corporate department (art. 8)"})
    entries: dict[str, list] = {}
    for number, row in table.numbered():
        client = str(row.get("client_id") or "").strip()
        department = str(row.get("department") or "").strip()
        if plan.departments.get(department) != "corporate":
            raise TableError("T207", f"the target list puts client `{client}` under `{department}`, which is not a "
                             "corporate department", file=table.path, row=number, column="department",
                             help="target clients belong to 公司业务部, 机构业务部 or 房地产信贷部 (art. 7)")
        start, end = _dated(row, "from", table, number), _dated(row, "to", table, number)
        entries.setdefault(client, []).append((department, start, end))
    return entries


def _dated(row: dict, column: str, table: Table, number: int) -> date | None:
    raw = row.get(column)
    if raw is None or str(raw).strip() == "":
        return None
    value = to_date(raw)
    if value is None:
        raise TableError("T208", f"`{raw}` in column `{column}` of the target list is not a date", file=table.path,
                         row=number, column=column, help="write dates as YYYY-MM-DD, or leave the cell empty")
    return value


def _audit(table: Table | None) -> dict[str, tuple[str, str, int]]:
    if table is None:
        return {}
    table.require({"deal_id": "each verdict is about one deal", "verdict": "`confirmed` or `rejected` (art. 21)"})
    verdicts = {}
    for number, row in table.numbered():
        deal_id = as_written(str(row.get("deal_id") or "").strip())
        raw = str(row.get("verdict") or "").strip()
        if not raw:
            continue  # not audited yet
        verdict = VERDICTS.get(raw.lower())
        if verdict is None:
            raise TableError("T209", f"verdict `{raw}` for deal `{deal_id}` is neither `confirmed` nor `rejected`",
                             file=table.path, row=number, column="verdict",
                             help="write `confirmed` (确认) or `rejected` (驳回), or leave it empty")
        verdicts[deal_id] = (verdict, str(row.get("note") or "").strip(), number)
    return verdicts


ALWAYS = (date.min, date.max)


@dataclass
class TargetTest:
    """Whether a client is on the target list on a date. A client listed once (the usual case) has its
    first and last day in `spans` (`date.min`, `date.max` when open), which the row loop reads directly;
    a client listed more than once has its spells in `spells`."""

    spans: dict[str, tuple[date, date]]
    spells: dict[str, list[tuple[date, date]]]

    def __call__(self, client_id: str, day: date) -> bool:
        span = self.spans.get(client_id)
        if span is not None:
            return span[0] <= day <= span[1]
        return any(start <= day <= end for start, end in self.spells.get(client_id, ()))


def target_test(plan: Plan, inputs: Inputs) -> TargetTest:
    """The given target list, else the list derived from the clients register by the criteria (SPEC §7.1)."""
    if inputs.target_list is None:
        return TargetTest(dict.fromkeys((client_id for client_id, row in inputs.clients.items()
                                         if meets_any(plan, row)), ALWAYS), {})
    spells = {client: [(start or date.min, end or date.max) for _, start, end in entries]
              for client, entries in inputs.target_list.items()}
    return TargetTest({client: dates[0] for client, dates in spells.items() if len(dates) == 1},
                      {client: dates for client, dates in spells.items() if len(dates) > 1})


def meets_any(plan: Plan, client_row: dict) -> bool:
    env = Env(client=client_row)
    return any(truth(criterion.test(env)) is True for criterion in plan.criteria)
