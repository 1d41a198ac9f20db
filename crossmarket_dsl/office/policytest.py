"""Policy tests (SPEC §8): `*.test.yaml` files that state, with inline tables, what rules must do.

```yaml
rules: panjin.xm
tests:
  - name: 独家开发贷楼盘按揭户数不足85%不计分
    cite: 第二十条
    projects: [{project_id: P1, dev_loan: exclusive, total_mortgages: 10}]
    target_list: [{client_id: C1, department: 房地产信贷部}]
    deals: [{deal_id: D1, date: 2026-03-01, product: 个人住房贷款, client_id: C1, participants: 房地产信贷部, project_id: P1}]
    expect:
      departments: {个人金融部: "0", 房地产信贷部: "0"}
      gates: [{gate: 住房按揭最低户数, key: P1, passed: false}]
```
A test may also give `month`, `period` (inside the rules' effective period), `clients`, `indicators`,
`audit`, and expect `rewards`, `products`,
`rejected` (`[{deal_id, code}]`), `outlets` (`[{outlet, <label>: amount}]`), `deals`
(`{rows, accepted, rejected}`), `staff` (`[{staff, department, points}]`, `staff: null` the unassigned points),
`staff_warnings` (`[{deal_id, code, department}]`), and the year-end adjustments of art. 4 and 17: `standings`
(`[{department, deal_points, target, completion, awards, deductions, points}]`) and `adjustments`
(`[{department, kind, name, points}]`, each award and deduction). Expected rows match any actual row that has the values they give.
`expect: {error: "…"}` states that the tables cannot be used: the evaluation stops with an error whose
message contains that text (a projects table with a `dev_loan_share` of `40`, say).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from ..core.errors import UserError
from ..engine import TEST_ENGINE
from ..engine.evaluate import Result
from ..engine.inputs import TABLE_ROLES
from ..engine.plan import required_deal_columns
from ..engine.session import new_session
from ..io.records import plain_boolean
from ..io.tables import Table, TableError
from ..io.workspace import ALIAS_HELP, AliasRefused, TextDateLoader
from ..language.pipeline import Compiled, load
from ..reports.render import to_json
from ..semantics.values import to_date

TEST_KEYS = {"name", "cite", "month", "expect", "period", *TABLE_ROLES}
EXPECT_KEYS = {"departments", "rewards", "gates", "products", "rejected", "outlets", "deals", "staff", "staff_warnings",
               "standings", "adjustments", "error"}


class PolicyTestError(UserError):
    """A test file that cannot be run: says which file, which test and which key."""

    def __init__(self, code: str, message: str, help: str | None = None):
        super().__init__(code, message, help=help)


@dataclass
class Outcome:
    name: str
    cite: str | None
    failures: list[str] = field(default_factory=list)
    document: dict | None = field(default=None, repr=False)  # the result, as `evaluate --format json` gives it

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class FileOutcome:
    path: Path
    compiled: Compiled | None
    outcomes: list[Outcome]


def find_test_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(path.rglob("*.test.yaml"))


def run_file(path: Path, measure: Path | None = None, schema: Path | None = None,
             engine: str = TEST_ENGINE) -> FileOutcome:
    """Run one test file; `measure` and `schema` override what the rules file finds (as for `check`)."""
    document = _read(path)
    rules = document.get("rules")
    if not isinstance(rules, str):
        raise PolicyTestError("P101", f"{path}: the key `rules` must name the rules file, e.g. `rules: panjin.xm`")
    compiled = load(path.parent / rules, measure=measure, schema=schema)
    if not compiled.ok:
        return FileOutcome(path, compiled, [])
    tests = document.get("tests")
    if not isinstance(tests, list) or not tests:
        raise PolicyTestError("P102", f"{path}: the key `tests` must be a list of tests")
    return FileOutcome(path, compiled, [run_test(path, compiled, i, test, engine)
                                             for i, test in enumerate(tests, 1)])


def _read(path: Path) -> dict:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=TextDateLoader)  # a safe loader
    except OSError as exc:
        raise PolicyTestError("P103", f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise PolicyTestError("P104", f"{path}: is not UTF-8 text") from None
    except AliasRefused as exc:
        raise PolicyTestError("P117", f"{path}:{exc.problem_mark.line + 1}: {exc.problem}; {ALIAS_HELP}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise PolicyTestError("P105", f"{path}{where}: is not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(document, dict):
        raise PolicyTestError("P106", f"{path}: must be a mapping with `rules` and `tests`")
    return document


def run_test(path: Path, compiled: Compiled, number: int, test, engine: str = TEST_ENGINE) -> Outcome:
    if not isinstance(test, dict):
        raise PolicyTestError("P107", f"{path}: test {number} must be a mapping with `name`, tables and `expect`")
    name = str(test.get("name") or f"test {number}")
    where = f"{path}: test `{name}`"
    unknown = sorted(set(test) - TEST_KEYS)
    if unknown:
        raise PolicyTestError("P108", f"{where}: unknown key `{unknown[0]}` (known: {', '.join(sorted(TEST_KEYS))})")
    expect = test.get("expect")
    if not isinstance(expect, dict) or not expect:
        raise PolicyTestError("P109", f"{where}: needs an `expect` mapping")
    unknown = sorted(set(expect) - EXPECT_KEYS)
    if unknown:
        raise PolicyTestError("P110", f"{where}: unknown key `expect.{unknown[0]}` (known: {', '.join(sorted(EXPECT_KEYS))})")
    tables, period = _tables(where, test), _period(where, test)
    outcome = Outcome(name, str(test["cite"]) if test.get("cite") else None)
    try:  # built and run as a workspace is, so rules, period, tables and month are checked the same way
        session = new_session(compiled, lambda plan: _with_all_columns(plan, tables), period)
        result = replace(session, engine=engine).evaluate(None if test.get("month") is None else str(test["month"]))
    except TableError as exc:
        if "error" not in expect:
            raise PolicyTestError("P111", f"{where}: {exc.message}") from None
        if str(expect["error"]) not in exc.message:
            outcome.failures = [f"error: expected one saying `{expect['error']}`, actual: {exc.message}"]
        return outcome
    except UserError as exc:  # the period or the month, with the code a workspace's would get
        raise PolicyTestError(exc.code, f"{where}: {exc.message}", exc.help) from None
    if "error" in expect:
        outcome.failures = [f"error: expected one saying `{expect['error']}`, but the tables were used"]
        return outcome
    outcome.document = to_json(result, ANONYMOUS)
    outcome.failures = compare(where, expect, result, outcome.document)
    return outcome


def _tables(where: str, test: dict) -> dict[str, Table]:
    tables = {}
    for role in TABLE_ROLES:
        rows = test.get(role)
        if rows is None:
            continue
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise PolicyTestError("P112", f"{where}: `{role}` must be a list of rows, e.g. [{{deal_id: D1, …}}]")
        columns = list(dict.fromkeys(key for row in rows for key in row))
        clean = [{str(k): _cell(v) for k, v in row.items()} for row in rows]
        tables[role] = Table(role, f"{role} of the test", [str(c) for c in columns], clean,
                             list(range(2, len(rows) + 2)))
    for role in ("deals", "projects", "indicators"):
        tables.setdefault(role, Table(role, f"{role} of the test", [], [], []))
    return tables


def _with_all_columns(plan, tables: dict[str, Table]) -> dict[str, Table]:
    """Inline rows give only the cells a test is about; every other column the rules read is empty."""
    needed = {"deals": required_deal_columns(plan),
              "clients": {"client_id": "", **plan.fields.get("client", {}), **plan.criteria_fields.get("client", {})},
              "projects": {"project_id": "", **plan.fields.get("project", {})},
              "indicators": {"product": "", "indicator": ""}}
    for role, columns in needed.items():
        if role in tables:
            table = tables[role]
            table.columns = list(dict.fromkeys([*table.columns, *columns]))
    return tables


def _cell(value):
    """YAML numbers become exact text (a YAML float is binary), booleans their text as other tables give
    them (`records.plain_boolean`); dates stay dates."""
    if isinstance(value, bool) or value is None:
        return plain_boolean(value)
    if isinstance(value, (int, float)):
        return repr(value)
    return str(value)


def _period(where: str, test: dict) -> tuple[date, date] | None:
    """The test's own `period: {from: …, to: …}`, if it gives one (the session checks it is inside the rules')."""
    period = test.get("period")
    if period is None:
        return None
    given = (to_date(period.get("from")), to_date(period.get("to"))) if isinstance(period, dict) else (None, None)
    if None in given or given[0] > given[1]:
        raise PolicyTestError("P113", f"{where}: `period` must be `{{from: YYYY-MM-DD, to: YYYY-MM-DD}}`, from before to")
    return given


# ---- comparing -------------------------------------------------------------------------------


ANONYMOUS = {"name": "", "branch": "", "measure": "", "version": "", "sha256": ""}  # a test's rules go unnamed


def compare(where: str, expect: dict, result: Result, document: dict) -> list[str]:
    failures = []
    failures += _compare_amounts("departments", expect.get("departments"),
                                 {d["department"]: d["points"] for d in document["departments"]}, where)
    failures += _compare_amounts("rewards", expect.get("rewards"),
                                 {d["department"]: d["reward"] for d in document["departments"]}, where)
    all_gates = [{"gate": o.gate.name, "scope": o.gate.scope, "key": o.key, "passed": o.passed,
                  "factor": document_factor(o.factor)} for o in result.gates]
    failures += _compare_rows("gates", expect.get("gates"), all_gates, where)
    failures += _compare_rows("products", expect.get("products"), document["products"], where)
    failures += _compare_rows("rejected", expect.get("rejected"), document["rejected"], where)
    failures += _compare_rows("outlets", expect.get("outlets"), document["outlets"], where)
    failures += _compare_rows("staff", expect.get("staff"), document["staff"], where)
    failures += _compare_rows("staff_warnings", expect.get("staff_warnings"), document["staff_warnings"], where)
    if "deals" in expect:
        failures += _compare_amounts("deals", expect["deals"], document["deals"], where)
    adjustments = document.get("adjustments") or {"departments": [], "items": []}
    failures += _compare_rows("standings", expect.get("standings"), adjustments["departments"], where)
    failures += _compare_rows("adjustments", expect.get("adjustments"), adjustments["items"], where)
    return failures


def document_factor(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _same(expected, actual) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected == actual
    try:
        return Decimal(str(expected)) == Decimal(str(actual))
    except (InvalidOperation, ValueError):
        return str(expected) == str(actual)


def _compare_amounts(section: str, expected, actual: dict, where: str) -> list[str]:
    if expected is None:
        return []
    if not isinstance(expected, dict):
        raise PolicyTestError("P115", f"{where}: `expect.{section}` must map names to figures")
    failures = []
    for key, value in expected.items():
        if key not in actual:
            failures.append(f"{section}: `{key}` is not in the result (it has {', '.join(map(str, actual))})")
        elif not _same(value, actual[key]):
            failures.append(f"{section}: `{key}` expected {value}, actual {actual[key]}")
    return failures


def _compare_rows(section: str, expected, actual: list[dict], where: str) -> list[str]:
    """Each expected row must match some actual row on the keys it gives."""
    if expected is None:
        return []
    if not isinstance(expected, list) or not all(isinstance(row, dict) for row in expected):
        raise PolicyTestError("P116", f"{where}: `expect.{section}` must be a list of mappings")
    failures = []
    for row in expected:
        if not any(all(key in item and _same(value, item[key]) for key, value in row.items()) for item in actual):
            shown = "; ".join(", ".join(f"{k}={item.get(k)}" for k in row) for item in actual) or "nothing"
            failures.append(f"{section}: expected {_row_text(row)}, actual: {shown}")
    return failures


def _row_text(row: dict) -> str:
    return ", ".join(f"{key}={value}" for key, value in row.items())
