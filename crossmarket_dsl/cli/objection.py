"""`crossmarket objection file|list|resolve`: objections to a sealed statement during its window (art. 21)."""

from __future__ import annotations

import click

from ..core.errors import UserError
from ..io.jsonout import dumps
from ..office.seal import DECISIONS, file_objection, objections, require_seal, resolve_objection
from .common import FORMAT_OPTION, Commands, month_option
from .signed import BY_OPTION, KEY_OPTION, REGISTER_OPTION, records_at, signer

MONTH_OPTION = month_option("the month of the published statement")
BRANCH_OPTION = click.option("--branch", help="the branch, e.g. 盘锦分行 (needed when several sealed the month)")


@click.group("objection", cls=Commands)
def objection_group():
    """Departments' objections to a published (sealed) statement, and the committee's resolutions."""


@objection_group.command("file")
@month_option("the month of the published statement", required=True)
@BRANCH_OPTION
@click.option("--text", required=True, help="what is wrong, in the department's words")
@KEY_OPTION
@BY_OPTION
@REGISTER_OPTION
def file_command(month, branch, text, key_path, by, register_path):
    """File an objection, signed by the objecting department, while the statement is published."""
    key, by = signer(key_path, by)
    with records_at(register_path) as records:
        seal = require_seal(records, _branch(records, branch, month), month)
        record = file_objection(records, seal, text, key, by)
    click.echo(f"filed {key.office}'s objection to {seal.branch} {month} as record {record.id}")


@objection_group.command("list")
@MONTH_OPTION
@BRANCH_OPTION
@FORMAT_OPTION
@REGISTER_OPTION
def list_command(month, branch, output_format, register_path):
    """Objections, oldest first, each with its resolution or `open`."""
    with records_at(register_path) as records:
        found = objections(records, branch, month)
    rows = [{"id": o.id, "branch": o.branch, "month": o.month, "department": o.office, "filed_by": o.made_by,
             "filed_at": o.made_at, "text": o.facts["text"],
             "status": "open" if r is None else r.facts["decision"],
             "resolution": None if r is None else {"record": r.id, "reason": r.facts["reason"], "by": r.made_by,
                                                   "at": r.made_at}} for o, r in found]
    if output_format == "json":
        click.echo(dumps({"objections": rows}))
        return
    if not rows:
        click.echo("no objections")
    for row in rows:
        status = "待处理 open" if row["resolution"] is None else \
            f"{DECISIONS[row['status']]} {row['status']} (record {row['resolution']['record']}): " \
            f"{row['resolution']['reason']}"
        click.echo(f"{row['id']:>4}  {row['branch']} {row['month']}  {row['department']}（{row['filed_by']}，"
                   f"{row['filed_at']}）: {row['text']}  — {status}")


@objection_group.command("resolve")
@click.argument("objection_id", metavar="ID", type=int)
@click.option("--decision", required=True, type=click.Choice(list(DECISIONS)),
              help="upheld: the figures will be corrected (restated); dismissed: they stand")
@click.option("--reason", required=True, help="why, in the committee's words")
@KEY_OPTION
@BY_OPTION
@REGISTER_OPTION
def resolve_command(objection_id, decision, reason, key_path, by, register_path):
    """The committee's resolution of an objection, with its reason."""
    key, by = signer(key_path, by)
    with records_at(register_path) as records:
        objection = records.get(objection_id)
        if objection is None or objection.kind != "objection":
            raise UserError("A153", f"record {objection_id} is not an objection",
                            help="`crossmarket objection list` shows the objections and their numbers")
        record = resolve_objection(records, objection, decision, reason, key, by)
    click.echo(f"resolved objection {objection_id}: {DECISIONS[decision]} ({decision}), record {record.id}")


def _branch(records, branch: str | None, month: str) -> str:
    if branch:
        return branch
    sealed = sorted({r.branch for r in records.all() if r.kind == "seal" and r.month == month})
    if len(sealed) != 1:
        raise UserError("A154", f"{'no branch' if not sealed else 'several branches'} sealed `{month}`"
                        + (f": {'、'.join(sealed)}" if sealed else ""), help="name the branch with `--branch`")
    return sealed[0]
