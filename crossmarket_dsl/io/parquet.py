"""Parquet tables (a data warehouse's export) read through DuckDB, imported only when a Parquet file is read.

Every cell reads as the text DuckDB writes for it in a CSV file, so that a table exported as Parquet gives
the same results as the same table exported as CSV: DECIMAL with its scale (`1200.50`); DOUBLE and FLOAT as
their shortest decimal (`0.1`, never `0.1000000000000000055511…`, which the float holds), made exact as the
text is read, the way a number from Excel is; integers; BOOLEAN as `true`/`false`; DATE as `2026-03-01`; a
TIMESTAMP at midnight as its date (as from Excel), any other as `2026-03-01 09:30:00`, whose date is what a
deal's date reads; a TIMESTAMP WITH TIME ZONE (Spark writes its timestamps so) at this computer's clock;
null as an empty cell. A list, struct, map, binary or interval column is no cell a ledger holds (T142).

Rows are numbered as JSON Lines numbers its lines: the first record is row 1, there being no header row;
a record whose cells are all empty is skipped but still counted, as a blank line is. The DuckDB engine reads
the file with the same query (`ParquetSource.query`), so both engines see the same cells under the same rows.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Sequence

from .records import CHUNK_ROWS, Chunk, Table, TableError, collection_paused, unreadable

MAGIC = b"PAR1"  # a Parquet file starts and ends with it
TEXT = "CAST({} AS VARCHAR)"
AT_CLOCK = "CAST({0} AS TIMESTAMP)"
MIDNIGHT = ("CASE WHEN CAST({0} AS TIME) = TIME '00:00:00' THEN CAST(CAST({0} AS DATE) AS VARCHAR) "
            "ELSE CAST({0} AS VARCHAR) END")
CELLS = {
    "varchar": "{}",
    **dict.fromkeys(("boolean", "tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint",
                     "uinteger", "ubigint", "uhugeint", "decimal", "double", "float", "date", "time", "uuid",
                     "null"), TEXT),  # `null`: a column with no value at all, as pandas writes an empty one
    **dict.fromkeys(("timestamp", "timestamp_s", "timestamp_ms", "timestamp_ns"), MIDNIGHT),
    "timestamp with time zone": MIDNIGHT.format(AT_CLOCK),
}
"""DuckDB's type of a column → the SQL of its cell as text (`{}` is the column)."""
NESTED = {"list": "lists", "array": "lists", "struct": "structs", "map": "maps", "union": "unions",
          "blob": "binary data", "bit": "bits", "interval": "intervals"}
WAREHOUSE_HELP = "export the table from the data warehouse again as Parquet, or as CSV (`.csv`)"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class ParquetSource:
    """A Parquet table's file and its columns' DuckDB types, in the file's order: an engine that reads the
    file itself (DuckDB) reads it with `query`."""

    file: str
    types: tuple[tuple[str, str], ...]  # (column, DuckDB type id)

    def query(self, names: Sequence[str]) -> str:
        """`row_number`, then each column's cell as text (null when empty) named `names` in the file's order,
        in the file's order, the records with every cell empty left out."""
        cells = [CELLS[kind].format(quoted(column)) for column, kind in self.types]
        listed = ", ".join(f"{cell} AS {quoted(name)}" for cell, name in zip(cells, names))
        blank = " AND ".join(f"COALESCE({cell}, '') = ''" for cell in cells) or "false"
        return (f"SELECT file_row_number + 1 AS row_number, {listed} "
                f"FROM read_parquet({literal(self.file)}, file_row_number = true) WHERE NOT ({blank})")


def read_parquet(file: str, path: str, table: str, stream: bool) -> Table:
    """A Parquet table; with `stream`, its rows are read from the file again on each pass."""
    source = ParquetSource(file, _types(file))
    columns = [column.strip() for column, _ in source.types]

    def chunks() -> Iterator[Chunk]:
        return _chunks(source)

    def numbered() -> Iterator[tuple[int, dict]]:
        return ((number, dict(zip(columns, cells))) for numbers, rows in chunks() for number, cells in zip(numbers, rows))

    if stream:
        return Table(table, path, columns, [], [], stream=numbered, chunks=chunks, source=source)
    rows, numbers = [], []
    with collection_paused():
        for number, row in numbered():
            rows.append(row)
            numbers.append(number)
    return Table(table, path, columns, rows, numbers, source=source)


def _types(file: str) -> tuple[tuple[str, str], ...]:
    _check_magic(file)
    with _reading(file) as con:
        relation = con.read_parquet(file)
        types = tuple((column, kind.id) for column, kind in zip(relation.columns, relation.types))
        shown = dict(zip(relation.columns, map(str, relation.types)))
    for column, kind in types:
        if kind not in CELLS:
            what = NESTED.get(kind, f"`{shown[column]}` values")
            raise TableError("T142", f"column `{column}` of `{file}` holds {what} (`{shown[column]}`), which no cell "
                                     "of a table can hold", file=file, column=column,
                             help="export it from the data warehouse as text (a list of names as `电子银行部;信用卡中心`, "
                                  f"e.g. `array_to_string({column}, ';')`), its fields as columns of their own, or "
                                  "leave it out of the export")
    return types


def _check_magic(file: str) -> None:
    """A file that is not Parquet (a CSV or workbook named `.parquet`) is said so before DuckDB reads it."""
    try:
        with open(file, "rb") as handle:
            head = handle.read(len(MAGIC))
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(size - len(MAGIC), 0))
            tail = handle.read()
    except OSError as error:
        raise unreadable(file, error) from None
    if head != MAGIC or tail != MAGIC or size < 2 * len(MAGIC):
        raise TableError("T140", f"`{file}` is not a Parquet file", file=file,
                         help=f"{WAREHOUSE_HELP}; a file saved from Excel or as text needs its own ending "
                              "(`.xlsx`, `.csv`, `.jsonl`)")


def _chunks(source: ParquetSource) -> Iterator[Chunk]:
    with _reading(source.file) as con:
        cursor = con.execute(source.query([f"c{index}" for index in range(len(source.types))]))
        while batch := cursor.fetchmany(CHUNK_ROWS):
            yield [row[0] for row in batch], [row[1:] for row in batch]


@contextmanager
def _reading(file: str):
    """A DuckDB connection of its own; what DuckDB cannot read in the file (it is damaged, cut short) is T141."""
    try:
        import duckdb
    except ImportError:
        raise TableError("T143", f"`{file}` is a Parquet file, which crossmarket reads through DuckDB, and DuckDB "
                                 "is not installed", file=file, missing=True,
                         help="install it with `python3 -m pip install duckdb`, or export the table as CSV") from None
    con = duckdb.connect()
    try:
        yield con
    except duckdb.Error as error:
        reason = str(error).split("\n", 1)[0]
        raise TableError("T141", f"`{file}` cannot be read as Parquet ({reason[:1].lower()}{reason[1:200]})",
                         file=file, help=WAREHOUSE_HELP) from None
    finally:
        con.close()
