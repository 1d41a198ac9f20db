"""A session: rules checked, plan built, period checked, tables read — ready to evaluate any month.

Every command that takes a WORKSPACE (`evaluate`, `explain`, `targets`, `sample`, `statement`, …) opens
one with `open_session`, and every policy test builds one with `new_session`, the constructor both use:
so rules, period, tables and month are checked the same way for all of them, here and nowhere else.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Callable

from ..core.errors import EXIT_USAGE, UserError
from ..io.records import Table
from ..io.workspace import Workspace, load_workspace
from ..language.pipeline import Compiled, load, sha256_of
from .contract import Window
from . import DEFAULT_ENGINE
from .evaluate import Result, evaluate
from .inputs import Inputs, load_from_tables, read_tables
from .plan import Plan, build_plan

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class RulesHaveErrors(Exception):
    """The rules did not pass `check`; the diagnostics are in `compiled.report`."""

    def __init__(self, compiled: Compiled):
        super().__init__("the rules have errors")
        self.compiled = compiled


@dataclass
class Session:
    compiled: Compiled
    plan: Plan
    inputs: Inputs
    period: tuple[date, date]  # the evaluated period: the rules' effective period, or a part of it
    workspace: Workspace | None = None  # None for a policy test, whose tables are inline
    engine: str = DEFAULT_ENGINE  # what runs the rows stage (`evaluate.ENGINES`)

    def input_files(self) -> list[str]:
        """Every file the run reads: the rules, the measure and the workspace's tables."""
        files = [str(self.compiled.path)] + ([str(self.compiled.measure_path)] if self.compiled.measure_path else [])
        return files + (list(self.workspace.tables.values()) if self.workspace else [])

    def rules_info(self) -> dict:
        header = self.plan.header
        return {"name": header.name, "branch": header.branch, "measure": header.measure, "version": header.version,
                "sha256": sha256_of(self.compiled.path)}

    def window(self, month: str | None = None) -> Window:
        """The dates a run reports: the whole period, or one month of it (written YYYY-MM, inside the period)."""
        return window_of(self.period, month)

    def evaluate(self, month: str | None = None) -> Result:
        return evaluate(self.plan, self.inputs, self.window(month), self.engine)


def window_of(period: tuple[date, date], month: str | None = None) -> Window:
    """The dates a run over `period` reports: all of them, or one month (written YYYY-MM, inside the period)."""
    start, end = period
    if month is None:
        return Window(start, end)
    year, number = calendar_month(month)
    if not start.replace(day=1) <= date(year, number, 1) <= end:
        raise UserError("S126", f"month `{month}` is outside the period {start} to {end}",
                        help="choose a month inside the rules' effective period")
    return Window(start, end, date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1]))


def calendar_month(text: str) -> tuple[int, int]:
    """A month written YYYY-MM, as (year, month); anything else is a usage error."""
    match = MONTH.match(str(text).strip())
    if match is None:
        raise UserError("U101", f"`{text}` is not a month", help="write the month as YYYY-MM, e.g. 2026-03",
                        exit_status=EXIT_USAGE)
    return int(match.group(1)), int(match.group(2))


def new_session(compiled: Compiled, tables: Callable[[Plan], dict[str, Table]],
                period: tuple[date, date] | None = None, workspace: Workspace | None = None) -> Session:
    """The one constructor: the rules must be a branch's and check clean, `period` (None: the rules' own)
    must lie inside the rules' effective period; `tables(plan)` gives the tables by role, read once the
    plan says which columns the rules need."""
    if not compiled.ok:
        raise RulesHaveErrors(compiled)
    if compiled.ir["kind"] != "rules":
        raise UserError("S127", f"`{compiled.path}` is a measure, not a branch's rules",
                        help="name the branch's rules file, which implements the measure")
    plan = build_plan(compiled.ir)
    period = _inside(period, plan.period)
    return Session(compiled, plan, load_from_tables(plan, tables(plan)), period, workspace)


def _inside(period: tuple[date, date] | None, effective: tuple[date, date]) -> tuple[date, date]:
    if period is None:
        return effective
    start, end = period
    if start < effective[0] or end > effective[1]:
        raise UserError("S128", f"the period {start} to {end} is not inside the rules' effective period "
                                f"{effective[0]} to {effective[1]}",
                        help="shorten the period, or leave it out to use the rules' effective period")
    return start, end


def open_session(workspace_path: str | Path, *, rules: Path | None = None, measure: Path | None = None,
                 schema: Path | None = None, encoding: str | None = None,
                 tables: dict[str, str] | None = None, engine: str | None = None) -> Session:
    """Load the workspace, check its rules and read its tables; command-line values override the file.

    `engine=None` is the workspace's `engine:` (else the default); Spark runs where its `spark_remote:` says
    when neither the command line nor the environment said where (`spark.use_remote`)."""
    given = {name for name, value in (("rules", rules), ("measure", measure), ("schema", schema)) if value}
    workspace = load_workspace(workspace_path, frozenset(given | {f"tables.{role}" for role in tables or {}}))
    workspace = replace(workspace, rules=rules or workspace.rules, measure=measure or workspace.measure,
                        schema=schema or workspace.schema, encoding=encoding or workspace.encoding,
                        tables={**workspace.tables, **(tables or {})})
    compiled = load(workspace.rules, measure=workspace.measure, schema=workspace.schema)
    session = new_session(compiled, lambda plan: read_tables(workspace.tables, workspace.encoding, workspace.columns),
                          workspace.period, workspace)
    engine = engine or workspace.engine or DEFAULT_ENGINE
    if engine == "spark" and workspace.spark_remote:
        from .spark import use_remote_unless_given

        use_remote_unless_given(workspace.spark_remote)
    return replace(session, engine=engine)
