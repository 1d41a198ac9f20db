"""The tables of an evaluation (SPEC §6), read and checked before any deal is processed.

Required columns come from the fields the rules use; a missing one names the column, the table and
the rule that needs it. Lookup tables (clients, projects, indicators, target list, audit) are read
whole into dictionaries; the ledger is read by `tables.read_table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..io.headers import rename_columns
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


def read_tables(paths: dict[str, str], encoding: str | None = None,
                columns: dict[str, dict[str, str]] | None = None) -> dict[str, Table]:
    """Every table a workspace names, by role, its headers made names (`columns` maps the workspace's own);
    the ledger is streamed, read as the engine goes."""
    columns = columns or {}
    return {role: rename_columns(read_table(str(path), encoding=encoding, table=role, stream=role == "deals"),
                                 role, columns.get(role))
            for role, path in paths.items() if role in TABLE_ROLES and path}


def load_from_tables(plan: Plan, tables: dict[str, Table]) -> Inputs:
    """Check every table and column before any row, then index the lookup tables."""
    check_columns(plan, tables)
    inputs = Inputs(tables["deals"])
    inputs.target_list = _target_list(tables.get("target_list"), plan)
    inputs.clients = _keyed(tables.get("clients"), "client_id")
    inputs.projects = _projects(tables.get("projects"))
    inputs.indicators = indicators_by_product(tables.get("indicators"), plan)
    inputs.audit = _audit(tables.get("audit"))
    inputs.audit_path = tables["audit"].path if "audit" in tables else None
    return inputs


@dataclass(frozen=True)
class Need:
    """A table the rules need: the columns they read from it, and why the table is needed at all."""
    columns: dict[str, str]
    code: str  # the code when only the table is missing
    why: str
    help: str


def needs(plan: Plan, tables: dict) -> dict[str, Need]:
    """Every table the rules need, with the columns they read; a column they do not read is never needed."""
    found = {"deals": Need(required_deal_columns(plan), "T201", "the ledger is what is evaluated",
                           "add `deals: deals.csv` under `tables:` in workspace.yaml")}
    client = dict(plan.fields.get("client", {}))
    if "target_list" in tables:
        found["target_list"] = Need({"client_id": "the target list names clients (art. 8)",
                                     "department": "each target client belongs to a corporate department (art. 8)"},
                                    "T203", "", "")
    else:
        client.update(plan.criteria_fields.get("client", {}))
    if client or "target_list" not in tables:
        code, why = (("T202", f"the rules read `client.{next(iter(client))}`") if "target_list" in tables else
                     ("T203", "the target list (art. 8) is derived from the `clients` register by the criteria"))
        found["clients"] = Need({"client_id": "each row is found by `client_id`", **client}, code, why,
                                "add `clients: clients.csv` under `tables:`, or give the `target_list`")
    project = plan.fields.get("project", {})
    if project:
        found["projects"] = Need({"project_id": "each row is found by `project_id`", **project}, "T202",
                                 f"the rules read `project.{next(iter(project))}` ({next(iter(project.values()))})",
                                 "add `projects: projects.csv` under `tables:` in workspace.yaml")
    if "indicator" in plan.fields.get("product", {}) or "indicators" in tables:
        found["indicators"] = Need({"product": "each indicator names its product",
                                    "indicator": "the product-line indicator (art. 18)"}, "T204",
                                   "the rules read `product.indicator` (art. 18)",
                                   "add `indicators: indicators.csv` (columns `product`, `indicator`) under `tables:`")
    if "audit" in tables:
        found["audit"] = Need({"deal_id": "each verdict is about one deal",
                               "verdict": "`confirmed` or `rejected` (art. 21)"}, "T101", "", "")
    return found


def check_columns(plan: Plan, tables: dict[str, Table]) -> None:
    """Every table and column the rules read and the workspace lacks, reported at once: one problem with
    its own code, several as T133."""
    problems: list[TableError] = []
    for role, need in needs(plan, tables).items():
        table = tables.get(role)
        if table is None:
            problems.append(TableError(need.code, f"the workspace names no `{role}` table, but {need.why}",
                                       help=need.help))
        elif (problem := table.missing_columns(need.columns)) is not None:
            problems.append(problem)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise TableError("T133", f"the tables lack {len(problems)} things the rules read:\n"
                         + "\n".join(f"  - {problem.message}" for problem in problems),
                         help="add each column (or map the header you have under `columns:` in workspace.yaml) "
                              "and name each table under `tables:`")


def _keyed(table: Table | None, key: str) -> dict[str, dict]:
    if table is None:
        return {}
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


def _projects(table: Table | None) -> dict[str, dict]:
    """The projects by id, art. 20's columns made exact: `dev_loan` one of `DEV_LOAN`'s values,
    `dev_loan_share` a fraction in (0, 1], `total_mortgages` and `our_mortgages` household counts.
    A value the gate could only misread (a share of `40` meaning 4,000%) stops the evaluation at its row."""
    projects = _keyed(table, "project_id")
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


def indicators_by_product(table: Table | None, plan: Plan) -> dict[str, Decimal | None]:
    """Each product's indicator (art. 18), by the product's name; a row naming another product is T206."""
    if table is None:
        return {}
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
