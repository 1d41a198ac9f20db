"""`crossmarket evaluate` and `crossmarket explain`."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import UserError
from ..io.jsonout import dumps
from ..reports.explain import explain_deal
from ..reports.outputs import write_outputs
from ..reports.render import to_json, to_text
from .common import EXIT_INPUT, FORMAT_OPTION, month_option, open_workspace, session_options, workspace_options

MONTH_OPTION = month_option("a monthly statement: that month's deals, gates over the period up to its end")


@click.command("evaluate")
@click.argument("workspace", type=click.Path(path_type=Path))
@MONTH_OPTION
@FORMAT_OPTION
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="also write result.json, per-deal lines, rejected rows, the department statement "
                   "(CSV and XLSX) and an HTML report into this folder")
@click.option("--strict", is_flag=True, help="exit 1 when any row is rejected")
@workspace_options
def evaluate_command(workspace, month, output_format, out_dir, strict, **options):
    """Evaluate a workspace: every department's points and reward, every rejected row, every failing gate."""
    session = open_workspace(workspace, **session_options(**options))
    result = session.evaluate(month)
    rules = session.rules_info()
    if output_format == "json":
        click.echo(dumps(to_json(result, rules)))
    else:
        click.echo(to_text(result, rules), nl=False)
    if out_dir is not None:
        written = write_outputs(out_dir, session, result)
        click.echo(f"wrote {len(written)} files to {out_dir}", err=True)
    if strict and result.rejected:
        raise click.exceptions.Exit(EXIT_INPUT)


@click.command("explain")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--deal", "deal_id", required=True, help="the deal_id to explain")
@MONTH_OPTION
@workspace_options
def explain_command(workspace, deal_id, month, **options):
    """One deal's path to its points: validation, points, split, gates with their articles, final shares."""
    session = open_workspace(workspace, **session_options(**options))
    result = session.evaluate(month)
    text = explain_deal(session, result, deal_id)
    if text is None:
        raise UserError("U107", f"there is no deal `{deal_id}` in the ledger",
                        help="deal ids are in the `deal_id` column of the deals table")
    click.echo(text, nl=False)
