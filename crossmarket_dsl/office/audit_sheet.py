"""The verdicts already entered on a month's audit sheet, kept when `sample --out` writes it again.

内控合规部 types its verdicts and notes into audit-YYYY-MM.xlsx or .csv; running `sample` again must not
lose them. The sheets already in the folder are read first. When they answer the same sample (its
fingerprint and its deals), each deal's entry is carried into the sheets written again: from the workbook
where it was typed there, else from the CSV; typed differently in both, nothing is written until a person
settles it. A sheet of another sample, or one that cannot be read, is replaced only with `--force`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import EXIT_USAGE, UserError
from ..io.tables import as_written, read_table
from ..semantics.values import to_text

FORCE_HELP = "move the file away first, or give `--force` to replace it (what was entered in it is lost)"


@dataclass(frozen=True)
class Entry:
    """What a person typed for one deal: its verdict and note (empty when not typed)."""
    verdict: str = ""
    note: str = ""

    def __bool__(self) -> bool:
        return bool(self.verdict or self.note)


def entered(paths: list[Path], fingerprint: str, deal_ids: list[str]) -> dict[str, Entry]:
    """The entries typed in the sheets at `paths`, by deal_id, each from whichever copy it was typed in; a
    `UserError` when a sheet answers another sample, cannot be read, or two copies disagree."""
    kept: dict[str, tuple[Path, Entry]] = {}
    for path in (path for path in paths if path.exists()):
        for deal_id, entry in _entries(path, fingerprint, deal_ids).items():
            if deal_id in kept and kept[deal_id][1] != entry:
                raise UserError("A145", f"deal `{deal_id}` was given different verdicts or notes in `{kept[deal_id][0]}` "
                                f"and `{path}`", file=str(path),
                                help="make the two sheets agree (or delete the entry from one), then run `sample` again")
            kept[deal_id] = (path, entry)
    return {deal_id: entry for deal_id, (_, entry) in kept.items()}


def kept_text(entries: dict[str, Entry]) -> str:
    """What a run kept, for the command's output: empty when nothing had been entered."""
    if not entries:
        return ""
    verdicts, notes = (sum(1 for entry in entries.values() if getattr(entry, part)) for part in ("verdict", "note"))
    plural = "s" if verdicts != 1 else ""
    return (f"kept {verdicts} verdict{plural} and {notes} note{'s' if notes != 1 else ''} already entered "
            f"(已保留审核结论 {verdicts} 条、审核说明 {notes} 条)")


def _entries(path: Path, fingerprint: str, deal_ids: list[str]) -> dict[str, Entry]:
    """The non-empty entries of the sheet at `path`, which must answer the sample `fingerprint`."""
    try:
        table = read_table(str(path), table="audit")
    except UserError as error:
        raise _unreadable(path, error.message) from None
    missing = [key for key in ("deal_id", "verdict", "note", "sample") if key not in table.columns]
    if missing:
        raise _unreadable(path, f"it has no column {', '.join(f'`{key}`' for key in missing)}")
    rows = {as_written(to_text(row.get("deal_id")) or ""): row for row in table.rows if to_text(row.get("deal_id"))}
    others = sorted({to_text(row.get("sample")) or "" for row in rows.values()} - {fingerprint})
    if others or sorted(rows) != sorted(deal_ids):
        named = f" (样本指纹 `{others[0]}`)" if others else ""
        raise UserError("A140", f"`{path}` is the audit sheet of another sample{named}, not of this one "
                        f"(样本指纹 `{fingerprint}`)", file=str(path), help=FORCE_HELP)
    entries = {deal_id: Entry(_typed(row.get("verdict")), _typed(row.get("note")))
               for deal_id, row in rows.items()}
    return {deal_id: entry for deal_id, entry in entries.items() if entry}


def _typed(cell: object) -> str:
    return as_written(to_text(cell) or "")


def _unreadable(path: Path, why: str) -> UserError:
    return UserError("A144", f"`{path}` is already there and cannot be read as an audit sheet: {why}",
                     file=str(path), help=FORCE_HELP, exit_status=EXIT_USAGE)
