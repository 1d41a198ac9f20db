"""Excel workbooks in and out (`tables.read_table`, `tables.write_book`), apart from the other tables
because openpyxl takes a tenth of a second to import (it brings numpy): only commands that read or
write a workbook pay for it.
"""

from __future__ import annotations

import os
import zipfile
from copy import copy
from itertools import islice
from datetime import datetime, time
from decimal import Decimal
from typing import Sequence

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..language.diagnostics import display_width
from ..semantics.values import to_date, to_number, to_text
from .files import replacing
from .records import TableError, parse_records, plain_boolean, unreadable
from .workbook import FORMATS, Book, Column, Sheet

_CORRUPT_XLSX = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, SyntaxError, EOFError)
"""What openpyxl raises for a file that is not a workbook (SyntaxError covers XML ParseError)."""


def read_workbook(file: str, sheet_name: str | None) -> tuple[list[str], list[dict], list[int]]:
    try:
        _check_unpacked_size(file)
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except OSError as error:
        raise unreadable(file, error) from None
    except _CORRUPT_XLSX:
        raise _not_a_workbook(file) from None
    try:
        sheet = _pick_sheet(workbook, file, sheet_name)
        sheet.reset_dimensions()  # some programs write wrong dimensions; read every row there is
        start = _header_row(sheet)
        rows = (tuple(map(_xlsx_value, row)) for row in sheet.iter_rows(min_row=start, values_only=True))
        return parse_records(enumerate(rows, start), file, f"`{file}` sheet `{sheet.title}`")
    except _CORRUPT_XLSX:
        raise _not_a_workbook(file) from None
    finally:
        workbook.close()


MAX_UNPACKED = 1 << 30
"""Bytes a workbook may unpack to (1 GiB: a million-row ledger is a few hundred MB). A workbook is a zip
file; 150 KB of zip can declare 2.9 GB of sheets, which would be unpacked before a row is read."""


def _check_unpacked_size(file: str) -> None:
    """Refuse a workbook by the sizes its zip directory declares, before anything is decompressed (Python's
    zip reader never gives more bytes than an entry declares, so the declared sizes are what it costs)."""
    with zipfile.ZipFile(file) as archive:
        declared = sum(entry.file_size for entry in archive.infolist())
    if declared > MAX_UNPACKED:
        raise TableError("T124", f"the workbook would unpack to {declared / 2**30:,.1f} GiB, more than the "
                         f"{MAX_UNPACKED // 2**30} GiB crossmarket reads", file=file,
                         help="save a ledger this large as CSV (`.csv`), which is read as it streams")


def _not_a_workbook(file: str) -> TableError:
    return TableError("T120", f"`{file}` is not a valid Excel workbook", file=file,
                      help="open it in Excel and save it again as `.xlsx`")


def _pick_sheet(workbook, file: str, name: str | None):
    sheets = workbook.worksheets
    if name is None:
        return sheets[0]
    for sheet in sheets:
        if sheet.title == name:
            return sheet
    listed = ", ".join(f"`{sheet.title}`" for sheet in sheets)
    raise TableError("T121", f"`{file}` has no sheet `{name}`", help=f"its sheets are {listed}", file=file)


def _header_row(sheet) -> int:
    """The row a table's header is on: the last of the rows repeated on printed pages, as every sheet
    crossmarket writes has it below its title block (Excel and LibreOffice keep the setting when they
    save); the first row of any other sheet. openpyxl keeps a read-only sheet's print titles only in
    `_print_rows` (a range of rows)."""
    return getattr(getattr(sheet, "_print_rows", None), "max_row", None) or 1


def _xlsx_value(value: object) -> object:
    """Floats become exact decimals (0.1 stays 0.1); date-only datetimes become dates; TRUE and FALSE text."""
    if isinstance(value, float):
        return to_number(value)
    if isinstance(value, datetime) and value.time() == time():
        return value.date()
    return plain_boolean(value)


# ---- writing: every sheet in the one style of `workbook.py` ----

_TITLE_FONT = Font(bold=True, size=14)
_LINE_FONT = Font(color="444444")
_HEADER_FONT = Font(bold=True)
_KEY_FONT = Font(italic=True, size=9, color="666666")
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTERED = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TOP = Alignment(vertical="top", wrap_text=True)  # a long text wraps within its column's width
_LINE_PT = {11: 15, 14: 19}  # a line's height (points) at a font size
_WIDTHS = (6, 50)
"""A column's width in characters, at least and at most: wider text wraps."""
_TITLE_WIDTH, _SPARE_WIDTH = 100, 10
"""A narrow table's title block spans empty columns up to this many characters, so that its lines do not
wrap into a tall, thin column."""
_WIDTH_SAMPLE = 1000
"""Rows looked at when sizing columns: enough to be right, cheap for a million-row sheet."""
_SHOWN = {"count": "{:,.0f}", "points": "{:,.4f}", "money": "{:,.2f}", "percent": "{:.1%}", "completion": "{:.2%}"}
"""How Excel shows a figure of a kind, near enough to size its column."""


def write_book(path: str | os.PathLike, book: Book) -> None:
    """`tables.write_book`."""
    workbook = openpyxl.Workbook(write_only=True)
    for sheet in book.sheets:
        _write_sheet(workbook.create_sheet(sheet.name), book, sheet)
    with replacing(path) as handle:
        workbook.save(handle)


MAX_ROWS = 1_048_576
"""Rows an Excel sheet holds; a larger sheet is one Excel refuses to open."""


def _write_sheet(ws, book: Book, sheet: Sheet) -> None:
    columns = list(sheet.columns)
    block = [(book.title, _TITLE_FONT), *((line, _LINE_FONT) for line in book.lines)]
    header = len(block) + 2
    first = header + 1 + sheet.keys
    room = MAX_ROWS - first  # one row kept for the overflow note
    rows = [[_stored(column.kind, row.get(column.key)) for column in columns] for row in islice(sheet.rows, room + 1)]
    cut = len(rows) > room
    del rows[room:]
    widths = _widths(columns, rows, sheet.keys)
    widths += [_SPARE_WIDTH] * -(-max(_TITLE_WIDTH - sum(widths), 0) // _SPARE_WIDTH)  # room for the title block
    for index, width in enumerate(widths, 1):  # a write-only sheet takes its widths before its first row
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"A{first}"
    ws.print_title_rows = f"{header}:{first - 1}"
    _page_setup(ws, book.title)  # before the first row too: the sheet's properties are written with it
    last_letter = get_column_letter(len(widths))
    for number, (text, font) in enumerate(block, 1):
        ws.row_dimensions[number].height = _LINE_PT[font.sz or 11] * _lines(text, sum(widths), font.sz or 11)
        if len(widths) > 1:
            ws.merged_cells.add(f"A{number}:{last_letter}{number}")
        ws.append([_styled(ws, text, font=font, alignment=_TOP)])
    ws.append([])
    ws.append([_noted(_styled(ws, column.label, font=_HEADER_FONT, fill=_HEADER_FILL, border=_BORDER,
                              alignment=_CENTERED), column.note) for column in columns])
    if sheet.keys:
        ws.append([_styled(ws, column.key, font=_KEY_FONT, fill=_HEADER_FILL, border=_BORDER, alignment=_CENTERED)
                   for column in columns])
    templates = [_styled(ws, None, border=_BORDER, alignment=_TOP, number_format=FORMATS[column.kind])
                 for column in columns]
    for number, row in enumerate(rows, first):
        lines = _wrapped_lines(row, widths)
        if lines > 1:  # a spreadsheet program does not grow a row for wrapped text it did not lay out itself
            ws.row_dimensions[number].height = _LINE_PT[11] * lines
        ws.append([_like(ws, template, value) for template, value in zip(templates, row)])
    if cut:
        ws.append([_styled(ws, sheet.overflow or f"本表只能容纳 {len(rows):,} 行，其余未列出", font=_HEADER_FONT)])
    for index, column in enumerate(columns, 1):
        if column.choices:
            last = first + max(len(rows), sheet.blank_rows, 1) - 1
            ws.data_validations.append(_choices(column, get_column_letter(index), first, last))


def _stored(kind: str, value: object) -> object:
    """A value as the column's kind keeps it: figures as numbers, dates as dates, the rest as text. A
    value that is not of the kind (a `—` among figures) stays as it is, so nothing is lost."""
    if value is None or value == "":
        return None
    if kind == "date":
        return to_date(value) or value
    if kind != "text" and not isinstance(value, bool):
        number = to_number(value) if isinstance(value, str) else value
        return value if number is None else number
    text = value if isinstance(value, str) else to_text(value)
    return ILLEGAL_CHARACTERS_RE.sub("", text)  # control characters would make the file invalid


def _text_cell(ws, value: object) -> WriteOnlyCell:
    """Every cell of every workbook is made here: text is never taken for a formula (a branch named
    `=HYPERLINK(…)` in a title is text like any deal id), nor carries characters that would spoil the file."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _styled(ws, value: object, *, font=None, fill=None, border=None, alignment=None, number_format=None):
    cell = _text_cell(ws, value)
    for name, style in (("font", font), ("fill", fill), ("border", border), ("alignment", alignment),
                        ("number_format", number_format)):
        if style is not None:
            setattr(cell, name, style)
    return cell


def _noted(cell, note: str):
    if note:
        cell.comment = Comment(note, "crossmarket", width=320, height=140)
    return cell


def _like(ws, template, value: object):
    """A cell styled as its column's template (copying the style is much cheaper than setting it)."""
    cell = _text_cell(ws, value)
    cell._style = copy(template._style)
    return cell


def _shown(kind: str, value: object) -> str:
    if value is None:
        return ""
    if kind in _SHOWN and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return _SHOWN[kind].format(value)
    return to_text(value) or ""


def _widths(columns: Sequence[Column], rows: list[list], keys: bool) -> list[int]:
    """Each column as wide as its label and values (CJK counts double) and a little more, within `_WIDTHS`."""
    low, high = _WIDTHS
    widths = []
    for index, column in enumerate(columns):
        texts = [column.label, column.key if keys else "",
                 *(_shown(column.kind, row[index]) for row in rows[:_WIDTH_SAMPLE])]
        widest = max(map(display_width, texts))
        widths.append(min(max(widest + widest // 8 + 2, low, column.width), high))  # a little room: fonts differ
    return widths


def _wrapped_lines(row: Sequence[object], widths: Sequence[int]) -> int:
    """Lines the row's longest text takes when wrapped within its column (a short text is not measured)."""
    return max((_lines(value, width - 1, 11) for value, width in zip(row, widths)
                if isinstance(value, str) and 2 * len(value) > width - 2), default=1)


def _lines(text: str, width: int, size: int) -> int:
    """Lines a text takes in a merged row `width` characters wide, at a font size."""
    return max(1, -(-display_width(text) * size // (max(width, 1) * 11)))


def _choices(column: Column, letter: str, first: int, last: int) -> DataValidation:
    listed = "、".join(column.choices)
    validation = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle=column.label,
                                error=f"请从列表中选择：{listed}", showInputMessage=True, promptTitle=column.label,
                                prompt=f"请选择：{listed}")
    validation.add(f"{letter}{first}:{letter}{last}")
    return validation


def _page_setup(ws, title: str) -> None:
    """A4 landscape, as wide as the page, centred; the title and page numbers in the footer."""
    setup = ws.page_setup
    setup.orientation, setup.paperSize = "landscape", Worksheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.2, footer=0.3)
    ws.oddFooter.left.text = title.replace("&", "&&")
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.size = 8
