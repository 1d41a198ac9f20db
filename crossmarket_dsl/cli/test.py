"""`crossmarket test [PATH]`: run the YAML policy tests found under PATH."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import EXIT_INPUT, EXIT_USAGE, UserError
from ..engine import TEST_ENGINE
from ..language.source import UnreadableFile
from ..office.policytest import PolicyTestError, find_test_files, run_file
from .check import MEASURE_OPTION, SCHEMA_OPTION
from .common import TEST_ENGINE_OPTION, print_report, show_user_error


@click.command("test")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@MEASURE_OPTION
@SCHEMA_OPTION
@TEST_ENGINE_OPTION
def test_command(path, measure, schema, engine):
    """Run policy tests (`*.test.yaml`): each test's name and result, a diff on failure.

    Exits 1 when any test fails or a test file has errors.
    """
    if not path.exists():
        raise UserError("U104", f"`{path}` does not exist", exit_status=EXIT_USAGE)
    if path.is_file() and not path.name.endswith(".test.yaml"):
        raise UserError("U102", f"`{path}` is not a policy-test file: `test` runs `*.test.yaml` files",
                        help=f"give the test file (e.g. `{path.with_suffix('.test.yaml').name}`) or its folder; "
                             "to check the rules themselves, use `crossmarket check`", exit_status=EXIT_USAGE)
    files = find_test_files(path)
    if not files:
        raise UserError("U105", f"no `*.test.yaml` files under `{path}`",
                        help="policy tests are YAML files named like `panjin.test.yaml` beside the rules")
    passed = failed = 0
    for file in files:
        try:
            outcome = run_file(file, measure, schema, engine or TEST_ENGINE)  # no workspace names one
        except (PolicyTestError, UnreadableFile) as exc:
            show_user_error(exc)
            failed += 1
            continue
        click.echo(f"{file}")
        if not outcome.compiled.ok:
            print_report(outcome.compiled.report, outcome.compiled.sources, "text")
            failed += 1
            continue
        for test in outcome.outcomes:
            cite = f" ({test.cite})" if test.cite else ""
            click.echo(f"  {'ok  ' if test.passed else 'FAIL'} {test.name}{cite}")
            for failure in test.failures:
                click.echo(f"         {failure}")
            passed += test.passed
            failed += not test.passed
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise click.exceptions.Exit(EXIT_INPUT)
