"""`crossmarket diff OLD NEW [--workspace W]`: what changed between two versions of rules, and what it does."""

from __future__ import annotations

from pathlib import Path

import click

from ..io.jsonout import dumps
from ..language.diagnostics import Report
from ..language.pipeline import Compiled, load, sha256_of
from ..office.ruldiff import Side, effect, rules_diff, to_text
from .check import MEASURE_OPTION, SCHEMA_OPTION
from .common import ENGINE_OPTION, EXIT_INPUT, FORMAT_OPTION, open_workspace, print_report


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--workspace", type=click.Path(file_okay=False, path_type=Path),
              help="also evaluate both versions on this workspace's ledgers and show what changes for each department")
@MEASURE_OPTION
@SCHEMA_OPTION
@FORMAT_OPTION
@ENGINE_OPTION
def diff_command(old, new, workspace, measure, schema, output_format, engine):
    """What changed between two versions of a branch's rules: parameters, products, criteria, gates, reward, ….

    Each change shows its source line in both versions. With --workspace, both versions are evaluated on
    the same ledgers: every department's points and reward before and after, and the deals that moved most.
    """
    versions = [load(path, measure=measure, schema=schema) for path in (old, new)]
    stop_on_errors(versions, output_format)
    document = rules_diff(*(side_of(compiled) for compiled in versions))
    if workspace is not None:
        results = [open_workspace(workspace, rules=path, measure=measure, schema=schema, engine=engine).evaluate()
                   for path in (old, new)]
        document["effect"] = effect(*results, workspace=str(workspace))
    print_diff(document, output_format)


def stop_on_errors(versions: list[Compiled], output_format: str) -> None:
    """Print the diagnostics of both versions and exit 1 when either has errors: a broken file means nothing yet."""
    if all(compiled.ok for compiled in versions):
        return
    report, sources = Report(), {}
    for compiled in versions:
        report.extend(compiled.report.diagnostics)
        sources.update(compiled.sources)
    print_report(report, sources, output_format)
    raise click.exceptions.Exit(EXIT_INPUT)


def side_of(compiled: Compiled) -> Side:
    locations = {pointer: (span.file, span.line) for pointer, span in compiled.lowered.source_map.items()}
    file = next(iter(compiled.sources))  # the file itself comes first, then its measure
    return Side(compiled.ir, locations, {"file": file, "sha256": sha256_of(compiled.path)})


def print_diff(document: dict, output_format: str) -> None:
    click.echo(dumps(document) if output_format == "json" else to_text(document), nl=output_format == "json")
