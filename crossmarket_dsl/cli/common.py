"""What every command shares: exit codes, error printing, the last-resort guard."""

from __future__ import annotations

import inspect
import os
import sys
import traceback
from pathlib import Path

import click

from ..core.errors import UserError
from ..engine import DEFAULT_ENGINE, ENGINE_NAMES, TEST_ENGINE
from ..language.diagnostics import Report, render_report_json, render_report_text
from ..language.source import SourceFile
from .terminal import printable_output

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


class CodedUsageError(click.UsageError):
    """A command-line mistake (click's own words), shown like every other error: code, message, help."""

    code = "U100"

    def show(self, file=None) -> None:
        file = file or sys.stderr
        message = self.format_message().rstrip(".")
        click.echo(f"error[{self.code}]: {message[:1].lower()}{message[1:]}", file=file)
        if self.ctx is not None:
            click.echo(f"  = help: `{self.ctx.command_path} --help` lists its arguments and options", file=file)



def _coded(exc: click.UsageError) -> CodedUsageError:
    # `format_message`, not `message`: a missing argument or option words itself there and leaves `message` empty
    return exc if isinstance(exc, CodedUsageError) else CodedUsageError(exc.format_message(), exc.ctx)


class Commands(click.Group):
    """A group whose commands' `UserError`s are printed and exit with their status (so also when the group
    is invoked without `guard`, as tests do), and whose help lists each command with the whole first
    paragraph of its help: click cuts it at about 45 characters (and at the first full stop, as in `art. 24`),
    which leaves descriptions meaningless. Click's usage errors get a code and a help line too."""

    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            raise _coded(exc) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            show_user_error(exc)
            raise click.exceptions.Exit(exc.exit_status) from None
        except click.UsageError as exc:
            raise _coded(exc) from None

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
    with printable_output():
        return _guarded(command, argv)


def _guarded(command: click.Command, argv) -> int:
    try:
        # Without standalone mode click returns the code of `Exit` instead of raising it.
        code = command.main(args=argv, prog_name="crossmarket", standalone_mode=False)
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
        where += f" (column `{exc.column}`)"
    click.echo(f"{where + ': ' if where else ''}error[{exc.code}]: {exc.message}", file=file)
    if exc.help:
        click.echo(f"  = help: {exc.help}", file=file)


def print_report(report: Report, sources: dict[str, SourceFile], output_format: str) -> None:
    if output_format == "json":
        click.echo(render_report_json(report))
    elif report.diagnostics:
        click.echo(render_report_text(report, sources))


def _calendar_month(ctx, param, value):
    """`--month` is a calendar month written YYYY-MM, or the command line is wrong (exit 2); whether it
    lies inside the period is the session's to say."""
    from ..engine.session import calendar_month  # the engine loads only for the commands that use it

    if value is not None:
        calendar_month(value)
    return value.strip() if value is not None else None


def month_option(help: str, required: bool = False):
    return click.option("--month", required=required, metavar="YYYY-MM", help=help, callback=_calendar_month)


def _spark_remote(ctx, param, value):
    """`--spark-remote` (or SPARK_REMOTE) is where the Spark engine runs, for the whole command. Without one
    Spark runs on this machine, as a Spark engine not yet loaded would: it loads (and sqlglot with it) only to
    be told of a server, or to forget one an earlier command of this process was told of."""
    spark = f"{__package__.rpartition('.')[0]}.engine.spark"
    if value or spark in sys.modules:
        from ..engine.spark import use_remote  # pyspark itself loads only when Spark runs

        use_remote(value)
    return value


def engine_option(default: str, where: str):
    """`--engine`, and `--spark-remote` for `--engine spark`; `where`: what the default is, in words."""
    def option(command):
        command = click.option(
            "--spark-remote", metavar="sc://HOST:PORT", envvar="SPARK_REMOTE", expose_value=False,
            callback=_spark_remote,
            help="with --engine spark: run on this Spark Connect server instead of on this machine "
                 "(default: the environment's SPARK_REMOTE, else the workspace's `spark_remote:`)")(command)
        return click.option(
            "--engine", type=click.Choice(ENGINE_NAMES),
            help="what runs the rows: `duckdb`, embedded SQL (fast); `python`, the reference row loop; "
                 "`spark`, the same SQL on Spark (`pip install 'crossmarket[spark]'`), locally or on a cluster "
                 f"(default: {where}`{default}`)")(command)
    return option


ENGINE_OPTION = engine_option(DEFAULT_ENGINE, "the workspace's `engine:`, else ")
TEST_ENGINE_OPTION = engine_option(TEST_ENGINE, "the reference, ")
FORMAT_OPTION = click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
                             show_default=True, help="text for people, json for tools")



def open_workspace(workspace, **options):
    """`session.open_session`, with the rules' diagnostics printed when they have errors."""
    from ..engine.session import RulesHaveErrors, open_session  # the engine loads only for the commands that use it

    try:
        return open_session(workspace, **options)
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

