"""Diagnostics as a product: a stable code, a span, a lowercase message, advice on its own line.

Codes: E1xx syntax, E2xx names, E3xx types, E4xx head-office schema, E5xx other semantic rules,
W… warnings. Every problem a user can cause ends up here, never as a Python traceback.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from .source import SourceFile, Span

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    help: str | None = None
    severity: str = ERROR

    def sort_key(self):
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)

    def to_json(self) -> dict:
        return {
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "help": self.help,
        }


class DiagnosticError(Exception):
    """Raised by a stage that cannot go on; carries every problem found so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        super().__init__("; ".join(d.message for d in self.diagnostics))


@dataclass
class Report:
    """Collects diagnostics across stages and files."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == WARNING)

    def sorted(self) -> list[Diagnostic]:
        unique = {(d.sort_key(), d.span, d.help): d for d in self.diagnostics}
        return sorted(unique.values(), key=Diagnostic.sort_key)


def render_text(diagnostic: Diagnostic, sources: dict[str, SourceFile]) -> str:
    """Render one diagnostic the way rustc and Cedar do: location, message, the line, carets, help."""
    span = diagnostic.span
    head = f"{span.location()}: {diagnostic.severity}[{diagnostic.code}]: {diagnostic.message}"
    lines = [head]
    source = sources.get(span.file)
    if source is not None and span.line >= 1:
        text = source.line_text(span.line).expandtabs(1)
        gutter = " " * len(str(span.line))
        width = (span.end_column - span.column) if span.end_line == span.line else len(text) - span.column + 1
        text, column, width = _window(text, span.column, width)
        lines += [
            f"{gutter} |",
            f"{span.line} | {text}",
            f"{gutter} | {' ' * display_width(text[: column - 1])}{_caret_run(text, column, width)}",
        ]
    if diagnostic.help:
        pad = " " * (len(str(span.line)) + 1) if source is not None else ""
        lines.append(f"{pad}= help: {diagnostic.help}")
    return "\n".join(lines)


def _window(text: str, column: int, width: int, limit: int = 100) -> tuple[str, int, int]:
    """Cut an over-long source line to the part around the span, marking the cuts with `…`."""
    if len(text) <= limit:
        return text, column, width
    start = max(0, column - 1 - limit // 4)
    piece = text[start : start + limit]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + limit < len(text) else ""
    column = column - start + len(prefix)
    width = min(width, len(piece) - (column - 1 - len(prefix)))
    return prefix + piece + suffix, column, max(1, width)


def display_width(text: str) -> int:
    """Terminal columns of a text: CJK characters take two, so carets stay under their line."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _caret_run(text: str, column: int, width: int) -> str:
    covered = text[column - 1 : column - 1 + max(1, width)]
    return "^" * max(1, display_width(covered))


def render_report_text(report: Report, sources: dict[str, SourceFile]) -> str:
    parts = [render_text(d, sources) for d in report.sorted()]
    summary = f"{report.errors} error{'s' if report.errors != 1 else ''}, " \
              f"{report.warnings} warning{'s' if report.warnings != 1 else ''}"
    parts.append(summary)
    return "\n\n".join(parts) if len(parts) > 1 else summary


def render_report_json(report: Report) -> str:
    document = {
        "diagnostics": [d.to_json() for d in report.sorted()],
        "summary": {"errors": report.errors, "warnings": report.warnings},
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def plain_number(value: Decimal) -> str:
    """`2E+2` → `200`, `0.850` → `0.85`: how a number is shown in a message. Digits are only ever dropped
    as trailing zeros, so a number of any length is shown exactly (no rounding to the context's precision)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(value: Decimal) -> str:
    return plain_number(value * 100) + "%"
