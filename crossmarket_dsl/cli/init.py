"""`crossmarket init BRANCH`: a new branch rules file pre-filled from head office's measure."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import EXIT_USAGE, UserError
from ..office.init import InitError, find_measure, load_measure, rules_text, write_new
from .common import print_report


@click.command("init")
@click.argument("branch")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="the rules file to write, without a workspace (default: BRANCH.xm in the current folder)")
@click.option("--measure", type=click.Path(dir_okay=False, path_type=Path),
              help="head office's measure (default: the one in policies/measure/, else the one crossmarket ships)")
@click.option("--force", is_flag=True, help="replace files that exist (their contents are lost)")
def init_command(branch, folder, output, measure, force):
    """Start a branch: its rules file pre-filled from head office's measure, or with FOLDER a whole workspace.

    BRANCH is the branch's name, such as 鞍山分行. With FOLDER, init writes there the rules file,
    workspace.yaml, a ledger template for every table (CSV, and one workbook with a sheet per table),
    a policy-test file with an example test and a README (in Chinese) saying what to fill in next.

    Parameters come commented out at head office's defaults, every catalogue product with a default
    points line and target, audit and reward blocks with values to decide (待定). The target-client
    criteria of the corporate departments (art. 9) are left for the author: `check` says which are missing.
    """
    branch = branch.strip()
    if not branch or any(ch in branch for ch in '"\\\n'):
        raise UserError("U108", f"`{branch}` is not a branch name", help="give the branch's name, e.g. 鞍山分行",
                        exit_status=EXIT_USAGE)
    if folder is not None and output is not None:
        raise UserError("U109", "give either FOLDER (a whole workspace) or `-o FILE` (the rules file alone)",
                        help=f"e.g. `crossmarket init {branch} {folder}`", exit_status=EXIT_USAGE)
    output = folder or output or Path(f"{branch}.xm")
    try:
        compiled = load_measure(measure or find_measure(Path.cwd()))
        if folder is not None:
            return _workspace(folder, branch, compiled, force)
        write_new(output, rules_text(branch, compiled), force)
    except InitError as exc:
        if exc.compiled is not None:
            print_report(exc.compiled.report, exc.compiled.sources, "text")
        raise
    except OSError as exc:
        raise UserError("U103", f"`{output}` cannot be written ({(exc.strerror or str(exc)).lower()})",
                        exit_status=EXIT_USAGE) from None
    click.echo(f"wrote {output}")
    hint = f" --measure {compiled.path}" if measure else ""
    click.echo(f"next: write the target criteria (第九条), then `crossmarket check {output}{hint}`", err=True)


def _workspace(folder: Path, branch: str, compiled, force: bool) -> None:
    from ..office.starter import write_workspace  # writes a workbook: openpyxl only for this command

    for path in write_workspace(folder, branch, compiled, force):
        click.echo(f"wrote {path}")
    click.echo(f"next: read {folder / 'README.md'}; write the target criteria (第九条), decide each value marked "
               f"待定, then `crossmarket check {folder / (branch + '.xm')}`", err=True)
