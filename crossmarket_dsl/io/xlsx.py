"""Excel workbooks in and out (`tables.read_table`, `tables.write_xlsx`), apart from the other tables
because openpyxl takes a tenth of a second to import (it brings numpy): only commands that read or
write a workbook pay for it.
"""

from __future__ import annotations

import os
import zipfile
from datetime import datetime, time
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..language.diagnostics import display_width
from ..semantics.values import to_number, to_text
from .files import replacing
from .records import Row, TableError, parse_records, row_values, unreadable

_CORRUPT_XLSX = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, SyntaxError, EOFError)
"""What openpyxl raises for a file that is not a workbook (SyntaxError covers XML ParseError)."""


def read_workbook(file: str, sheet_name: str | None) -> tuple[list[str], list[dict], list[int]]:
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except OSError as error:
        raise unreadable(file, error) from None
    except _CORRUPT_XLSX:
        raise _not_a_workbook(file) from None
    try:
        sheet = _pick_sheet(workbook, file, sheet_name)
        sheet.reset_dimensions()  # some programs write wrong dimensions; read every row there is
        rows = (tuple(map(_xlsx_value, row)) for row in sheet.iter_rows(min_row=1, values_only=True))
        return parse_records(enumerate(rows, 1), file, f"`{file}` sheet `{sheet.title}`")
    except _CORRUPT_XLSX:
        raise _not_a_workbook(file) from None
    finally:
        workbook.close()


def _not_a_workbook(file: str) -> TableError:
    return TableError(f"`{file}` is not a valid Excel workbook", file=file,
                      help="open it in Excel and save it again as `.xlsx`")


def _pick_sheet(workbook, file: str, name: str | None):
    sheets = workbook.worksheets
    if name is None:
        return sheets[0]
    for sheet in sheets:
        if sheet.title == name:
            return sheet
    listed = ", ".join(f"`{sheet.title}`" for sheet in sheets)
    raise TableError(f"`{file}` has no sheet `{name}`", help=f"its sheets are {listed}", file=file)


def _xlsx_value(value: object) -> object:
    """Floats become exact decimals (0.1 stays 0.1); date-only datetimes become dates."""
    if isinstance(value, float):
        return to_number(value)
    if isinstance(value, datetime) and value.time() == time():
        return value.date()
    return value


_BOLD = Font(bold=True)
_WIDTH_SAMPLE = 1000
"""Rows looked at when sizing columns: enough to be right, cheap for a million-row sheet."""


def write_workbook(path: str | os.PathLike, sheets: Iterable[tuple[str, Sequence[str], Iterable[Row]]],
                   formats: Mapping[str, str] | None = None) -> None:
    """`tables.write_xlsx`."""
    workbook = openpyxl.Workbook(write_only=True)
    for name, columns, rows in sheets:
        sheet = workbook.create_sheet(name)
        values = [row_values(columns, row) for row in rows]
        _size_columns(sheet, columns, values)
        sheet.freeze_panes = "A2"
        sheet.append([_xlsx_cell(sheet, column, None, _BOLD) for column in columns])
        column_formats = [(formats or {}).get(column) for column in columns]
        for row in values:
            sheet.append([_xlsx_cell(sheet, value, number_format) for value, number_format in zip(row, column_formats)])
    with replacing(path) as handle:
        workbook.save(handle)


def _xlsx_cell(sheet, value: object, number_format: str | None, font: Font | None = None) -> object:
    """A plain value where possible; a styled cell where needed. Text is never taken for a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters would make the file invalid
    is_number = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    is_formula_like = isinstance(value, str) and value.startswith("=")
    if not (font or is_formula_like or (number_format and is_number)):
        return value
    cell = WriteOnlyCell(sheet, value)
    if is_formula_like:
        cell.data_type = "s"
    if number_format and is_number:
        cell.number_format = number_format
    if font:
        cell.font = font
    return cell


def _size_columns(sheet, columns: Sequence[str], values: Sequence[Sequence[object]]) -> None:
    """Column widths from the header and the first rows; CJK characters count double."""
    for index, column in enumerate(columns):
        texts = [column, *(to_text(row[index]) or "" for row in values[:_WIDTH_SAMPLE] if index < len(row))]
        width = max(display_width(text) for text in texts)
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(width + 2, 8), 60)
