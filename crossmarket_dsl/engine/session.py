"""A workspace made ready to evaluate: rules checked, plan built, tables read and checked.

Every command that takes a WORKSPACE (`evaluate`, `explain`, `targets`, `sample`, `statement`, …)
starts here, so they all resolve files, report problems and pick the period the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..io.workspace import Workspace, WorkspaceError, load_workspace
from ..language.pipeline import Compiled, load, sha256_of
from .evaluate import Result, evaluate
from .inputs import Inputs, load_inputs
from .plan import Plan, build_plan

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class RulesHaveErrors(Exception):
    """The rules did not pass `check`; the diagnostics are in `compiled.report`."""

    def __init__(self, compiled: Compiled):
        super().__init__("the rules have errors")
        self.compiled = compiled


@dataclass
class Session:
    workspace: Workspace
    compiled: Compiled
    plan: Plan
    inputs: Inputs
    period: tuple[date, date]

    def rules_info(self) -> dict:
        header = self.plan.header
        return {"name": header.name, "branch": header.branch, "measure": header.measure, "version": header.version,
                "sha256": sha256_of(self.workspace.rules)}

    def evaluate(self, month: str | None = None) -> Result:
        return evaluate(self.plan, self.inputs, self.period, check_month(month, self.period))


def check_month(month: str | None, period: tuple[date, date]) -> str | None:
    if month is None:
        return None
    match = MONTH.match(month.strip())
    if match is None:
        raise WorkspaceError("S125", f"`{month}` is not a month", help="write the month as YYYY-MM, e.g. 2026-03")
    first = date(int(match.group(1)), int(match.group(2)), 1)
    if not (period[0].replace(day=1) <= first <= period[1]):
        raise WorkspaceError("S126", f"month `{month}` is outside the period {period[0]} to {period[1]}",
                             help="choose a month inside the rules' effective period")
    return month.strip()


def open_session(workspace_path: str | Path, *, rules: Path | None = None, measure: Path | None = None,
                 schema: Path | None = None, encoding: str | None = None,
                 tables: dict[str, str] | None = None) -> Session:
    """Load the workspace, check its rules and read its tables; command-line values override the file."""
    given = {name for name, value in (("rules", rules), ("measure", measure), ("schema", schema)) if value}
    workspace = load_workspace(workspace_path, frozenset(given | {f"tables.{role}" for role in tables or {}}))
    workspace = replace(workspace, rules=rules or workspace.rules, measure=measure or workspace.measure,
                        schema=schema or workspace.schema, encoding=encoding or workspace.encoding,
                        tables={**workspace.tables, **(tables or {})})
    compiled = load(workspace.rules, measure=workspace.measure, schema=workspace.schema)
    if not compiled.ok:
        raise RulesHaveErrors(compiled)
    if compiled.ir["kind"] != "rules":
        raise WorkspaceError("S127", f"`{workspace.rules}` is a measure, not a branch's rules",
                             help="point `rules:` in workspace.yaml at the branch's rules file")
    plan = build_plan(compiled.ir)
    period = _period(workspace, compiled.ir)
    inputs = load_inputs(plan, workspace.tables, workspace.encoding, workspace.columns)
    return Session(workspace, compiled, plan, inputs, period)


def _period(workspace: Workspace, ir: dict) -> tuple[date, date]:
    effective = ir["header"]["effective"]
    rules_period = (date.fromisoformat(effective["from"]), date.fromisoformat(effective["to"]))
    if workspace.period is None:
        return rules_period
    start, end = workspace.period
    if start < rules_period[0] or end > rules_period[1]:
        raise WorkspaceError("S128", f"the workspace period {start} to {end} is not inside the rules' effective period "
                             f"{rules_period[0]} to {rules_period[1]}",
                             help="shorten `period:` in workspace.yaml, or leave it out to use the rules' period")
    return start, end
