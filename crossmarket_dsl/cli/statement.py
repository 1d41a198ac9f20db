"""`crossmarket statement WORKSPACE --month M`: the monthly publication statement (公示, art. 21)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import month_option, open_workspace, session_options, workspace_options


@click.command("statement")
@click.argument("workspace", type=click.Path(path_type=Path))
@month_option("the month the statement publishes", required=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="write 公示-YYYY-MM.xlsx (for printing) and 公示-YYYY-MM.html into this folder")
@workspace_options
def statement_command(workspace, month, out_dir, **options):
    """The month's publication statement (公示, art. 21), to print and to publish.

    Department points for the month and the year to date, the month's deals with each department's share,
    failing gates, and the publication window (the first `publish_days` days of the next month). Figures
    are provisional until the year-end evaluation.
    """
    # the statement's workbook needs openpyxl, a tenth of a second to import: not for the other commands
    from ..office.statement import build, statement_text, write_files
    session = open_workspace(workspace, **session_options(**options))
    statement = build(session, month)
    click.echo(statement_text(statement), nl=False)
    if out_dir is not None:
        written = write_files(out_dir, statement)
        click.echo(f"wrote {', '.join(str(path) for path in written)}", err=True)
