"""`crossmarket statement WORKSPACE --month M [--seal]`: the monthly publication statement (公示, art. 21)."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from pathlib import Path

import click

from .common import ENGINE_OPTION, month_option, open_workspace, session_options, workspace_options
from .signed import BY_OPTION, KEY_OPTION, records_at, signer


@click.command("statement")
@click.argument("workspace", type=click.Path(path_type=Path))
@month_option("the month the statement publishes", required=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="write 公示-YYYY-MM.xlsx (for printing) and 公示-YYYY-MM.html into this folder")
@click.option("--seal", is_flag=True, help="publish and seal: record the statement's and the ledger's hashes and "
                                           "the publication window in the register (the committee's key)")
@click.option("--register", "register_path", type=click.Path(path_type=Path),
              help="the register: verdicts recorded there count, and earlier sealed months that changed are "
                   "restated (default with --seal: register.sqlite)")
@KEY_OPTION
@BY_OPTION
@workspace_options
@ENGINE_OPTION
def statement_command(workspace, month, out_dir, seal, register_path, key_path, by, engine, **options):
    """The month's publication statement (公示, art. 21), to print and to publish.

    Department points for the month and the year to date, the month's deals with each department's share,
    failing gates, and the publication window (the first `publish_days` days of the next month, or from the
    day it is sealed). Figures are provisional until the year-end evaluation. With `--register`, the
    statement also restates earlier sealed months whose figures changed since they were sealed.
    """
    # the statement's workbook needs openpyxl, a tenth of a second to import: not for the other commands;
    # sealing and the register's verdicts only for a statement that reads or seals a register
    from ..office.statement import build, statement_text, write_files
    if register_path or seal:
        from ..office.seal import restated_before, seal_statement
        from ..office.verdicts import with_register_verdicts
    if seal:
        key, by = signer(key_path, by)
        register_path = register_path or Path("register.sqlite")
    session = open_workspace(workspace, engine=engine, **session_options(**options))
    with records_at(register_path, create=seal) if register_path else nullcontext() as records:
        if records is not None:
            with_register_verdicts(session, records)
        statement = build(session, month)
        if records is not None:
            statement.corrections = [line for change in restated_before(session, records, statement.month)
                                     for line in change.lines()]
        if seal:
            record = seal_statement(session, records, statement, key, by)
            window = record.facts["window"]
            statement.window = (date.fromisoformat(window["from"]), date.fromisoformat(window["to"]))
            statement.seal = (f"封存 Sealed：登记簿 {register_path} 记录 {record.id}，{record.made_at}，{record.made_by}；"
                              f"公示数据 SHA-256 {record.facts['statement_sha256']}")
    click.echo(statement_text(statement), nl=False)
    if seal:
        click.echo(f"sealed {statement.month} as record {record.id}: statement SHA-256 "
                   f"{record.facts['statement_sha256'][:16]}…, ledger SHA-256 {record.facts['ledger_sha256'][:16]}…, "
                   f"objections {window['from']} to {window['to']}", err=True)
    if out_dir is not None:
        written = write_files(out_dir, statement)
        click.echo(f"wrote {', '.join(str(path) for path in written)}", err=True)
