"""Finding what a rules file stands on: head office's measure and schema, never a branch's file.

The measure a rules file `implements … version …` is, in this order: the file named with `--measure`
(or by the workspace's `measure:`, which the caller passes the same way); the one in `policies/measure/`
of the repository the rules file lies in; the one shipped inside crossmarket (`headoffice/`). A `.xm`
anywhere else under `policies/` that declares itself that measure is an error (E217), as are two
measures of the same name and version: a branch's file must never stand in for head office's.

The schema the measure names is found in the `schemas/` folder beside that `policies/` folder, else among
the shipped schemas; `ir.schema.json`, the language's own, beside head office's schema or shipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic
from .source import Span

_MEASURE_HEADER = re.compile(r'^\s*measure\s+"((?:[^"\\\n]|\\.)*)"\s+version\s+"((?:[^"\\\n]|\\.)*)"', re.MULTILINE)
# Head office's files as shipped: in the repository these are links to `policies/measure` and `schemas`,
# so the package carries the very files the repository holds.
PACKAGED = Path(__file__).resolve().parents[1] / "headoffice"
PACKAGED_MEASURES = PACKAGED / "measure"
PACKAGED_SCHEMAS = PACKAGED / "schemas"
MEASURE_FOLDER = "measure"


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
    """Head office's `.xm` measure with this name and version, or a diagnostic saying where we looked."""
    wanted = (name, version)
    folder = policies_folder(rules_path)
    repository = declared_measures(folder) if folder is not None else {}
    matching = [path for path, declared in repository.items() if declared == wanted]
    impostor = next((path for path in matching if path.parent != folder / MEASURE_FOLDER), None)
    if impostor is not None:
        return NotFound(Diagnostic(
            "E217", f"`{impostor}` declares itself the measure `{name}` version `{version}`, but only head office's "
                    f"measure in `{folder / MEASURE_FOLDER}` may", span,
            help="a branch's file starts with `rules`; remove or rename this file, head office's measure is used"))
    if len(matching) > 1:
        listed = " and ".join(f"`{path}`" for path in matching)
        return NotFound(Diagnostic("E217", f"two measures `{name}` version `{version}`: {listed}", span,
                                   help="keep one file for each version of head office's measure"))
    if matching:
        return matching[0]
    packaged = [path for path, declared in declared_measures(PACKAGED_MEASURES).items() if declared == wanted]
    if packaged:
        return packaged[0]
    known = sorted({f"`{n} {v}`" for n, v in [*repository.values(), *declared_measures(PACKAGED_MEASURES).values()]})
    where = f"in `{folder / MEASURE_FOLDER}` nor " if folder is not None else ""
    return NotFound(Diagnostic(
        "E208", f"cannot find the measure `{name}` version `{version}` {where}among the measures crossmarket ships",
        span, help=f"measures known: {'; '.join(known) or 'none'}; check `implements`, or name head office's "
                   "measure file with `--measure FILE`"))


def declared_measures(folder: Path) -> dict[Path, tuple[str, str]]:
    """Every `.xm` under `folder` whose header declares a measure → its (name, version)."""
    found = {}
    for candidate in sorted(folder.rglob("*.xm")):
        try:
            head = candidate.read_text(encoding="utf-8-sig", errors="replace")[:4000]
        except OSError:
            continue
        match = _MEASURE_HEADER.search(_strip_comments(head))
        if match is not None:
            found[candidate] = (match.group(1), match.group(2))
    return found


def _strip_comments(text: str) -> str:
    return re.sub(r'#[^\n"]*$', "", text, flags=re.MULTILINE)


def find_schema(measure_path: Path, schema_name: str | None, span: Span) -> Path | NotFound:
    if not schema_name:
        return NotFound(Diagnostic("E209", "the measure names no `schema` in its header", span,
                                   help='add `schema "head-office-2026"` to the measure header, or use `--schema FILE`'))
    file_name = f"{schema_name}.schema.json"
    folder = None if is_packaged(measure_path) else policies_folder(measure_path)
    looked = [folder.parent / "schemas" / file_name] if folder is not None else []
    looked.append(PACKAGED_SCHEMAS / file_name)
    for path in looked:
        if path.is_file():
            return path
    where = f"in `{looked[0].parent}` nor " if len(looked) > 1 else ""
    return NotFound(Diagnostic("E209", f"cannot find the schema `{schema_name}` (`{file_name}`) {where}among the "
                                       "schemas crossmarket ships", span, help="or name the file with `--schema FILE`"))


def is_packaged(path: Path) -> bool:
    return PACKAGED_MEASURES in Path(path).parents


def ir_schema_path(schema_path: Path) -> Path:
    """The language-level schema: beside head office's when head office keeps one there, else the shipped one."""
    beside = schema_path.parent / "ir.schema.json"
    return beside if beside.is_file() else PACKAGED_SCHEMAS / "ir.schema.json"
