"""`crossmarket fmt FILE… [--check]`: rewrite rules files in the canonical layout (SPEC §8).

Exit codes (SPEC §5): 0 nothing to do or all rewritten, 1 a file would change (`--check`) or does not parse,
2 a file cannot be read or written. Every file is handled even when an earlier one fails.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from ..language.diagnostics import DiagnosticError, Report, render_report_text
from ..language.fmt import format_source
from ..language.source import UnreadableFile, read_source
from .common import show_user_error

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


@click.command("fmt")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="change nothing; list the files that would be reformatted, exit 1 if any")
def fmt_command(files: tuple[Path, ...], check: bool) -> None:
    """Rewrite FILES in the canonical layout, keeping every comment."""
    status = max([_format_file(path, check) for path in files])
    click.get_current_context().exit(status)


def _format_file(path: Path, check: bool) -> int:
    """Format one file; its exit status."""
    try:
        source = read_source(path)
        formatted = format_source(source)
    except UnreadableFile as exc:
        show_user_error(exc)
        return EXIT_USAGE
    except DiagnosticError as exc:
        click.echo(render_report_text(Report(list(exc.diagnostics)), {source.name: source}))
        return EXIT_INPUT
    if formatted == source.text:
        return EXIT_OK
    if check:
        click.echo(f"would reformat {source.name}")
        return EXIT_INPUT
    try:
        _write_atomically(path, formatted)
    except OSError as exc:
        click.echo(f"error: {source.name}: cannot be written ({exc.strerror or exc})", err=True)
        return EXIT_USAGE
    click.echo(f"reformatted {source.name}")
    return EXIT_OK


def _write_atomically(path: Path, text: str) -> None:
    """Write beside the file, then rename over it: the file is replaced whole or not at all."""
    mode = path.stat().st_mode
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
