"""`crossmarket approve WORKSPACE`: the committee's decision on the year-end result (art. 23)."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import UserError
from ..office.approval import DECISIONS, approve, result_hash
from ..office.verdicts import with_register_verdicts
from ..reports.render import to_json
from .common import open_workspace, session_options, workspace_options
from .signed import BY_OPTION, KEY_OPTION, REGISTER_OPTION, records_at, signer


@click.command("approve")
@click.argument("workspace", type=click.Path(path_type=Path))
@click.option("--decision", type=click.Choice(list(DECISIONS)), default="approved", show_default=True,
              help="approved: 人力资源部 and 财务会计部 may pay; returned: to be evaluated again")
@click.option("--note", default="", help="the committee's remarks (minutes, meeting number)")
@KEY_OPTION
@BY_OPTION
@REGISTER_OPTION
@click.option("--result-sha256", "expected", metavar="HASH",
              help="the hash of the result the committee reviewed (`evaluate --format json`): refused if the "
                   "result is now different")
@workspace_options
def approve_command(workspace, decision, note, key_path, by, register_path, expected, **options):
    """Record the committee's decision on the year-end result, identified by its SHA-256: the payout sheet
    (`evaluate --register R --out DIR`) calls the result approved only while it is exactly this one.
    """
    key, by = signer(key_path, by)
    session = open_workspace(workspace, **session_options(**options))
    with records_at(register_path, create=True) as records:
        with_register_verdicts(session, records)
        document = to_json(session.evaluate(None), session.rules_info())
        digest = result_hash(document)
        if expected and expected.strip().lower() != digest:
            raise UserError("A160", f"the result is no longer the one reviewed: its SHA-256 is `{digest}`, "
                                    f"not `{expected.strip()}`",
                            help="evaluate again, review the new result, and approve that one")
        record = approve(records, session.plan.header.branch, document, decision, note, key, by)
    click.echo(f"recorded the committee's decision {DECISIONS[decision]} ({decision}) on the result "
               f"{digest} as record {record.id}")
