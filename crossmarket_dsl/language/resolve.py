"""Finding what a rules file stands on (SPEC §3.2).

The measure is found by name and version among the `.xm` files of the `policies/` folder nearest
above the rules file; the schema named in the measure's header in the `schemas/` folder beside
that `policies/` folder. `--measure` and `--schema` override either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic
from .source import Span

_MEASURE_HEADER = re.compile(r'^\s*measure\s+"((?:[^"\\\n]|\\.)*)"\s+version\s+"((?:[^"\\\n]|\\.)*)"', re.MULTILINE)


@dataclass(frozen=True)
class NotFound:
    diagnostic: Diagnostic


def policies_folder(rules_path: Path) -> Path | None:
    for folder in rules_path.resolve().parents:
        if folder.name == "policies":
            return folder
        candidate = folder / "policies"
        if candidate.is_dir():
            return candidate
    return None


def find_measure(rules_path: Path, name: str, version: str, span: Span) -> Path | NotFound:
    """The `.xm` measure file with this name and version, or a diagnostic saying where we looked."""
    folder = policies_folder(rules_path)
    if folder is None:
        return NotFound(Diagnostic(
            "E208", f"cannot find the measure `{name}` version `{version}`: no `policies` folder above this file",
            span, help="put the rules under a `policies/` folder next to the measure, or name it with `--measure FILE`"))
    seen = []
    for candidate in sorted(folder.rglob("*.xm")):
        try:
            head = candidate.read_text(encoding="utf-8-sig", errors="replace")[:4000]
        except OSError:
            continue
        match = _MEASURE_HEADER.search(_strip_comments(head))
        if match is None:
            continue
        seen.append(f"{match.group(1)} {match.group(2)}")
        if (match.group(1), match.group(2)) == (name, version):
            return candidate
    known = "; ".join(f"`{s}`" for s in seen) or "none"
    return NotFound(Diagnostic(
        "E208", f"cannot find the measure `{name}` version `{version}` in `{folder}`",
        span, help=f"measures found there: {known}; or name the file with `--measure FILE`"))


def _strip_comments(text: str) -> str:
    return re.sub(r'#[^\n"]*$', "", text, flags=re.MULTILINE)


def find_schema(measure_path: Path, schema_name: str | None, span: Span) -> Path | NotFound:
    if not schema_name:
        return NotFound(Diagnostic("E209", "the measure names no `schema` in its header", span,
                                   help='add `schema "head-office-2026"` to the measure header, or use `--schema FILE`'))
    folder = policies_folder(measure_path)
    base = folder.parent if folder is not None else measure_path.resolve().parent
    path = base / "schemas" / f"{schema_name}.schema.json"
    if path.is_file():
        return path
    return NotFound(Diagnostic("E209", f"cannot find the schema `{schema_name}` (looked for `{path.name}` in "
                                       f"`{path.parent}`)", span, help="or name the file with `--schema FILE`"))


def ir_schema_path(schema_path: Path) -> Path:
    """The language-level schema lives beside head office's."""
    return schema_path.parent / "ir.schema.json"
