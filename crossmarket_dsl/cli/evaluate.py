"""`crossmarket evaluate` and `crossmarket explain`."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import UserError
from ..engine import REFERENCE
from ..io.jsonout import dumps
from ..reports.render import to_json, to_text
from .common import ENGINE_OPTION, EXIT_INPUT, FORMAT_OPTION, month_option, open_workspace, session_options, workspace_options

# The register, the files of `--out` (workbooks: openpyxl) and the explanations are imported where an option
# or the command that uses them runs: a plain `evaluate` starts without them (`tests/test_imports.py`).

REGISTER_VERDICTS = click.option(
    "--register", "register_path", type=click.Path(path_type=Path),
    help="the register: its audit verdicts count, a sealed month that changed is restated, and the payout sheet "
         "names the committee's approval")
MONTH_OPTION = month_option("a monthly statement: that month's deals, gates over the period up to its end")


@click.command("evaluate")
@click.argument("workspace", type=click.Path(path_type=Path))
@MONTH_OPTION
@FORMAT_OPTION
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="also write result.json, per-deal lines, rejected rows, the department statement "
                   "(CSV and XLSX) and an HTML report into this folder")
@click.option("--strict", is_flag=True, help="exit 1 when any row is rejected")
@REGISTER_VERDICTS
@workspace_options
@ENGINE_OPTION
def evaluate_command(workspace, month, output_format, out_dir, strict, register_path, engine, **options):
    """Evaluate a workspace: every department's points and reward, every rejected row, every failing gate.

    A year-end evaluation with `--out` also writes the KPI sheet (考核表) for 人力资源部 (art. 17, 22, 23):
    each department's points, year-start target, completion, awards, deductions, final points and reward.
    With `--register` it writes the payout sheet (兑现表) for 人力资源部 and 财务会计部 as well, naming the
    committee's approval from the register; a result that differs from the approved one is marked not to be
    paid.
    """
    session = open_workspace(workspace, engine=engine, **session_options(**options))
    if register_path is None:
        result = session.evaluate(month)
        rules = session.rules_info()
        document, changes, state = to_json(result, rules), [], None
    else:
        result, rules, document, changes, state = _against_register(session, register_path, month)
    if output_format == "json":
        extra = {"restatements": [change.to_json() for change in changes]} if register_path is not None else {}
        if state is not None:
            from ..office.approval import result_hash

            extra["approval"] = {"approved": state.approved, "record": state.approval.id if state.approval else None,
                                 "result_sha256": result_hash(document)}
        click.echo(dumps({**document, **extra}))
    else:
        click.echo(to_text(result, rules), nl=False)
        for line in [line for change in changes for line in change.lines()]:
            click.echo(line)
        if state is not None:
            click.echo(state.text())
    if out_dir is not None:
        from ..office.approval import write_payout
        from ..office.kpi import write_kpi
        from ..reports.outputs import write_outputs

        written = write_outputs(out_dir, session, result)
        if not result.month:
            written += write_kpi(out_dir, document)
        if state is not None:
            written += write_payout(out_dir, document, state)
        click.echo(f"wrote {len(written)} files to {out_dir}", err=True)
    if strict and result.rejected:
        raise click.exceptions.Exit(EXIT_INPUT)


def _against_register(session, register_path: Path, month: str | None):
    """The evaluation with the register's audit verdicts counted, and what the register says of its result: the
    restatement of a sealed month that changed, the committee's standing approval of a year-end result."""
    from ..office.approval import standing
    from ..office.seal import restated
    from ..office.verdicts import with_register_verdicts
    from .signed import records_at

    with records_at(register_path) as records:
        with_register_verdicts(session, records)
        result = session.evaluate(month)
        rules = session.rules_info()
        document = to_json(result, rules)
        changes = restated(session, records, [result.month]) if result.month else []
        state = None if result.month else standing(records, rules["branch"], document)
    return result, rules, document, changes, state


@click.command("explain")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--deal", "deal_id", help="the deal_id to explain")
@click.option("--department", help="a department whose year-start target, awards and deductions to explain (art. 4, 17)")
@MONTH_OPTION
@REGISTER_VERDICTS
@workspace_options
def explain_command(workspace, deal_id, department, month, register_path, **options):
    """One deal's path to its points: validation, points, split, gates with their articles, final shares; or
    with `--department`, a department's year-start target, completion, awards and deductions."""
    if (deal_id is None) == (department is None):
        raise UserError("U100", "give either `--deal ID` or `--department NAME`", exit_status=2,
                        help="`crossmarket explain WORKSPACE --deal PJ2026-00003`, or `--department 机构业务部`")
    from ..reports.explain import explain_deal, explain_department

    # the reference explains a deal step by step; every engine's figures for it are the same
    session = open_workspace(workspace, engine=REFERENCE, **session_options(**options))
    if register_path is not None:
        from ..office.verdicts import with_register_verdicts
        from .signed import records_at

        with records_at(register_path) as records:
            with_register_verdicts(session, records)
    result = session.evaluate(month)
    if department is not None:
        text = explain_department(session, result, department)
        if text is None:
            raise UserError("U111", f"there is no marketing department `{department}` in the rules",
                            help="departments: " + "、".join(result.department_points))
        click.echo(text, nl=False)
        return
    text = explain_deal(session, result, deal_id)
    if text is None:
        raise UserError("U107", f"there is no deal `{deal_id}` in the ledger",
                        help="deal ids are in the `deal_id` column of the deals table")
    click.echo(text, nl=False)
