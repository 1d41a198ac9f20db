"""`crossmarket audit commit|verdicts`: internal control's secret and its verdicts, as records (art. 21)."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import UserError
from ..io.jsonout import dumps
from ..io.tables import read_table
from ..office.commitment import commit, sample_of
from ..office.verdicts import enter, entries, error_rate, latest_verdicts
from .common import FORMAT_OPTION, Commands, month_option, open_workspace, session_options, workspace_options
from .signed import BY_OPTION, KEY_OPTION, REGISTER_OPTION, records_at, signer


@click.group("audit", cls=Commands)
def audit_group():
    """Internal control's spot checks (art. 21): the committed secret, and the verdicts on the sample."""


@audit_group.command("commit")
@click.argument("workspace", type=click.Path(path_type=Path))
@month_option("the month the secret will draw the sample of", required=True)
@click.option("--secret", "secret_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="where to write the secret; only internal control keeps it until the sample is drawn")
@click.option("--by-points", is_flag=True, help="draw deals with a chance in proportion to their points")
@KEY_OPTION
@BY_OPTION
@REGISTER_OPTION
@workspace_options
def commit_command(workspace, month, secret_path, by_points, key_path, by, register_path, **options):
    """Commit to a new random secret before the month is sealed: its SHA-256 goes into the register, the
    secret into `--secret`. The sample is drawn with it once the month is sealed (`crossmarket sample`).
    """
    key, by = signer(key_path, by)
    session = open_workspace(workspace, **session_options(**options))
    month = session.window(month).month
    with records_at(register_path, create=True) as records:
        record = commit(records, session.plan.header.branch, month, "points" if by_points else "uniform",
                        secret_path, key, by)
    click.echo(f"committed to the secret of {month} as record {record.id} (SHA-256 "
               f"{record.facts['secret_sha256']}); the secret is in {secret_path}: keep it until the sample is drawn")


@audit_group.command("verdicts")
@click.argument("workspace", type=click.Path(path_type=Path))
@month_option("the month whose sample the sheet answers", required=True)
@click.option("--sheet", "sheet_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="the filled audit sheet (audit-YYYY-MM.csv or .xlsx)")
@FORMAT_OPTION
@KEY_OPTION
@BY_OPTION
@REGISTER_OPTION
@workspace_options
def verdicts_command(workspace, month, sheet_path, output_format, key_path, by, register_path, **options):
    """Record the verdicts of a filled audit sheet against the month's sample: a new verdict or a changed
    one is a new record; the same verdict again stores nothing; nothing is ever erased. Prints the
    estimated error rate of the month with its 95% upper bound.
    """
    key, by = signer(key_path, by)
    session = open_workspace(workspace, **session_options(**options))
    month = session.window(month).month
    branch = session.plan.header.branch
    table = read_table(str(sheet_path), table="audit")
    with records_at(register_path) as records:
        sample = sample_of(records, branch, month)
        if sample is None:
            raise UserError("A127", f"no sample of `{month}` has been drawn yet",
                            help=f"draw it with `crossmarket sample WORKSPACE --month {month} --secret FILE`")
        stored = enter(records, sample, entries(table, sample, by), key, by)
        rate = error_rate(latest_verdicts(records, branch, month))
    if output_format == "json":
        click.echo(dumps({"month": month, "sample": sample.facts["fingerprint"], "stored": [r.id for r in stored],
                          "error_rate": rate.to_json()}))
        return
    click.echo(f"recorded {len(stored)} verdict{'s' if len(stored) != 1 else ''} against sample "
               f"{sample.facts['fingerprint']} of {month}" + (f" (records {', '.join(str(r.id) for r in stored)})"
                                                              if stored else ": nothing new"))
    click.echo(rate.text())
    if sample.facts["method"] == "points" and rate.checked:
        click.echo("the sample was drawn by points: the rate is that of the checked deals, which lean to the larger "
                   "ones, not of the month's deals counted one by one")

