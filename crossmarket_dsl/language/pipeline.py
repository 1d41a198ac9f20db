"""The one entry every command uses: read → parse → resolve the measure → lower → check → schema."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import ast
from .checks import CheckContext, missing_header_lines, run_checks
from .diagnostics import Diagnostic, DiagnosticError, Report
from .lower import Lowered, lower
from .parser import parse
from .resolve import NotFound, find_measure, find_schema
from .schema import validate
from .source import SourceFile, Span, read_source


@dataclass
class Compiled:
    """Everything known about one checked file; `ir` is None when it could not be built."""

    path: Path
    report: Report = field(default_factory=Report)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    program: ast.Program | None = None
    measure: ast.Program | None = None
    measure_path: Path | None = None
    schema_path: Path | None = None
    lowered: Lowered | None = None

    @property
    def ok(self) -> bool:
        return self.lowered is not None and self.report.errors == 0

    @property
    def ir(self) -> dict | None:
        return self.lowered.ir if self.lowered else None


def _parse_into(result: Compiled, path: Path, text: str | None = None) -> ast.Program | None:
    """Parse one file (or `text` given for it), recording its source for rendering; syntax errors go to
    the report."""
    source = read_source(path, _display(path)) if text is None else SourceFile(_display(path), text)
    result.sources[source.name] = source
    try:
        return parse(source)
    except DiagnosticError as err:
        result.report.extend(err.diagnostics)
        return None


def _display(path: Path) -> str:
    """Paths as the user would type them: relative to the current folder when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load(path: str | Path, measure: str | Path | None = None, schema: str | Path | None = None,
         text: str | None = None) -> Compiled:
    """Check one `.xm` file (rules or measure) completely. Unreadable files raise `UnreadableFile`.

    `text` is the file's text as an editor holds it, unsaved; the measure is still read from its file."""
    path = Path(path)
    result = Compiled(path)
    program = _parse_into(result, path, text)
    if program is None:
        return result
    result.program = program
    if program.kind == "measure":
        result.measure, result.measure_path = program, path
    else:
        result.measure_path = _locate_measure(result, program, path, measure)
        if result.measure_path is None:
            return result
        result.measure = _parse_into(result, result.measure_path)
        if result.measure is None:
            return result
        if result.measure.kind != "measure":
            result.report.add(Diagnostic("E208", f"`{_display(result.measure_path)}` is not a measure: it starts "
                                                 "with `rules`", program.header.span,
                                         help="name head office's measure file with `--measure FILE`"))
            return result
    rules = program if program.kind == "rules" else None
    result.lowered = lower(result.measure, rules)
    result.report.extend(run_checks(CheckContext(result.measure, rules, result.lowered)))
    _validate_schema(result, schema)
    return result


def _locate_measure(result: Compiled, program: ast.Program, path: Path, override) -> Path | None:
    if override is not None:
        override = Path(override)
        if not override.is_file():
            read_source(override)  # raises UnreadableFile with the reason
        return override
    implements = next((i for i in program.header.items if isinstance(i, ast.Setting) and i.key == "implements"), None)
    if implements is None:
        result.report.extend(missing_header_lines(program))
        return None
    found = find_measure(path, implements.values[0], implements.values[1], implements.span)
    if isinstance(found, NotFound):
        result.report.add(found.diagnostic)
        return None
    return found


def _validate_schema(result: Compiled, override) -> None:
    header_span = result.measure.header.span or Span.whole_file(str(result.measure_path))
    if override is not None:
        schema_path = Path(override)
        if not schema_path.is_file():
            read_source(schema_path)
    else:
        name = result.lowered.ir["header"]["measure"]["schema"]
        if name is None:
            return  # the checks report the missing `schema` line (E216)
        found = find_schema(result.measure_path, name, header_span)
        if isinstance(found, NotFound):
            result.report.add(found.diagnostic)
            return
        schema_path = found
    result.schema_path = schema_path
    fallback = (result.program.header.span if result.program else None) or header_span
    result.report.extend(validate(result.lowered.ir, result.lowered.source_map, schema_path, fallback))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
