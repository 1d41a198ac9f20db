"""Records → rows: the table model every reader fills (`Table`), the header rules, blank and irregular
records, and `TableError`, the error of a table that cannot be used.

Row numbers are the ones a spreadsheet shows: the header is row 1, so the first data row is row 2; blank
rows are skipped but still counted.
"""

from __future__ import annotations

import difflib
import gc
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from ..core.errors import EXIT_INPUT, EXIT_USAGE, UserError
from ..semantics.values import to_text


class TableError(UserError):
    """A table that cannot be used.

    `missing` is set when the file cannot be read at all (exit 2); otherwise the table's content is at
    fault (exit 1). `row` is a spreadsheet row (a line for JSON Lines); `column` is the column's name
    when it has one, else its letter.
    """

    def __init__(self, code: str, message: str, *, help: str | None = None, file: str | None = None,
                 row: int | None = None, column: str | None = None, missing: bool = False):
        super().__init__(code, message, help=help, file=file, row=row, column=column,
                         exit_status=EXIT_USAGE if missing else EXIT_INPUT)
        self.missing = missing


CHUNK_ROWS = 1 << 10
"""Rows per chunk of `Table.record_chunks`: large enough that per-chunk work vanishes, small enough
that a chunk's cells are still in the processor's cache when the row loop reads them (16,384 rows
a chunk made a million-row evaluation a third slower)."""


Chunk = tuple[Sequence[int], Sequence[Sequence[object]]]
"""Row numbers, and the rows as sequences of cells in the order of the table's columns."""


@dataclass(frozen=True)
class CsvSource:
    """Where a streamed CSV's rows are: the file, the codec it decodes with, and its header's row. An engine
    that reads the file itself (DuckDB) must number and fit its rows as `record_chunks` does."""

    file: str
    encoding: str
    header_row: int


@dataclass
class Table:
    """A table's header and rows. A streamed table keeps no rows: `numbered()` and `record_chunks()`
    read the file again on each pass, so a million-row ledger never sits in memory."""

    name: str
    path: str
    columns: list[str]
    rows: list[dict[str, object]]
    row_numbers: list[int]
    stream: Callable[[], Iterator[tuple[int, dict[str, object]]]] | None = None
    chunks: Callable[[], Iterator[Chunk]] | None = None
    source: object = None  # a streamed CSV's `CsvSource` or a Parquet table's, as another engine may read it itself

    def numbered(self) -> Iterator[tuple[int, dict[str, object]]]:
        """(spreadsheet row number, row) pairs, in file order."""
        if self.stream is not None:
            return self.stream()
        return zip(self.row_numbers, self.rows)

    def record_chunks(self) -> Iterator[Chunk]:
        """The rows in file order as lists of cells, `CHUNK_ROWS` at a time: a pass over a million rows
        with no dict per row, for the row loop of an evaluation."""
        if self.chunks is not None:
            return self.chunks()
        return ((self.row_numbers[start:start + CHUNK_ROWS],
                 [[row.get(name) for name in self.columns] for row in self.rows[start:start + CHUNK_ROWS]])
                for start in range(0, len(self.rows), CHUNK_ROWS))

    def require(self, columns: dict[str, str]) -> None:
        """Check required columns before any row is processed: {column: why it is needed}.

        Raises one `TableError` naming every missing column and its reason.
        """
        error = self.missing_columns(columns)
        if error is not None:
            raise error

    def missing_columns(self, columns: dict[str, str]) -> TableError | None:
        """The error naming every column of `columns` ({column: why it is needed}) the table lacks, or None."""
        present = set(self.columns)
        missing = {column: why for column, why in columns.items() if column not in present}
        if not missing:
            return None
        listed = ", ".join(f"`{column}` ({why})" for column, why in missing.items())
        noun = "column" if len(missing) == 1 else "columns"
        return TableError("T101", f"the {self.name} table `{self.path}` has no {noun} {listed}",
                          help=self._columns_help(missing), file=self.path,
                          column=next(iter(missing)) if len(missing) == 1 else None)

    def _columns_help(self, missing: Iterable[str]) -> str:
        names = ", ".join(f"`{column}`" for column in self.columns) or "none"
        hints = [f"`{close[0]}` for `{column}`" for column in missing
                 if (close := difflib.get_close_matches(column, self.columns, n=1, cutoff=0.75))]
        guess = f"; did you mean {', '.join(hints)}?" if hints else ""
        return f"its columns are {names}{guess}"


def unreadable(file: str, error: OSError) -> TableError:
    return TableError("T102", f"`{file}` cannot be read ({(error.strerror or str(error)).lower()})",
                      file=file, missing=True)


def stream_records(numbered: Iterator[tuple[int, Sequence[object]]], file: str, where: str):
    """The header (first non-blank record), its row number, and a generator of the numbered rows."""
    header, header_row = _find_header(numbered, file, where)
    width = len(header)

    def rows():
        for number, cells in numbered:
            # the first cell (an id) settles the usual row without scanning the others
            if len(cells) != width or (not cells[0] and not any(cells)):
                cells = _regular(cells, width, file, where, number, header_row)
                if cells is None:
                    continue
            yield number, dict(zip(header, cells))

    return header, header_row, rows()


def _regular(cells: Sequence[object], width: int, file: str, where: str, number: int, header_row: int):
    """An irregular record as a row of `width` cells, or None for a blank one (skipped, still counted)."""
    if _blank(cells):
        return None
    return _fit(cells, width, file, where, number, header_row)


def record_chunks(blocks: Iterator[tuple[int, list[list[str]]]], header_row: int, width: int, file: str,
                   where: str) -> Iterator[Chunk]:
    """`Table.record_chunks` of a streamed CSV: the rows `stream_records` gives, without a dict per row.

    A block whose records all have the header's width and a first cell is passed on as it is; only a
    block with a blank, short or long record is fitted record by record."""
    for start, block in blocks:
        if start <= header_row:  # the header, and any blank lines above it
            block, start = block[header_row - start + 1:], header_row + 1
        if not block:
            continue
        numbers: Sequence[int] = range(start, start + len(block))
        if len(block[0]) != width or len(set(map(len, block))) != 1 or "" in map(itemgetter(0), block):
            fitted = [(number, _regular(cells, width, file, where, number, header_row))
                      for number, cells in zip(numbers, block)]
            kept = [(number, cells) for number, cells in fitted if cells is not None]
            if not kept:
                continue
            numbers, block = zip(*kept)
        yield numbers, block


def _find_header(numbered, file: str, where: str) -> tuple[list[str], int]:
    for header_row, cells in numbered:
        if not _blank(cells):
            return _header(cells, file, where, header_row), header_row
    raise TableError("T103", f"{where} is empty: it needs a header row", file=file,
                     help="the first row names the columns, e.g. `deal_id,date,product,amount`")


def parse_records(numbered: Iterator[tuple[int, Sequence[object]]], file: str, where: str
                   ) -> tuple[list[str], list[dict], list[int]]:
    """The first non-blank record is the header; the rest become dicts keyed by it."""
    header, _, rows = stream_records(numbered, file, where)
    collected: list[dict] = []
    numbers: list[int] = []
    add_row, add_number = collected.append, numbers.append  # the hot loop: a million rows in seconds
    with collection_paused():
        for number, row in rows:
            add_row(row)
            add_number(number)
    return header, collected, numbers


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: it rescans every row built so far, over and over."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _blank(cells: Sequence[object]) -> bool:
    # any() settles the usual case in C; the second test keeps an XLSX row of zeros or `False`.
    return not any(cells) and all(cell is None or cell == "" for cell in cells)


def column_letter(index: int) -> str:
    """The letters a spreadsheet names its column `index` (from 1) by: 1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _header(cells: Sequence[object], file: str, where: str, row: int) -> list[str]:
    """Stripped column names; trailing empty cells are dropped, an empty one among names is an error.
    A byte-order mark is no part of a name, in any encoding (a UTF-8 file with a BOM re-encoded as
    GB18030 keeps it)."""
    names = [(to_text(cell) or "").lstrip("\ufeff") for cell in cells]
    while names and not names[-1]:
        names.pop()
    seen: dict[str, int] = {}
    for index, name in enumerate(names, 1):
        cell = f"{column_letter(index)}{row}"
        if not name:
            raise TableError("T104", f"{where}: header cell {cell} is empty", file=file, row=row,
                             column=column_letter(index),
                             help="give every column a name; if header cells are merged, unmerge them")
        if name in seen:
            first = f"{column_letter(seen[name])}{row}"
            raise TableError("T105", f"{where}: header cells {first} and {cell} are both named `{name}`",
                             file=file, row=row, column=name, help="every column needs its own name")
        seen[name] = index
    return names


def _fit(cells: Sequence[object], width: int, file: str, where: str, number: int, header_row: int) -> list:
    """A short row is padded with empty cells; a long one is an error unless its extra cells are empty."""
    if len(cells) <= width:
        return [*cells, *[None] * (width - len(cells))]
    if _blank(cells[width:]):
        return list(cells[:width])
    used = max(index for index, cell in enumerate(cells, 1) if cell is not None and cell != "")
    raise TableError("T106", 
        f"{where} row {number} has a value in column {column_letter(used)}, "
        f"but the header (row {header_row}) names only {width} column{'s' if width != 1 else ''}",
        help="every value needs a named column: put a value that contains a comma in double quotes, "
             "remove any title row above the header, and unmerge header cells",
        file=file, row=number, column=column_letter(used),
    )


def plain_boolean(value: object) -> object:
    """A boolean cell (JSON `true`, Excel TRUE) as its text `true`/`false`, which converts the same way.

    As Python values `True == 1` and `False == 0`, with equal hashes: kept as booleans, a cell `true` and a
    cell `1` would be one key wherever results are remembered by the cells they come from, and the first
    of them in the file would decide both (`amount: 1` then `amount: true` accepted both)."""
    if value is True or value is False:
        return "true" if value else "false"
    return value


Row = Mapping[str, object] | Sequence[object]


def row_values(columns: Sequence[str], row: Row) -> list[object]:
    """A row given as a dict (looked up by column; absent = empty) or as a sequence in column order."""
    if isinstance(row, Mapping):
        return [row.get(column) for column in columns]
    return list(row)
