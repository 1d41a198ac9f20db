"""`crossmarket sample WORKSPACE --month M`: the month's spot-check sample and its audit sheet (art. 21)."""

from __future__ import annotations

from pathlib import Path

import click

from ..io.jsonout import dumps
from ..office.sample import draw, sample_text, to_json, write_sheets
from .common import FORMAT_OPTION, month_option, open_workspace, session_options, workspace_options


@click.command("sample")
@click.argument("workspace", type=click.Path(path_type=Path))
@month_option("the month whose accepted deals are sampled", required=True)
@FORMAT_OPTION
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="also write the audit sheet audit-YYYY-MM.csv and .xlsx into this folder")
@workspace_options
def sample_command(workspace, month, output_format, out_dir, **options):
    """The spot-check sample of a month's accepted deals, at the rules' `audit` ratio (art. 21).

    Drawn by HMAC-SHA256 of each deal_id keyed by the audit seed: anyone with the seed draws the same
    sample, and reordering the ledger or adding other months' rows does not change it. Fill in `verdict`
    (confirmed/rejected) and `note` in the audit sheet and name it as the workspace's `audit` table.
    """
    session = open_workspace(workspace, **session_options(**options))
    sample = draw(session, month)
    rules = session.rules_info()
    click.echo(dumps(to_json(sample, rules)) if output_format == "json" else sample_text(sample, rules),
               nl=output_format == "json")
    if out_dir is not None:
        written = write_sheets(out_dir, sample, rules)
        empty = "" if sample.deals else "an empty audit sheet (header only), "
        click.echo(f"wrote {empty}{', '.join(str(path) for path in written)}", err=True)
