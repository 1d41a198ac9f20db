"""Which measure and schema head office accepts at filing (art. 24), pinned in the register by SHA-256.

A pin names one measure (its name and version) and the schema filings of it are checked against, each by
where its file lies and the SHA-256 of its bytes. Head office pins them with `register init`; a register
nobody pinned accepts the ones shipped with crossmarket, pinned at its first filing. A filing checked
against any other text — a `--measure` or `--schema` of the filer's own, or head office's file changed
since it was pinned — is refused (F116); a second text under a pinned measure's name and version cannot
be pinned (F117): two measures of the same name and version would make the register's verdicts depend on
which one a filer happened to hold.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..core.errors import EXIT_INPUT, UserError
from ..language import ast
from ..language.pipeline import Compiled, load, sha256_of
from ..language.resolve import PACKAGED, PACKAGED_MEASURES, declared_measures

SHIPPED = "crossmarket:"  # a locator of a file shipped inside crossmarket: the same on every machine


@dataclass(frozen=True)
class Pin:
    measure_name: str
    measure_version: str
    measure_file: str  # a locator: an absolute path, or `crossmarket:measure/2026.xm` for a shipped file
    measure_sha256: str
    schema_file: str
    schema_sha256: str
    pinned_at: str = ""
    pinned_by: str = ""
    hash: str = ""  # over every other field, made by the register when it pins

    @property
    def key(self) -> tuple[str, str]:
        return self.measure_name, self.measure_version

    def same_texts(self, other: Pin) -> bool:
        return (self.measure_sha256, self.schema_sha256) == (other.measure_sha256, other.schema_sha256)


def locator(path: Path) -> str:
    """Where a file lies, as the register keeps it: shipped files by their place in crossmarket, so that a
    register moved to another machine (or a newer install) still finds them."""
    resolved = Path(path).absolute()
    try:
        return SHIPPED + resolved.relative_to(PACKAGED).as_posix()
    except ValueError:
        return str(Path(path).resolve())


def located(file: str) -> Path:
    return PACKAGED / file.removeprefix(SHIPPED) if file.startswith(SHIPPED) else Path(file)


def shown(file: str) -> str:
    """A locator in words."""
    return f"`{file.removeprefix(SHIPPED)}` shipped with crossmarket" if file.startswith(SHIPPED) else f"`{file}`"


def implemented(program: ast.Program | None) -> tuple[str, str] | None:
    """The measure name and version a rules file says it implements, as written (known even when no file of
    that measure was found)."""
    if program is None or program.kind != "rules":
        return None
    implements = next((item.values for item in program.header.items
                       if isinstance(item, ast.Setting) and item.key == "implements"), ())
    return (implements[0], implements[1]) if len(implements) == 2 and all(isinstance(v, str) for v in implements) \
        else None


def checked_against(compiled: Compiled) -> Pin | None:
    """The measure and schema a file was checked against; None when no measure could be read for it."""
    if compiled.measure_path is None or compiled.ir is None:
        return None
    measure = compiled.ir["header"]["measure"]
    schema = compiled.schema_path
    return Pin(measure["name"], measure["version"], locator(compiled.measure_path), sha256_of(compiled.measure_path),
               locator(schema) if schema is not None else "", sha256_of(schema) if schema is not None else "")


def shipped_pin(name: str, version: str) -> Pin | None:
    """The pin of a measure shipped with crossmarket, with the shipped schema it names; None if none is shipped."""
    for path, declared in declared_measures(PACKAGED_MEASURES).items():
        if declared == (name, version):
            return checked_against(load(path))
    return None


def shipped_pins() -> list[Pin]:
    return [shipped_pin(*declared) for declared in declared_measures(PACKAGED_MEASURES).values()]


def stamped(pin: Pin, pinned_at: str, pinned_by: str) -> Pin:
    return replace(pin, pinned_at=pinned_at, pinned_by=pinned_by)


def check_pinned(pin: Pin, found: Pin) -> None:
    """Refuse a filing checked against another measure or schema than the pinned ones (F116)."""
    for what, expected, expected_hash, got, got_hash in (
            ("measure", pin.measure_file, pin.measure_sha256, found.measure_file, found.measure_sha256),
            ("schema", pin.schema_file, pin.schema_sha256, found.schema_file, found.schema_sha256)):
        if got_hash and got_hash != expected_hash:
            raise UserError(
                "F116", f"the rules were checked against the {what} {shown(got)} (sha256 {got_hash[:16]}…), but "
                        f"the register accepts for `{pin.measure_name}` version `{pin.measure_version}` only "
                        f"{shown(expected)} (sha256 {expected_hash[:16]}…): nothing filed",
                help=f"file without `--measure` and `--schema`: head office's pinned {what} is used; if head office "
                     f"changed its {what}, restore the pinned text, or issue the change as a new version of the "
                     f"measure and pin it with `crossmarket register init --measure FILE --by NAME`",
                exit_status=EXIT_INPUT)


def pinned_files(pin: Pin) -> tuple[Path, Path]:
    """The pinned measure and schema files, to check a filing against; F119 when one is gone."""
    files = located(pin.measure_file), located(pin.schema_file)
    for path, file in zip(files, (pin.measure_file, pin.schema_file)):
        if not path.is_file():
            raise UserError("F119", f"head office's pinned file {shown(file)} is missing: the register accepts "
                                    f"`{pin.measure_name}` version `{pin.measure_version}` checked against it only",
                            help="restore the file from head office's copy (the register keeps its sha256, so only "
                                 "the very text is accepted)", exit_status=EXIT_INPUT)
    return files


def not_pinned(name: str, version: str) -> UserError:
    return UserError("F118", f"the register accepts no measure `{name}` version `{version}`, and crossmarket ships "
                             "none: nothing filed",
                     help="head office pins its measure first: `crossmarket register init --measure FILE --by NAME`",
                     exit_status=EXIT_INPUT)
