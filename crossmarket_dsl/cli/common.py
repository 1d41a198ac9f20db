"""What every command shares: exit codes, error printing, the last-resort guard."""

from __future__ import annotations

import inspect
import os
import sys
import traceback
from pathlib import Path

import click

from ..core.errors import UserError
from ..engine.session import MONTH, RulesHaveErrors, open_session
from ..io.tables import TableError
from ..io.workspace import WorkspaceError
from ..language.diagnostics import Report, render_report_json, render_report_text
from ..language.source import SourceFile, UnreadableFile

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


class Failure(click.ClickException):
    """A problem with the user's input, with optional advice, and its exit code."""

    def __init__(self, message: str, help: str | None = None, exit_code: int = EXIT_INPUT):
        super().__init__(message)
        self.help = help
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        file = file or sys.stderr
        click.echo(f"error: {self.message}", file=file)
        if self.help:
            click.echo(f"  = help: {self.help}", file=file)


class Commands(click.Group):
    """A group whose commands' `UserError`s are printed and exit with their status (so also when the group
    is invoked without `guard`, as tests do), and whose help lists each command with the whole first
    paragraph of its help: click cuts it at about 45 characters (and at the first full stop, as in `art. 24`),
    which leaves descriptions meaningless."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            show_user_error(exc)
            raise click.exceptions.Exit(exc.exit_status) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.short_help or _first_paragraph(command.help or "")))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _first_paragraph(text: str) -> str:
    return " ".join(inspect.cleandoc(text).split("\n\n")[0].split())


def guard(command: click.Command, argv=None) -> int:
    """Run a click command; turn anything unexpected into one readable line instead of a traceback."""
    try:
        # Without standalone mode click returns the code of `Exit` instead of raising it.
        code = command.main(args=argv, prog_name="crossmarket", standalone_mode=False)
    except UserError as exc:
        show_user_error(exc)
        return exc.exit_status
    except click.Abort:
        click.echo("aborted", err=True)
        return EXIT_INPUT
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug of ours: still no traceback for the user, but say how to report it
        click.echo(f"error: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("  = help: this is a bug in crossmarket; run with CROSSMARKET_DEBUG=1 to see where", err=True)
        if os.environ.get("CROSSMARKET_DEBUG"):
            traceback.print_exc()
        return EXIT_INPUT
    return code if isinstance(code, int) else EXIT_OK


def show_user_error(exc: UserError, file=None) -> None:
    """`error[T101]: message` with the file (and row and column) in front, then the help line."""
    file = file or sys.stderr
    where = exc.file or ""
    if where and exc.row is not None:
        where += f":{exc.row}"
    if where and exc.column is not None:
        where += f" (column {exc.column})"
    click.echo(f"{where + ': ' if where else ''}error[{exc.code}]: {exc.message}", file=file)
    if exc.help:
        click.echo(f"  = help: {exc.help}", file=file)


def print_report(report: Report, sources: dict[str, SourceFile], output_format: str) -> None:
    if output_format == "json":
        click.echo(render_report_json(report))
    elif report.diagnostics:
        click.echo(render_report_text(report, sources))


def _calendar_month(ctx, param, value):
    """`--month` is a calendar month written YYYY-MM, or the command line is wrong (exit 2)."""
    if value is not None and MONTH.match(value.strip()) is None:
        raise UserError("U101", f"`{value}` is not a month", help="write the month as YYYY-MM, e.g. 2026-03",
                        exit_status=EXIT_USAGE)
    return value.strip() if value is not None else None


def month_option(help: str, required: bool = False):
    return click.option("--month", required=required, metavar="YYYY-MM", help=help, callback=_calendar_month)


FORMAT_OPTION = click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
                             show_default=True, help="text for people, json for tools")


def table_failure(error) -> Failure | UserError:
    """A `TableError` as the user reads it: file, row and column first."""
    if error.code:
        return UserError(error.code, error.message, help=error.help, file=error.file, row=error.row,
                         column=error.column, exit_status=EXIT_USAGE if error.missing else EXIT_INPUT)
    where = ":".join(str(part) for part in (error.file, error.row) if part)
    column = f" (column `{error.column}`)" if error.column else ""
    prefix = f"{where}{column}: " if where else ""
    return Failure(prefix + error.message, error.help, EXIT_USAGE if error.missing else EXIT_INPUT)


def open_workspace(workspace, **options):
    """`session.open_session` with every user-caused problem turned into a `Failure` or diagnostics."""
    try:
        return open_session(workspace, **options)
    except WorkspaceError as exc:
        location = f"{exc.file}:{exc.line}: " if exc.file and exc.line else (f"{exc.file}: " if exc.file else "")
        raise Failure(location + exc.message, exc.help, EXIT_USAGE if exc.missing else EXIT_INPUT) from None
    except UnreadableFile as exc:
        raise Failure(str(exc), exit_code=EXIT_USAGE) from None
    except TableError as exc:
        raise table_failure(exc) from None
    except RulesHaveErrors as exc:
        print_report(exc.compiled.report, exc.compiled.sources, "text")
        raise click.exceptions.Exit(EXIT_INPUT) from None


def workspace_options(command):
    """The options every WORKSPACE command shares; each overrides its entry in workspace.yaml."""
    options = [
        click.option("--rules", type=click.Path(dir_okay=False, path_type=Path), help="the rules file"),
        click.option("--measure", type=click.Path(dir_okay=False, path_type=Path), help="the measure file"),
        click.option("--schema", type=click.Path(dir_okay=False, path_type=Path), help="head office's schema"),
        click.option("--encoding", help="encoding of the CSV tables (default: detected; e.g. gb18030)"),
        click.option("--table", "tables", multiple=True, metavar="ROLE=PATH",
                     help="use this file for a table, e.g. --table deals=march.xlsx#3月"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def session_options(rules, measure, schema, encoding, tables) -> dict:
    pairs = {}
    for item in tables:
        role, sep, path = item.partition("=")
        if not sep or not role or not path:
            raise click.BadParameter(f"`{item}` is not ROLE=PATH, e.g. deals=ledger.csv", param_hint="--table")
        pairs[role.strip()] = path.strip()
    return {"rules": rules, "measure": measure, "schema": schema, "encoding": encoding, "tables": pairs}


def evaluate_or_fail(session, month: str | None):
    """`Session.evaluate` with a bad month or a table problem found mid-run turned into a `Failure`."""
    try:
        return session.evaluate(month)
    except WorkspaceError as exc:
        raise Failure(exc.message, exc.help) from None
    except TableError as exc:
        raise table_failure(exc) from None
