"""`crossmarket coverage [WORKSPACE]`: the measure article by article — what implements it, which policy tests
cite it and, with a workspace, the deals, points and reward money it touched."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import EXIT_INPUT
from ..io.jsonout import dumps
from ..language.pipeline import load
from ..office.coverage import coverage, coverage_text, to_json
from ..office.policytest import find_test_files
from .common import FORMAT_OPTION, open_workspace, print_report, session_options, workspace_options

PACKAGED_MEASURE = Path(__file__).resolve().parent.parent / "headoffice" / "measure" / "2026.xm"


@click.command("coverage")
@click.argument("workspace", required=False, type=click.Path(path_type=Path))
@click.option("--tests", "tests_dir", type=click.Path(file_okay=False, path_type=Path),
              help="the folder of the policy tests (default: the rules' folder; without a workspace, policies/)")
@click.option("--require-tests", is_flag=True,
              help="exit with status 1 when an implemented article has no policy test citing it (for review)")
@FORMAT_OPTION
@workspace_options
def coverage_command(workspace, tests_dir, require_tests, output_format, **options):
    """Each article of the measure: the declarations implementing it, the policy tests citing it and,
    with a WORKSPACE, how many deals and how much reward money it touched over the period.

    Articles nothing implements are listed as organisational; implemented articles no policy test cites,
    as untested (未测试).
    """
    if workspace is None:
        measure = options.get("measure") or _measure_here()
        compiled = load(measure, schema=options.get("schema"))
        if not compiled.ok:
            print_report(compiled.report, compiled.sources, "text")
            raise click.exceptions.Exit(EXIT_INPUT)
        tests = tests_dir or Path("policies")
        result = None
    else:
        session = open_workspace(workspace, **session_options(**options))
        compiled, result = session.compiled, session.evaluate()
        tests = tests_dir or compiled.path.parent
    files = find_test_files(tests) if tests.is_dir() else []
    document = to_json(coverage(compiled, files, result), with_deals=result is not None)
    click.echo(dumps(document) if output_format == "json" else coverage_text(document), nl=output_format == "json")
    if require_tests and document["summary"]["untested"]:
        raise click.exceptions.Exit(EXIT_INPUT)  # the report above names them


def _measure_here() -> Path:
    """Head office's measure of this repository, else the one crossmarket ships."""
    found = sorted(Path("policies", "measure").glob("*.xm"))
    return found[-1] if found else PACKAGED_MEASURE
