"""`crossmarket sample WORKSPACE --month M`: the month's spot-check sample and its audit sheet (art. 21)."""

from __future__ import annotations

from pathlib import Path

import click

from ..io.jsonout import dumps
from ..core.errors import UserError
from ..office.audit_sheet import kept_text
from ..office.commitment import read_secret, redraw, reveal, sample_of
from ..office.sample import population, sample_text, spot_check, to_json, write_sheets
from ..office.seal import require_seal
from .common import ENGINE_OPTION, FORMAT_OPTION, month_option, open_workspace, session_options, workspace_options
from .signed import BY_OPTION, KEY_OPTION, REGISTER_OPTION, records_at, signer


@click.command("sample")
@click.argument("workspace", type=click.Path(path_type=Path))
@month_option("the month whose accepted deals are sampled", required=True)
@click.option("--secret", "secret_path", type=click.Path(dir_okay=False, path_type=Path),
              help="internal control's committed secret (`audit commit`): draws the sample and reveals the secret")
@FORMAT_OPTION
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="also write the audit sheet audit-YYYY-MM.csv and .xlsx into this folder")
@click.option("--force", is_flag=True,
              help="replace audit sheets of another sample in `--out` (the verdicts entered in them are lost)")
@KEY_OPTION
@BY_OPTION
@REGISTER_OPTION
@workspace_options
@ENGINE_OPTION
def sample_command(workspace, month, secret_path, output_format, out_dir, force, key_path, by, register_path, engine,
                   **options):
    """The spot-check sample of a sealed month's accepted deals, at the rules' `audit` ratio (art. 21).

    The first time, internal control gives its committed secret (`--secret`, with `--key` and `--by`): the
    sample is drawn by HMAC-SHA256 keyed by the secret over the sealed ledger's hash and each deal_id, and
    the secret is revealed in the register. After that anyone draws the same sample again from the register
    alone. The audit sheet carries the sample's fingerprint; its verdicts are entered with `audit verdicts`.
    Written again into a folder, the sheet keeps the verdicts and notes already entered in it.
    """
    session = open_workspace(workspace, engine=engine, **session_options(**options))
    branch = session.plan.header.branch
    ratio = spot_check(session.plan)
    people = population(session, month)
    with records_at(register_path, create=secret_path is not None) as records:
        recorded = sample_of(records, branch, people.month)
        if recorded is not None:
            sample, note = redraw(recorded, people), f"drawn again from record {recorded.id}: the same sample"
        elif secret_path is None:
            raise UserError("A127", f"the sample of `{people.month}` has not been drawn yet",
                            help="内控合规部 draws it with `--secret FILE --key FILE --by NAME` once the month is sealed")
        else:
            key, by = signer(key_path, by)
            seal = require_seal(records, branch, people.month)
            sample, record = reveal(records, branch, people, ratio, seal.facts["ledger_sha256"],
                                    read_secret(secret_path), key, by)
            note = f"drawn and the secret revealed as record {record.id}"
    rules = session.rules_info()
    click.echo(dumps(to_json(sample, rules)) if output_format == "json" else sample_text(sample, rules),
               nl=output_format == "json")
    click.echo(note, err=True)
    if out_dir is not None:
        written, kept = write_sheets(out_dir, sample, rules, force)
        empty = "" if sample.deals else "an empty audit sheet (header only), "
        click.echo(f"wrote {empty}{', '.join(str(path) for path in written)}", err=True)
        if kept:
            click.echo(kept_text(kept), err=True)
