"""The one style of every workbook crossmarket writes for people: what a sheet says, and how it looks.

A `Book` is a title block (what, which branch, which rules, which period) and its sheets; a `Sheet` is
`Column`s and rows (mappings by column key). A column's `kind` says how its values are stored and shown:
figures as numbers with a number format, ratios as percentages, dates as dates — never digits as text —
so that a department can add up a column in Excel. Every sheet is laid out the same way (`xlsx.py` draws
it):

    the title, then the title block's lines, merged across the sheet's width
    (a blank row)
    the header: Chinese labels, bold on grey — repeated on every printed page and frozen on screen
    the columns' keys in English, for sheets that tools read back (`Sheet.keys`)
    the rows

printed A4 landscape, scaled to the page's width, page numbers in the footer. A column people type in
(`choices`) gets a drop-down list. A sheet read back (`xlsx.read_workbook`) takes the last of the rows
repeated on printed pages as its header, so the title block never gets in a tool's way.

`tables.write_book` writes a `Book`; this module loads no spreadsheet library, so that commands that
write no workbook do not pay for openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

FORMATS = {
    "text": None,
    "name": None,  # an id, a code, a date as text, a short name: never broken across lines on a page
    "row": "0",  # a spreadsheet row number: no thousands separator
    "count": "#,##0",
    "number": "General",  # quantities: as many places as they have
    "points": "#,##0.0000",  # points to 4 places, as everywhere else
    "money": "#,##0.00",
    "percent": "0.0%",  # a ratio: 0.7583 shows as 75.8%
    "completion": "0.00%",  # a ratio judged against thresholds, given cut to 4 places: 0.5999 shows as 59.99%
    "date": "yyyy-mm-dd",
}
"""Each kind of column and the Excel number format its values are shown with."""


@dataclass(frozen=True)
class Column:
    key: str  # the row mapping's key, and the English name tools know the column by
    label: str  # what people read: Chinese
    kind: str = "text"  # a key of FORMATS
    choices: tuple[str, ...] = ()  # the values people may type here: a drop-down list
    width: int = 0  # at least this many characters wide (a column people write notes in)
    note: str = ""  # what belongs in the column: a comment on its header cell, for sheets people fill in

    def __post_init__(self):
        assert self.kind in FORMATS, f"unknown column kind {self.kind}"


@dataclass
class Sheet:
    name: str
    columns: Sequence[Column]
    rows: Iterable[Mapping[str, object]]
    keys: bool = False  # a row of the columns' keys under the labels: the sheet is read back by tools
    overflow: str = ""  # the last row when a sheet cannot hold every row (1,048,576 rows): where the rest are
    blank_rows: int = 0  # rows left for people to fill in: the drop-down lists reach down to them


@dataclass
class Book:
    title: str
    lines: Sequence[str]  # the title block: branch, rules and version, period — one fact a line
    sheets: Sequence[Sheet]


def title_lines(rules: Mapping[str, str], period: str) -> list[str]:
    """The title block every workbook of an evaluation carries: the branch and its rules, the measure's
    version and the rules file's fingerprint (which text produced the figures), and the period."""
    return [f"机构 Branch：{rules['branch']}",
            f"规则 Rules：《{rules['name']}》，依据《{rules['measure']}》{rules['version']} 版；"
            f"规则文件 SHA-256 {rules['sha256'][:16]}…",
            f"期间 Period：{period}"]
