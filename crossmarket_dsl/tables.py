"""Tables of SPEC §6: CSV (UTF-8, UTF-8 with BOM or GB18030), XLSX and JSON Lines in; CSV and XLSX out.

Readers keep cells as they come (text from CSV; typed values from XLSX and JSON Lines) and leave
conversion to `values`, which the evaluator applies lazily. Row numbers are the ones a spreadsheet shows:
the header is row 1, so the first data row is row 2; blank rows are skipped but still counted.

Every file a command writes goes through `replacing`: written to a temporary file in the same folder,
then moved over the target, so a file is written whole or not at all.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import gc
import io
import json
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from .values import to_number, to_text

XLSX_SUFFIXES = (".xlsx", ".xlsm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
ENCODING_HELP = "common ones are `utf-8`, `gb18030` and `big5`"


class TableError(Exception):
    """A table that cannot be used.

    `missing` is set when the file cannot be read at all (the CLI exits 2); otherwise the table's
    content is at fault (exit 1). `row` is a spreadsheet row (a line for JSON Lines); `column` is the
    column's name when it has one, else its letter.
    """

    def __init__(self, message: str, *, help: str | None = None, file: str | None = None,
                 row: int | None = None, column: str | None = None, missing: bool = False):
        super().__init__(message)
        self.message = message
        self.help = help
        self.file = file
        self.row = row
        self.column = column
        self.missing = missing


CHUNK_ROWS = 1 << 10
"""Rows per chunk of `Table.record_chunks`: large enough that per-chunk work vanishes, small enough
that a chunk's cells are still in the processor's cache when the row loop reads them (16,384 rows
a chunk made a million-row evaluation a third slower)."""

Chunk = tuple[Sequence[int], Sequence[Sequence[object]]]
"""Row numbers, and the rows as sequences of cells in the order of the table's columns."""


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
        present = set(self.columns)
        missing = {column: why for column, why in columns.items() if column not in present}
        if not missing:
            return
        listed = ", ".join(f"`{column}` ({why})" for column, why in missing.items())
        noun = "column" if len(missing) == 1 else "columns"
        raise TableError(
            f"the {self.name} table `{self.path}` has no {noun} {listed}",
            help=self._columns_help(missing),
            file=self.path,
            column=next(iter(missing)) if len(missing) == 1 else None,
        )

    def _columns_help(self, missing: Iterable[str]) -> str:
        names = ", ".join(f"`{column}`" for column in self.columns) or "none"
        hints = [f"`{close[0]}` for `{column}`" for column in missing
                 if (close := difflib.get_close_matches(column, self.columns, n=1, cutoff=0.6))]
        guess = f"; did you mean {', '.join(hints)}?" if hints else ""
        return f"its columns are {names}{guess}"


def split_sheet(path: str) -> tuple[str, str | None]:
    """`ledger.xlsx#3月` → (`ledger.xlsx`, `3月`); any other path comes back whole, with no sheet."""
    lowered = path.lower()
    for suffix in XLSX_SUFFIXES:
        at = lowered.find(suffix + "#")
        if at >= 0:
            return path[: at + len(suffix)], path[at + len(suffix) + 1:]
    return path, None


def read_table(path: str, *, encoding: str | None = None, table: str = "deals", stream: bool = False) -> Table:
    """Read a CSV, XLSX (first sheet, or `file.xlsx#Sheet`) or JSON Lines table.

    With `stream`, a CSV is only checked (encoding, header) now and its rows are read on each pass."""
    file, sheet = split_sheet(path)
    _check_exists(file)
    suffix = Path(file).suffix.lower()
    if suffix == ".csv" and stream:
        return _streamed_csv(table, path, file, encoding)
    if suffix == ".csv":
        columns, rows, numbers = _read_csv(file, encoding)
    elif suffix in XLSX_SUFFIXES:
        from .xlsx import read_workbook  # openpyxl takes a tenth of a second to import: only when needed
        columns, rows, numbers = read_workbook(file, sheet)
    elif suffix in JSONL_SUFFIXES:
        columns, rows, numbers = _read_jsonl(file, _read_text(file, encoding))
    else:
        raise TableError(
            f"`{file}` is not a table crossmarket can read",
            help="save it as CSV (`.csv`), Excel workbook (`.xlsx`) or JSON Lines (`.jsonl`)",
            file=file,
        )
    return Table(table, path, columns, rows, numbers)


# ---- reading files ----

def _check_exists(file: str) -> None:
    if os.path.isdir(file):
        raise TableError(f"`{file}` is a folder, not a table", file=file, missing=True)
    if not os.path.exists(file):
        nearby = similar_file(file)
        raise TableError(f"`{file}` does not exist", file=file, missing=True,
                         help=f"did you mean `{nearby}`?" if nearby else None)


def similar_file(path: str | os.PathLike) -> str | None:
    """The file in the same folder whose name is closest to a mistyped one (`deal.csv` → `deals.csv`)."""
    folder, name = os.path.split(path)
    try:
        close = difflib.get_close_matches(name, os.listdir(folder or "."), n=1)
    except OSError:
        return None
    return os.path.join(folder, close[0]) if close else None


def unreadable(file: str, error: OSError) -> TableError:
    return TableError(f"`{file}` cannot be read ({(error.strerror or str(error)).lower()})",
                      file=file, missing=True)


def _read_text(file: str, encoding: str | None) -> str:
    """The file's text: `encoding` if given, else UTF-8 (with or without BOM), else GB18030."""
    try:
        data = Path(file).read_bytes()
    except OSError as error:
        raise unreadable(file, error) from None
    if data.startswith(b"PK\x03\x04"):
        raise TableError(f"`{file}` is an Excel workbook, not a text table", file=file,
                         help="rename it to end in `.xlsx`, or save it from Excel as CSV")
    try:
        if encoding:
            text = data.decode(encoding)
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
    except LookupError:
        raise TableError(f"`{encoding}` is not a known encoding", file=file, help=ENCODING_HELP) from None
    except UnicodeDecodeError as error:
        raise _undecodable(file, data, error, encoding) from None
    return text.removeprefix("\ufeff")


def _undecodable(file: str, data: bytes, error: UnicodeDecodeError, encoding: str | None) -> TableError:
    line = data.count(b"\n", 0, error.start) + 1
    line_start = data.rfind(b"\n", 0, error.start) + 1
    before = data[max(line_start, error.start - 30):error.start].decode(error.encoding, "replace")
    after = f" after `{before}`" if before.strip() else ""
    what = f"`{encoding}` text" if encoding else "UTF-8 or GB18030 text"
    return TableError(
        f"`{file}` is not {what}: byte {error.start + 1} (0x{data[error.start]:02x}) "
        f"on line {line}{after} cannot be decoded",
        help="save it from Excel as `CSV UTF-8`, or name its encoding with `--encoding`, e.g. `--encoding big5`",
        file=file, row=line,
    )


def _read_csv(file: str, encoding: str | None) -> tuple[list[str], list[dict], list[int]]:
    records = csv.reader(io.StringIO(_read_text(file, encoding), newline=""))
    try:
        return parse_records(enumerate(records, 1), file, f"`{file}`")  # blank lines counted too
    except csv.Error as error:
        raise TableError(f"`{file}` line {records.line_num} cannot be read as CSV ({error})",
                         file=file, row=records.line_num) from None


def _streamed_csv(table: str, path: str, file: str, encoding: str | None) -> Table:
    encoding = _detect_encoding(file, encoding)
    where = f"`{file}`"

    def blocks() -> Iterator[tuple[int, list[list[str]]]]:
        """(number of the first record, records) `CHUNK_ROWS` at a time; blank lines are records too."""
        with open(file, encoding=encoding, newline="") as handle:
            reader = csv.reader(handle)
            start = 1
            try:
                while block := list(islice(reader, CHUNK_ROWS)):
                    yield start, block
                    start += len(block)
            except csv.Error as error:
                raise TableError(f"`{file}` line {reader.line_num} cannot be read as CSV ({error})",
                                 file=file, row=reader.line_num) from None

    def records():
        for start, block in blocks():
            yield from enumerate(block, start)

    header, header_row, rows = _stream_records(records(), file, where)
    rows.close()
    return Table(table, path, header, [], [], stream=lambda: _stream_records(records(), file, where)[2],
                 chunks=lambda: _record_chunks(blocks(), header_row, len(header), file, where))


def _detect_encoding(file: str, encoding: str | None) -> str:
    """The codec to stream a CSV with: `encoding` if given, else UTF-8 (BOM or not), else GB18030.
    The file is decoded chunk by chunk and the text thrown away, so a large file costs no memory."""
    try:
        with open(file, "rb") as handle:
            head = handle.read(4)
            handle.seek(0)
            if head.startswith(b"PK\x03\x04"):
                raise TableError(f"`{file}` is an Excel workbook, not a text table", file=file,
                                 help="rename it to end in `.xlsx`, or save it from Excel as CSV")
            candidates = [encoding] if encoding else ["utf-8", "gb18030"]
            for index, candidate in enumerate(candidates):
                handle.seek(0)
                if _decodes(handle, candidate, file, last=index == len(candidates) - 1):
                    return "utf-8-sig" if candidate == "utf-8" else candidate
    except OSError as error:
        raise unreadable(file, error) from None
    raise AssertionError("unreachable: the last candidate raises")


def _decodes(handle, encoding: str, file: str, last: bool) -> bool:
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        raise TableError(f"`{encoding}` is not a known encoding", file=file, help=ENCODING_HELP) from None
    offset = 0
    while True:
        chunk = handle.read(1 << 20)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            if not last:
                return False
            handle.seek(0)
            data = handle.read(offset + len(chunk))
            error.start += offset
            raise _undecodable(file, data, error, encoding if len(chunk) else None) from None
        if not chunk:
            return True
        offset += len(chunk)


def _read_jsonl(file: str, text: str) -> tuple[list[str], list[dict], list[int]]:
    columns: dict[str, None] = {}
    rows, numbers = [], []
    for number, line in enumerate(text.split("\n"), 1):  # not splitlines: JSON strings may hold U+2028
        if not line.strip():
            continue
        record = {name: _json_cell(value) for name, value in _json_object(line, file, number).items()}
        columns.update(dict.fromkeys(record))
        rows.append(record)
        numbers.append(number)
    if not rows:
        raise TableError(f"`{file}` is empty: it needs one JSON object a line", file=file)
    return list(columns), rows, numbers


def _json_cell(value: object) -> object:
    """A JSON list or object in a cell reads as the text a spreadsheet would hold: `["电子银行部", "信用卡中心"]`
    as `电子银行部;信用卡中心`, `{"电子银行部": 60, "信用卡中心": 40}` as `电子银行部:60;信用卡中心:40`."""
    if isinstance(value, list):
        return to_text(value)
    if isinstance(value, dict):
        return ";".join(f"{key}:{to_text(item) or ''}" for key, item in value.items())
    return value


def _json_object(line: str, file: str, number: int) -> dict:
    example = 'e.g. {"deal_id": "D1", "amount": 1000}'
    try:
        record = json.loads(line, parse_float=Decimal)
    except ValueError as error:
        problem = getattr(error, "msg", str(error))
        where = f" at column {error.colno}" if isinstance(error, json.JSONDecodeError) else ""
        raise TableError(f"`{file}` line {number} is not valid JSON ({problem[:1].lower()}{problem[1:]}{where})",
                         help=f"each line must hold one JSON object, {example}", file=file, row=number) from None
    if not isinstance(record, dict):
        kind = {list: "list", str: "string", bool: "boolean", type(None): "null"}.get(type(record), "number")
        raise TableError(f"`{file}` line {number} is a JSON {kind}, not an object",
                         help=f"each line must hold one JSON object, {example}", file=file, row=number)
    return record


# ---- records → rows (CSV and XLSX) ----

def _stream_records(numbered: Iterator[tuple[int, Sequence[object]]], file: str, where: str):
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


def _record_chunks(blocks: Iterator[tuple[int, list[list[str]]]], header_row: int, width: int, file: str,
                   where: str) -> Iterator[Chunk]:
    """`Table.record_chunks` of a streamed CSV: the rows `_stream_records` gives, without a dict per row.

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
    raise TableError(f"{where} is empty: it needs a header row", file=file,
                     help="the first row names the columns, e.g. `deal_id,date,product,amount`")


def parse_records(numbered: Iterator[tuple[int, Sequence[object]]], file: str, where: str
                   ) -> tuple[list[str], list[dict], list[int]]:
    """The first non-blank record is the header; the rest become dicts keyed by it."""
    header, _, rows = _stream_records(numbered, file, where)
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
            raise TableError(f"{where}: header cell {cell} is empty", file=file, row=row,
                             column=column_letter(index),
                             help="give every column a name; if header cells are merged, unmerge them")
        if name in seen:
            first = f"{column_letter(seen[name])}{row}"
            raise TableError(f"{where}: header cells {first} and {cell} are both named `{name}`",
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
    raise TableError(
        f"{where} row {number} has a value in column {column_letter(used)}, "
        f"but the header (row {header_row}) names only {width} column{'s' if width != 1 else ''}",
        help="every value needs a named column: put a value that contains a comma in double quotes, "
             "remove any title row above the header, and unmerge header cells",
        file=file, row=number, column=column_letter(used),
    )


# ---- writing files ----

@contextmanager
def replacing(path: str | os.PathLike) -> Iterator[io.BufferedWriter]:
    """An open binary file that replaces `path` only when the block finishes without an error."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies, as usual
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with replacing(path) as handle:
        handle.write(data)


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))


Row = Mapping[str, object] | Sequence[object]


def row_values(columns: Sequence[str], row: Row) -> list[object]:
    """A row given as a dict (looked up by column; absent = empty) or as a sequence in column order."""
    if isinstance(row, Mapping):
        return [row.get(column) for column in columns]
    return list(row)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: object) -> str:
    """A cell as CSV text. Text that Excel would run as a formula (`=HYPERLINK(…)` in a ledger's deal id,
    say) is kept as text by a leading `'`, as the XLSX writer keeps it; numbers, `-5` too, stay numbers."""
    text = to_text(value) or ""
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS) and to_number(text) is None:
        return "'" + text
    return text


def as_written(text: str) -> str:
    """Text as it was before `write_csv` kept it from being a formula: for ids read back from a sheet
    crossmarket wrote (the audit sheet)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS) else text


def write_csv(path: str | os.PathLike, columns: Sequence[str], rows: Iterable[Row]) -> None:
    """UTF-8 with BOM, so that Excel opens Chinese text correctly; numbers never in exponent form."""
    with replacing(path) as handle:
        stream = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(stream)
        writer.writerow(columns)
        writer.writerows([_csv_text(value) for value in row_values(columns, row)] for row in rows)
        stream.flush()
        stream.detach()  # leave closing the file to replacing


def write_xlsx(path: str | os.PathLike, sheets: Iterable[tuple[str, Sequence[str], Iterable[Row]]],
               formats: Mapping[str, str] | None = None) -> None:
    """Sheets of (name, columns, rows) with a bold, frozen header row and columns sized to fit.

    `formats` maps a column name to an Excel number format (e.g. `#,##0.00` for money) for its numbers.
    """
    from .xlsx import write_workbook  # openpyxl takes a tenth of a second to import: only when needed
    write_workbook(path, sheets, formats)
