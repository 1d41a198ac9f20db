"""`crossmarket targets WORKSPACE`: candidate target clients and changes to the list (art. 7–9)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..io.jsonout import dumps
from ..office.targets import require_criteria_columns, review, review_text, to_json, write_files
from .common import FORMAT_OPTION, open_workspace, session_options, workspace_options


@click.command("targets")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--on", "on_day", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="read the target list as it stands on this day: entries not ended by then "
                   "(default: today, within the rules' period)")
@FORMAT_OPTION
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="also write the candidates, the clients meeting no criterion and the suggested changes "
                   "as CSV and as targets.xlsx into this folder")
@workspace_options
def targets_command(workspace, on_day, output_format, out_dir, **options):
    """Candidate target clients from the register: the criteria each meets, for which department (art. 7–9).

    With a target list in the workspace, also what the criteria would add to it and which listed
    clients no longer meet a criterion of their department (art. 8: the list is adjusted regularly).
    """
    session = open_workspace(workspace, **session_options(**options))
    require_criteria_columns(session)
    start, end = session.period
    on = min(max(on_day.date() if on_day else date.today(), start), end)
    document = to_json(review(session, on), session.rules_info(), session.plan.criteria)
    click.echo(dumps(document) if output_format == "json" else review_text(document), nl=output_format == "json")
    if out_dir is not None:
        written = write_files(out_dir, document, on)
        click.echo(f"wrote {len(written)} files to {out_dir}", err=True)
