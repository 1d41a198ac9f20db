"""`crossmarket check` and `crossmarket compile`."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import UserError
from ..io.files import atomic_write_text, refuse_overwriting
from ..language.diagnostics import Report
from ..language.pipeline import Compiled, load
from ..language.source import UnreadableFile
from ..office.targetfloor import below_floor, workspace_indicators
from .common import EXIT_INPUT, EXIT_USAGE, FORMAT_OPTION, month_option, print_report, show_user_error

SQL_DIALECTS = ("duckdb", "spark", "postgres")  # `engine/sqltext.py` renders each; named here so `check` loads no engine

MEASURE_OPTION = click.option("--measure", type=click.Path(dir_okay=False, path_type=Path),
                              help="the measure file (default: found by name and version under policies/)")
WORKSPACE_OPTION = click.option(
    "--workspace", type=click.Path(path_type=Path),
    help="a workspace whose `indicators` table each literal target is held to: at least target_ratio of its "
         "product's indicator (art. 18)")
SCHEMA_OPTION = click.option("--schema", type=click.Path(dir_okay=False, path_type=Path),
                             help="head office's schema (default: the one the measure names, under schemas/)")


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@MEASURE_OPTION
@SCHEMA_OPTION
@WORKSPACE_OPTION
@FORMAT_OPTION
def check_command(files, measure, schema, workspace, output_format):
    """Check rules (or measure) files: syntax, names, types, head office's schema.

    Every problem of every file is reported in one run, sorted by position. With `--workspace`, a literal
    target below target_ratio of the indicator the workspace gives is a warning (W202, art. 18).
    """
    report, sources, unreadable = Report(), {}, []
    for path in files:
        try:
            compiled = load(path, measure=measure, schema=schema)
        except UnreadableFile as exc:
            unreadable.append(exc)
            continue
        if workspace is not None:
            add_target_floor(compiled, workspace, filing=False)
        report.extend(compiled.report.diagnostics)
        sources.update(compiled.sources)
    print_report(report, sources, output_format)
    if output_format == "text" and not report.diagnostics and not unreadable:
        click.echo(f"ok: {len(files)} file{'s' if len(files) != 1 else ''} checked, no problems")
    for error in unreadable:
        show_user_error(error)
    if unreadable:
        raise click.exceptions.Exit(EXIT_USAGE)
    if report.errors:
        raise click.exceptions.Exit(EXIT_INPUT)


@click.command("compile")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write the IR (or the SQL) to this file instead of printing it")
@click.option("--yaml", "as_yaml", is_flag=True, help="YAML instead of JSON")
@click.option("--sql", "dialect", type=click.Choice(SQL_DIALECTS),
              help="the rules as one SQL query in this dialect, for a warehouse team, instead of the IR")
@month_option("with --sql: the script reports this month (default: the whole period)")
@click.option("--derived-targets", is_flag=True,
              help="with --sql: the branch keeps no target list; the script derives it from the clients register by "
                   "the rules' criteria (art. 7–9), as `evaluate` does for a workspace without `target_list`")
@MEASURE_OPTION
@SCHEMA_OPTION
def compile_command(file, output, as_yaml, dialect, month, derived_targets, measure, schema):
    """Compile measure + rules into one IR document (JSON, or YAML with --yaml).

    The document carries a source map: every JSON Pointer of the IR → file:line:column.

    With --sql duckdb|spark|postgres: the branch's rules as one SQL script (计算脚本) that a bank's
    warehouse team runs where its data lives, over its raw tables — every ledger row's reason code
    (R001–R013) or its points, the gates, department points, product totals and completion. A comment
    above it, in Chinese and English, names the tables and columns it reads, the parameters and products
    written into it, the result tables it makes, what stays with crossmarket (year-end awards and
    deductions, the reward pool), and the settings the database needs (Spark; PostgreSQL 16 or later).
    """
    compiled = load(file, measure=measure, schema=schema)
    if not compiled.ok:
        print_report(compiled.report, compiled.sources, "text")
        raise click.exceptions.Exit(EXIT_INPUT)
    if dialect is None and (month is not None or derived_targets):
        raise click.UsageError(f"{'--month' if month is not None else '--derived-targets'} goes with --sql")
    if dialect is not None:
        text = sql_script(compiled, dialect, month, file, derived_targets)
    else:
        document = ir_document(compiled)
        from ..io.jsonout import dumps, yaml_dumps  # YAML's library loads for `compile` only, not for `check`

        text = yaml_dumps(document) if as_yaml else dumps(document) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        refuse_overwriting([output], [file] + ([compiled.measure_path] if compiled.measure_path else []))
        atomic_write_text(output, text)
        click.echo(f"wrote {output}", err=True)


def add_target_floor(compiled: Compiled, workspace: Path, filing: bool) -> None:
    """Art. 18's floor on literal targets, against the workspace's indicators, into the file's report (rules
    that do not check clean are left as they are: their targets cannot be trusted yet)."""
    if compiled.ok and compiled.ir["kind"] == "rules":
        indicators, table = workspace_indicators(workspace, compiled)
        compiled.report.extend(below_floor(compiled, indicators, table, filing))


def sql_script(compiled: Compiled, dialect: str, month: str | None, file: Path, derived_targets: bool) -> str:
    """`compile --sql`: the script of a branch's rules over its raw tables, with its header comment."""
    from ..engine.plan import build_plan  # the engine loads only for `--sql`
    from ..engine.session import window_of
    from ..engine.sqlexpr import Unsupported
    from ..engine.sqlscript import script

    if compiled.ir["kind"] != "rules":
        raise UserError("S127", f"`{file}` is a measure, not a branch's rules", exit_status=EXIT_USAGE,
                        help="name the branch's rules file, which implements the measure")
    plan = build_plan(compiled.ir)
    window = window_of(plan.period, month)
    try:
        return script(plan, window, dialect, file.name, derived_targets)
    except Unsupported as exc:
        raise UserError("X204", f"these rules cannot be written as SQL yet: {exc}", exit_status=EXIT_INPUT,
                        help="`crossmarket evaluate` runs them (on the reference engine); for SQL, write the "
                             "division as a product, e.g. `deal.amount * 0.5` rather than `deal.amount / 2`") from None


def ir_document(compiled: Compiled) -> dict:
    """The IR with its source map, as `compile` prints it."""
    source_map = {pointer: span.location() for pointer, span in sorted(compiled.lowered.source_map.items())}
    return {**compiled.ir, "source_map": source_map}
