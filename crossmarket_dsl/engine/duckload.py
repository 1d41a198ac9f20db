"""Tables put into DuckDB for the columnar engine (`columnar.py`): the ledger, and the lookups it joins.

A CSV ledger is read by DuckDB itself, straight from the file (a GB18030 or UTF-16 one once transcoded to a
UTF-8 copy: DuckDB decodes UTF-8 only), when DuckDB sees its rows as the reference reader does
(`io/tables.py`): every record one line, numbered from the header's row 1. That is checked, not assumed —
DuckDB must find as many records as the file has lines, lone carriage returns make no line of their own, and
a record wider than the header, a quote left open or a quoted line break stops its reader — and anything
else (blank lines, which DuckDB skips and the reference counts; a header below row 1; XLSX and JSON Lines)
is put in through the reference reader's records, which number and fit the rows themselves. A Parquet ledger
is read by DuckDB with the reference reader's own query (`io/parquet.py`): the same cells, the same rows.
"""

from __future__ import annotations

import csv
import os
from typing import Iterable, Sequence

from ..io.parquet import ParquetSource
from ..io.records import CsvSource, Table
from ..semantics.values import to_text
from .sqlexpr import strip_sql
from .sqlplan import STRIPPED_COLUMNS

TRANSCODE_CHARS = 1 << 22  # characters decoded at a time when a ledger is copied to UTF-8
SCAN_BYTES = 1 << 24


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(cell) -> str:
    """A cell as text: text as it came, typed cells (XLSX, JSON Lines) as `values.to_text` writes them."""
    return cell if cell.__class__ is str else (to_text(cell) or "")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Tables:
    """Tables of text put into DuckDB through CSV files it reads in one go: no Python object per cell on its
    side. An empty cell and a missing one are both empty text, which the query treats alike."""

    def __init__(self, con, folder: str):
        self.con, self.folder = con, folder

    def put(self, name: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
        """Every row padded to the columns' width, every cell quoted and lines ended with a bare line feed,
        which DuckDB is told: a carriage return or line break inside a cell is then only text to it."""
        path = os.path.join(self.folder, f"{name}.csv")
        width = len(columns)
        padding = ("",) * width
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
                [_text(cell) for cell in (*row, *padding[len(row):])] for row in rows)
        self.con.execute(f"CREATE TABLE {name} AS SELECT {_named(columns)} "
                         f"FROM {_reader(path, width, padded=True)}")

    def put_ledger(self, ledger: Table) -> str:
        """The table `ledger`: `row_number`, then the ledger's columns as text, blank rows left out, its
        `STRIPPED_COLUMNS` stripped once here rather than wherever a query reads them. Says how it was read:
        `file` (by DuckDB) or `records` (through the reference reader)."""
        if isinstance(ledger.source, ParquetSource):
            return self._read_parquet(ledger.source, ledger.columns)
        if ledger.source is not None and ledger.source.header_row == 1 and self._read_file(ledger):
            return "file"
        keys = [index for index, column in enumerate(ledger.columns) if column in STRIPPED_COLUMNS]
        rows = ([number, *_stripped(record, keys)] for numbers, records in ledger.record_chunks()
                for number, record in zip(numbers, records))
        self.put("ledger_text", ["row_number", *ledger.columns], rows)
        self.con.execute("CREATE VIEW ledger AS SELECT * REPLACE (CAST(row_number AS BIGINT) AS row_number) "
                         "FROM ledger_text")
        return "records"

    def _read_file(self, ledger: Table) -> bool:
        path = self._utf8(ledger.source)
        lines = _lines(path)
        if lines is None:
            return False
        width = len(ledger.columns)
        try:
            self.con.execute(f"CREATE TABLE ledger_file AS SELECT {_loaded(ledger.columns)} "
                             f"FROM {_reader(path, width, skip=1)}")
        except Exception:  # noqa: BLE001 — DuckDB's parse error: the reference reader will say what is wrong
            return False
        (count,) = self.con.execute("SELECT count(*) FROM ledger_file").fetchone()
        if count != lines - 1:
            self.con.execute("DROP TABLE ledger_file")
            return False
        # rowid is the file's order (insertion order is kept); the header is row 1
        names = ", ".join(quoted(column) for column in ledger.columns)
        self.con.execute(f"CREATE VIEW ledger AS SELECT rowid + 2 AS row_number, {names} FROM ledger_file "
                         f"WHERE NOT {BLANK}")
        return True

    def _read_parquet(self, source: ParquetSource, columns: Sequence[str]) -> str:
        """A Parquet ledger read by DuckDB with the reference reader's query; the cells it leaves null empty."""
        cells = ", ".join(f"{cell} AS {quoted(column)}" for cell, column in zip(_cells(columns), columns))
        self.con.execute(f"CREATE TABLE ledger AS SELECT row_number, {cells} "
                         f"FROM ({source.query([f'c{index}' for index in range(len(columns))])})")
        return "file"

    def _utf8(self, source: CsvSource) -> str:
        """The file, or a UTF-8 copy of it."""
        if source.encoding in ("utf-8", "utf-8-sig"):
            return source.file
        copy = os.path.join(self.folder, "ledger-utf8.csv")
        with open(source.file, encoding=source.encoding, newline="") as text, \
                open(copy, "w", encoding="utf-8", newline="") as out:
            while chunk := text.read(TRANSCODE_CHARS):
                out.write(chunk)
        return copy


BLANK = quoted("crossmarket blank row")


def _cells(columns: Sequence[str]) -> list[str]:
    """The columns `c0`, `c1` … as the ledger's cells: a missing cell (null) as empty text, as the records of
    text put in give it, the `STRIPPED_COLUMNS` stripped."""
    return [f"COALESCE({strip_sql(f'c{index}') if column in STRIPPED_COLUMNS else f'c{index}'}, '')"
            for index, column in enumerate(columns)]


def _loaded(columns: Sequence[str]) -> str:
    """The file's columns `c0`, `c1` … by their names as `_cells`, then whether the row is blank, as read."""
    cells = _cells(columns)
    blank = " AND ".join(f"COALESCE(c{index}, '') = ''" for index in range(len(columns)))
    return ", ".join([*(f"{cell} AS {quoted(column)}" for cell, column in zip(cells, columns)), f"{blank} AS {BLANK}"])


def _stripped(record: Sequence, keys: list[int]) -> list:
    cells = list(record)
    for index in keys:
        if index < len(cells):
            cells[index] = _text(cells[index]).strip()
    return cells


def _named(columns: Sequence[str]) -> str:
    """The columns `c0`, `c1` … by their names."""
    return ", ".join(f"c{index} AS {quoted(column)}" for index, column in enumerate(columns))


def _reader(path: str, width: int, skip: int = 0, padded: bool = False) -> str:
    """DuckDB's reader of a CSV file of `width` columns of text: a branch's file, short rows padded with
    nulls; or one `Tables.put` wrote (`padded`), every row full and ended by a bare line feed."""
    types = ", ".join(f"'c{index}': 'VARCHAR'" for index in range(width))
    layout = "null_padding = false, new_line = '\\n'" if padded else "null_padding = true"
    return (f"read_csv({_literal(path)}, header = false, skip = {skip}, columns = {{{types}}}, auto_detect = false, "
            f"quote = '\"', escape = '\"', delim = ',', allow_quoted_nulls = false, {layout})")


def _lines(path: str) -> int | None:
    """The file's lines as the reference reader splits them, or None when a lone carriage return would make
    a line DuckDB does not see."""
    newlines = returns = pairs = 0
    last = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(SCAN_BYTES):
            newlines += chunk.count(b"\n")
            found = chunk.count(b"\r")  # none, in a file saved on Linux: no pairs to look for
            returns += found
            pairs += (chunk.count(b"\r\n") if found else 0) + (last == b"\r" and chunk[:1] == b"\n")
            last = chunk[-1:]
    if returns != pairs:
        return None
    return newlines + (last not in (b"", b"\n"))
