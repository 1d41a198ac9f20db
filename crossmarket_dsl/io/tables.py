"""Tables of SPEC §6: CSV (UTF-8, UTF-8 with BOM or GB18030), XLSX, JSON Lines and Parquet in; CSV and XLSX out.

Readers keep cells as they come (text from CSV and Parquet; typed values from XLSX and JSON Lines) and leave
conversion to `values`, which the evaluator applies lazily; `records` turns their records into a
`Table`, `files` writes whole files, `xlsx` reads and writes workbooks, `parquet` reads Parquet.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import json
import os
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Sequence

from ..semantics.values import to_number, to_text
from .files import replacing
from .records import (CHUNK_ROWS, CsvSource, Row, Table, TableError, parse_records, plain_boolean, record_chunks,
                      row_values, stream_records, unreadable)
from .workbook import Book

XLSX_SUFFIXES = (".xlsx", ".xlsm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet", ".parq")
ENCODING_HELP = "common ones are `utf-8`, `gb18030` and `big5`"


def split_sheet(path: str) -> tuple[str, str | None]:
    """`ledger.xlsx#3月` → (`ledger.xlsx`, `3月`); any other path comes back whole, with no sheet."""
    lowered = path.lower()
    for suffix in XLSX_SUFFIXES:
        at = lowered.find(suffix + "#")
        if at >= 0:
            return path[: at + len(suffix)], path[at + len(suffix) + 1:]
    return path, None


def read_table(path: str, *, encoding: str | None = None, table: str = "deals", stream: bool = False) -> Table:
    """Read a CSV, XLSX (first sheet, or `file.xlsx#Sheet`), JSON Lines or Parquet table.

    With `stream`, a CSV or Parquet file is only checked (encoding, header, types) now and its rows are read on
    each pass."""
    file, sheet = split_sheet(path)
    _check_exists(file)
    suffix = Path(file).suffix.lower()
    if suffix == ".csv" and stream:
        return _streamed_csv(table, path, file, encoding)
    if suffix in PARQUET_SUFFIXES:
        from .parquet import read_parquet  # DuckDB takes a tenth of a second to import: only when needed
        return read_parquet(file, path, table, stream)
    if suffix == ".csv":
        columns, rows, numbers = _read_csv(file, encoding)
    elif suffix in XLSX_SUFFIXES:
        from .xlsx import read_workbook  # openpyxl takes a tenth of a second to import: only when needed
        columns, rows, numbers = read_workbook(file, sheet)
    elif suffix in JSONL_SUFFIXES:
        columns, rows, numbers = _read_jsonl(file, _read_text(file, encoding))
    else:
        raise TableError("T107", 
            f"`{file}` is not a table crossmarket can read",
            help="save it as CSV (`.csv`), Excel workbook (`.xlsx`), JSON Lines (`.jsonl`) or Parquet (`.parquet`)",
            file=file,
        )
    return Table(table, path, columns, rows, numbers)


# ---- reading files ----

def _check_exists(file: str) -> None:
    if os.path.isdir(file):
        raise TableError("T108", f"`{file}` is a folder, not a table", file=file, missing=True)
    if not os.path.exists(file):
        nearby = similar_file(file)
        raise TableError("T109", f"`{file}` does not exist", file=file, missing=True,
                         help=f"did you mean `{nearby}`?" if nearby else None)


def similar_file(path: str | os.PathLike) -> str | None:
    """The file in the same folder whose name is closest to a mistyped one (`deal.csv` → `deals.csv`)."""
    folder, name = os.path.split(path)
    try:
        close = difflib.get_close_matches(name, os.listdir(folder or "."), n=1)
    except OSError:
        return None
    return os.path.join(folder, close[0]) if close else None


def _utf16(head: bytes) -> bool:
    """A UTF-16 byte-order mark: Excel's "Unicode text" and Notepad's "Unicode" save tables so."""
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _read_text(file: str, encoding: str | None) -> str:
    """The file's text: `encoding` if given, else UTF-16 by its byte-order mark, else UTF-8 (with or without
    BOM), else GB18030."""
    try:
        data = Path(file).read_bytes()
    except OSError as error:
        raise unreadable(file, error) from None
    if data.startswith(b"PK\x03\x04"):
        raise TableError("T110", f"`{file}` is an Excel workbook, not a text table", file=file,
                         help="rename it to end in `.xlsx`, or save it from Excel as CSV")
    try:
        if encoding or _utf16(data):
            text = data.decode(encoding or "utf-16")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
    except LookupError:
        raise TableError("T111", f"`{encoding}` is not a known encoding", file=file, help=ENCODING_HELP) from None
    except UnicodeDecodeError as error:
        raise _undecodable(file, data, error, encoding) from None
    return text.removeprefix("\ufeff")


def _undecodable(file: str, data: bytes, error: UnicodeDecodeError, encoding: str | None) -> TableError:
    line = data.count(b"\n", 0, error.start) + 1
    line_start = data.rfind(b"\n", 0, error.start) + 1
    before = data[max(line_start, error.start - 30):error.start].decode(error.encoding, "replace")
    after = f" after `{before}`" if before.strip() else ""
    what = f"`{encoding}` text" if encoding else "UTF-8 or GB18030 text"
    return TableError("T112", 
        f"`{file}` is not {what}: byte {error.start + 1} (0x{data[error.start]:02x}) "
        f"on line {line}{after} cannot be decoded",
        help="save it from Excel as `CSV UTF-8`, or name its encoding with `--encoding`, e.g. `--encoding big5`",
        file=file, row=line,
    )


MAX_CELL = 1 << 24
"""Characters a CSV cell may hold (16 MiB; Python's default of 128 KiB refused a long note). A `"` that
opens a cell and never closes reaches it on a large file; the error then names the line it opened on."""
csv.field_size_limit(MAX_CELL)


def _read_csv(file: str, encoding: str | None) -> tuple[list[str], list[dict], list[int]]:
    text = _read_text(file, encoding)
    lines = _csv_lines(lambda: io.StringIO(text, newline=""), file)
    return parse_records(((start + i, record) for start, block in lines for i, record in enumerate(block)),
                         file, f"`{file}`")


def _csv_lines(open_text: Callable[[], IO[str]], file: str) -> Iterator[tuple[int, list[list[str]]]]:
    """(line of the first record, records) `CHUNK_ROWS` at a time; blank lines are records too.

    Every record is one line. A quoted cell that runs past the end of its line is a `"` typed at the start
    of a cell (`"王五`): CSV would read every line after it, up to the next `"`, as that one cell, and the
    deals on those lines would vanish. It is an error naming the line the quote opened on."""
    with open_text() as handle:
        reader = csv.reader(handle)
        start = 1
        while True:
            try:
                block = list(islice(reader, CHUNK_ROWS))
            except csv.Error:
                raise _runaway_quote(open_text, file) from None
            if not block:
                return
            if reader.line_num != start + len(block) - 1 or _holds_line_break(block[-1]):
                # a quote left open on the last line takes in only that line's own line break
                raise _runaway_quote(open_text, file)
            yield start, block
            start += len(block)


def _runaway_quote(open_text: Callable[[], IO[str]], file: str) -> TableError:
    """The error of the first record that spans lines, found by reading the file again record by record
    (only when something is wrong: the usual pass reads a thousand records at a time)."""
    with open_text() as handle:
        reader = csv.reader(handle)
        line, cells = 0, []
        try:
            for cells in reader:
                if reader.line_num != line + 1 or _holds_line_break(cells):
                    break
                line = reader.line_num
        except csv.Error:  # the only error of a reader opened with newline="": a cell over the limit
            return TableError("T123", f"a cell starting on this line holds more than {MAX_CELL:,} characters",
                              file=file, row=line + 1, help=_QUOTE_HELP)
    opened = next((cell for cell in cells if "\n" in cell or "\r" in cell), "")
    shown = opened.splitlines()[0][:30] if opened.strip() else ""
    taken = (f"{_lines(line + 2, reader.line_num)} would be read as part of it" if reader.line_num > line + 1
             else "it runs to the end of the file")
    return TableError(
        "T122", f"a cell opens with `\"`{f' (`{shown}`)' if shown else ''} and does not close on its line: {taken}",
        file=file, row=line + 1, help=_QUOTE_HELP)


def _holds_line_break(cells: list[str]) -> bool:
    return any("\n" in cell or "\r" in cell for cell in cells)


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first} to {last}"


_QUOTE_HELP = ("remove the stray `\"` at the start of the cell, or close it on the same line; "
               "a cell of a table cannot hold a line break")


def _streamed_csv(table: str, path: str, file: str, encoding: str | None) -> Table:
    encoding = _detect_encoding(file, encoding)
    where = f"`{file}`"

    def blocks() -> Iterator[tuple[int, list[list[str]]]]:
        return _csv_lines(lambda: open(file, encoding=encoding, newline=""), file)

    def records():
        for start, block in blocks():
            yield from enumerate(block, start)

    header, header_row, rows = stream_records(records(), file, where)
    rows.close()
    return Table(table, path, header, [], [], stream=lambda: stream_records(records(), file, where)[2],
                 chunks=lambda: record_chunks(blocks(), header_row, len(header), file, where),
                 source=CsvSource(file, encoding, header_row))


def _detect_encoding(file: str, encoding: str | None) -> str:
    """The codec to stream a CSV with: `encoding` if given, else UTF-16 by its BOM, else UTF-8 (BOM or not),
    else GB18030.
    The file is decoded chunk by chunk and the text thrown away, so a large file costs no memory."""
    try:
        with open(file, "rb") as handle:
            head = handle.read(4)
            handle.seek(0)
            if head.startswith(b"PK\x03\x04"):
                raise TableError("T115", f"`{file}` is an Excel workbook, not a text table", file=file,
                                 help="rename it to end in `.xlsx`, or save it from Excel as CSV")
            candidates = [encoding] if encoding else ["utf-16"] if _utf16(head) else ["utf-8", "gb18030"]
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
        raise TableError("T116", f"`{encoding}` is not a known encoding", file=file, help=ENCODING_HELP) from None
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
        try:
            record = {name: _json_cell(value) for name, value in _json_object(line, file, number).items()}
        except RecursionError:  # `[[[[…]]]]` 600 deep: no cell a ledger holds
            raise TableError("T125", f"`{file}` line {number} holds lists or objects nested too deeply to read",
                             help="a cell holds a text, a number, a boolean, or a list of names such as "
                                  '`["电子银行部", "信用卡中心"]`', file=file, row=number) from None
        columns.update(dict.fromkeys(record))
        rows.append(record)
        numbers.append(number)
    if not rows:
        raise TableError("T117", f"`{file}` is empty: it needs one JSON object a line", file=file)
    return list(columns), rows, numbers


def _json_cell(value: object) -> object:
    """A JSON list or object in a cell reads as the text a spreadsheet would hold: `["电子银行部", "信用卡中心"]`
    as `电子银行部;信用卡中心`, `{"电子银行部": 60, "信用卡中心": 40}` as `电子银行部:60;信用卡中心:40`."""
    if isinstance(value, list):
        return to_text(value)
    if isinstance(value, dict):
        return ";".join(f"{key}:{to_text(item) or ''}" for key, item in value.items())
    return plain_boolean(value)


def _json_object(line: str, file: str, number: int) -> dict:
    example = 'e.g. {"deal_id": "D1", "amount": 1000}'
    try:
        record = json.loads(line, parse_float=Decimal)
    except ValueError as error:
        problem = getattr(error, "msg", str(error))
        where = f" at column {error.colno}" if isinstance(error, json.JSONDecodeError) else ""
        raise TableError("T118", f"`{file}` line {number} is not valid JSON ({problem[:1].lower()}{problem[1:]}{where})",
                         help=f"each line must hold one JSON object, {example}", file=file, row=number) from None
    if not isinstance(record, dict):
        kind = {list: "list", str: "string", bool: "boolean", type(None): "null"}.get(type(record), "number")
        raise TableError("T119", f"`{file}` line {number} is a JSON {kind}, not an object",
                         help=f"each line must hold one JSON object, {example}", file=file, row=number)
    return record


# ---- writing files ----


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


def write_book(path: str | os.PathLike, book: Book) -> None:
    """A workbook in the style of `workbook.py`, written whole or not at all."""
    from .xlsx import write_book as write  # openpyxl takes a tenth of a second to import: only when needed
    write(path, book)
