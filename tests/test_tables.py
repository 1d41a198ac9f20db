import csv
from datetime import date, datetime
from decimal import Decimal

import openpyxl
from openpyxl.utils import get_column_letter
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossmarket_dsl.io import tables
from crossmarket_dsl.io.files import atomic_write_text
from crossmarket_dsl.io.records import Table, TableError, column_letter
from crossmarket_dsl.io.tables import read_table, split_sheet, write_book, write_csv
from crossmarket_dsl.io.workbook import Book, Column, Sheet

HEADER = "deal_id,date,product,amount\n"


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return str(path)


def raises(path, **kwargs) -> TableError:
    with pytest.raises(TableError) as caught:
        read_table(path, **kwargs)
    error = caught.value
    assert error.message == str(error)
    assert error.message == error.message.strip() and not error.message.endswith(".")
    return error


# ---- CSV ----

def test_csv_rows_are_text_keyed_by_stripped_header(tmp_path):
    path = write(tmp_path / "deals.csv", " deal_id , date,product,amount\nD1,2026-03-01,个人理财,\"1,000\"\nD2,2026-03-02,信用卡,5\n")
    table = read_table(path)
    assert table == Table(
        name="deals", path=path, columns=["deal_id", "date", "product", "amount"],
        rows=[{"deal_id": "D1", "date": "2026-03-01", "product": "个人理财", "amount": "1,000"},
              {"deal_id": "D2", "date": "2026-03-02", "product": "信用卡", "amount": "5"}],
        row_numbers=[2, 3],
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_encoding_is_detected(tmp_path, encoding):
    path = write(tmp_path / "clients.csv", "client_id,name\nC1,盘锦石化有限公司\n", encoding)
    table = read_table(path, table="clients")
    assert table.name == "clients"
    assert table.columns == ["client_id", "name"]
    assert table.rows == [{"client_id": "C1", "name": "盘锦石化有限公司"}]


@pytest.mark.parametrize("stream", [False, True])
def test_a_byte_order_mark_is_no_part_of_the_first_column_in_gb18030(tmp_path, stream):
    path = tmp_path / "deals.csv"
    path.write_bytes(("\ufeff" + HEADER + "D1,2026-03-01,个人理财,5\n").encode("gb18030"))
    table = read_table(str(path), stream=stream)
    assert table.columns == ["deal_id", "date", "product", "amount"]
    assert [row["deal_id"] for _, row in table.numbered()] == ["D1"]


def test_csv_encoding_can_be_named(tmp_path):
    path = write(tmp_path / "clients.csv", "client_id,name\nC1,臺灣銀行\n", "big5")
    assert read_table(path, encoding="big5").rows[0]["name"] == "臺灣銀行"


def test_csv_in_the_wrong_named_encoding_says_where(tmp_path):
    path = write(tmp_path / "deals.csv", HEADER + "D1,2026-03-01,个人理财,5\n", "gb18030")
    error = raises(path, encoding="utf-8")
    assert error.row == 2 and error.file == path and not error.missing
    assert "`utf-8` text" in error.message and "line 2" in error.message
    assert "--encoding" in error.help


def test_csv_that_is_neither_utf8_nor_gb18030(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_bytes(HEADER.encode() + b"D1,2026-03-01,\xff\xfe,5\n")
    error = raises(str(path))
    assert error.row == 2
    assert error.message == f"`{path}` is not UTF-8 or GB18030 text: byte 43 (0xff) on line 2 after `D1,2026-03-01,` cannot be decoded"


def test_unknown_encoding(tmp_path):
    path = write(tmp_path / "deals.csv", HEADER)
    assert "`klingon` is not a known encoding" == raises(path, encoding="klingon").message


def test_blank_lines_are_skipped_but_counted(tmp_path):
    path = write(tmp_path / "deals.csv", "\n" + HEADER + "D1,,,\n\n,,,\nD2,,,\n")
    table = read_table(path)
    assert [row["deal_id"] for row in table.rows] == ["D1", "D2"]
    assert table.row_numbers == [3, 6]


@pytest.mark.parametrize("stream", [False, True])
def test_a_quote_that_runs_past_its_line_names_the_line_it_opened_on(tmp_path, stream):
    rows = "".join(f"D{i},2026-03-01,信用卡,{i}\n" for i in range(1, 40))
    path = write(tmp_path / "deals.csv", HEADER + rows.replace("D7,", 'D7,"', 1))
    with pytest.raises(TableError) as caught:
        read_table(path, stream=stream).record_chunks().__next__()
    assert (caught.value.code, caught.value.row) == ("T122", 8)
    assert "lines 9 to 40" in caught.value.message


@pytest.mark.parametrize("stream", [False, True])
def test_a_quote_left_open_on_the_last_line_is_refused_too(tmp_path, stream):
    path = write(tmp_path / "deals.csv", HEADER + 'D1,2026-03-01,信用卡,5\nD2,2026-03-01,信用卡,"\n')
    with pytest.raises(TableError) as caught:
        read_table(path, stream=stream).record_chunks().__next__()
    assert (caught.value.code, caught.value.row) == ("T122", 3)
    assert "runs to the end of the file" in caught.value.message


def test_a_quoted_line_break_is_refused_and_a_long_cell_is_read(tmp_path):
    path = write(tmp_path / "deals.csv", HEADER + 'D1,2026-03-01,"个人\n理财",5\nD2,,,\n')
    with pytest.raises(TableError) as caught:
        read_table(path)
    assert (caught.value.code, caught.value.row) == ("T122", 2)
    note = "备注" * 100_000  # 200,000 characters: more than Python's CSV reader takes by default
    path = write(tmp_path / "long.csv", HEADER + f"D1,2026-03-01,{note},5\n")
    assert read_table(path).rows[0]["product"] == note


def test_short_rows_are_padded_with_none_and_empty_extra_cells_ignored(tmp_path):
    path = write(tmp_path / "deals.csv", HEADER + "D1,2026-03-01\nD2,2026-03-02,信用卡,5,,\n")
    assert read_table(path).rows == [
        {"deal_id": "D1", "date": "2026-03-01", "product": None, "amount": None},
        {"deal_id": "D2", "date": "2026-03-02", "product": "信用卡", "amount": "5"},
    ]


def test_a_row_with_more_values_than_columns_is_an_error(tmp_path):
    path = write(tmp_path / "deals.csv", HEADER + "D1,2026-03-01,信用卡,5\nD2,2026-03-02,信用卡,1,000\n")
    error = raises(path)
    assert (error.row, error.column) == (3, "E")
    assert error.message == f"`{path}` row 3 has a value in column E, but the header (row 1) names only 4 columns"
    assert "double quotes" in error.help


def test_trailing_empty_header_cells_are_dropped(tmp_path):
    path = write(tmp_path / "deals.csv", "deal_id,amount,,\nD1,5,,\n")
    assert read_table(path).columns == ["deal_id", "amount"]


def test_an_empty_header_cell_among_names(tmp_path):
    path = write(tmp_path / "deals.csv", "deal_id, ,amount\nD1,x,5\n")
    error = raises(path)
    assert (error.row, error.column) == (1, "B")
    assert error.message == f"`{path}`: header cell B1 is empty"


def test_duplicate_header_names(tmp_path):
    path = write(tmp_path / "deals.csv", "deal_id,amount,amount \n")
    error = raises(path)
    assert (error.row, error.column) == (1, "amount")
    assert error.message == f"`{path}`: header cells B1 and C1 are both named `amount`"


@pytest.mark.parametrize("content", ["", "\ufeff", "\n\n", ",,\n"])
def test_an_empty_csv_needs_a_header(tmp_path, content):
    path = write(tmp_path / "deals.csv", content)
    assert raises(path).message == f"`{path}` is empty: it needs a header row"


def test_a_header_only_csv_is_a_table_with_no_rows(tmp_path):
    table = read_table(write(tmp_path / "deals.csv", HEADER))
    assert (table.columns, table.rows, table.row_numbers) == (["deal_id", "date", "product", "amount"], [], [])


def test_a_workbook_named_csv(tmp_path):
    book = tmp_path / "book.xlsx"
    openpyxl.Workbook().save(book)
    path = tmp_path / "deals.csv"
    path.write_bytes(book.read_bytes())
    error = raises(str(path))
    assert "is an Excel workbook" in error.message and not error.missing


def test_a_cell_over_the_limit_names_the_line_it_starts_on(tmp_path, monkeypatch):
    """The limit is 16 MiB; lowered here so that the test stays small."""
    monkeypatch.setattr(tables, "MAX_CELL", 1000)
    previous = csv.field_size_limit(1000)
    try:
        path = write(tmp_path / "deals.csv", HEADER + "D1,2026-03-01,信用卡,5\nD2,," + "x" * 2000 + ",5\n")
        error = raises(path)
    finally:
        csv.field_size_limit(previous)
    assert (error.code, error.row) == ("T123", 3) and "more than 1,000 characters" in error.message


# ---- files that cannot be read at all ----

def test_a_missing_file_suggests_a_close_name(tmp_path):
    write(tmp_path / "deals.csv", HEADER)
    error = raises(str(tmp_path / "deal.csv"))
    assert error.missing
    assert error.message == f"`{tmp_path / 'deal.csv'}` does not exist"
    assert error.help == f"did you mean `{tmp_path / 'deals.csv'}`?"


def test_a_folder_is_not_a_table(tmp_path):
    error = raises(str(tmp_path))
    assert error.missing and "is a folder" in error.message


def test_an_unknown_extension(tmp_path):
    path = write(tmp_path / "deals.xls", "whatever")
    error = raises(path)
    assert not error.missing
    assert error.message == f"`{path}` is not a table crossmarket can read"
    assert "`.xlsx`" in error.help


# ---- XLSX ----

def make_workbook(path, *sheets):
    """sheets: (title, {cell: value} or list of rows)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, content in sheets:
        sheet = book.create_sheet(title)
        if isinstance(content, dict):
            for cell, value in content.items():
                sheet[cell] = value
        else:
            for row in content:
                sheet.append(row)
    book.save(path)
    return str(path)


def test_xlsx_keeps_types_with_dates_as_dates_and_floats_exact(tmp_path):
    path = make_workbook(tmp_path / "deals.xlsx", ("台账", [
        ["deal_id", "date", "amount", "quantity", "activated"],
        ["D1", datetime(2026, 3, 1), 0.1, 3, True],
        [],
        ["D2", datetime(2026, 3, 2, 9, 30), 1234.5, None, "是"],
    ]))
    table = read_table(path)
    assert table.columns == ["deal_id", "date", "amount", "quantity", "activated"]
    assert table.rows == [
        {"deal_id": "D1", "date": date(2026, 3, 1), "amount": Decimal("0.1"), "quantity": 3, "activated": "true"},
        {"deal_id": "D2", "date": datetime(2026, 3, 2, 9, 30), "amount": Decimal("1234.5"), "quantity": None,
         "activated": "是"},
    ]
    assert type(table.rows[0]["date"]) is date
    assert table.row_numbers == [2, 4]


def test_xlsx_header_is_the_first_non_empty_row(tmp_path):
    path = make_workbook(tmp_path / "deals.xlsx", ("Sheet", {"A3": "deal_id", "B3": "amount", "A5": "D1", "B5": 0}))
    table = read_table(path)
    assert table.columns == ["deal_id", "amount"]
    assert table.rows == [{"deal_id": "D1", "amount": 0}]
    assert table.row_numbers == [5]


def test_xlsx_named_sheet(tmp_path):
    path = make_workbook(tmp_path / "deals.xlsx", ("1月", [["deal_id"], ["D1"]]), ("2月", [["deal_id"], ["D2"]]))
    table = read_table(path + "#2月")
    assert table.path == path + "#2月"
    assert table.rows == [{"deal_id": "D2"}]


def test_xlsx_unknown_sheet_lists_the_sheets(tmp_path):
    path = make_workbook(tmp_path / "deals.xlsx", ("1月", [["deal_id"]]), ("2月", [["deal_id"]]))
    error = raises(path + "#3月")
    assert error.message == f"`{path}` has no sheet `3月`"
    assert error.help == "its sheets are `1月`, `2月`"


def test_xlsx_merged_header_cells_are_named(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["deal_id", "金额", None, "date"])
    sheet.merge_cells("B1:C1")
    sheet.append(["D1", 1, 2, "2026-03-01"])
    book.save(tmp_path / "deals.xlsx")
    error = raises(str(tmp_path / "deals.xlsx"))
    assert (error.row, error.column) == (1, "C")
    assert error.message == f"`{tmp_path / 'deals.xlsx'}` sheet `Sheet`: header cell C1 is empty"
    assert "merged" in error.help


def test_xlsx_title_row_above_the_header(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2026年交叉营销台账"])
    sheet.merge_cells("A1:C1")
    sheet.append(["deal_id", "date", "amount"])
    book.save(tmp_path / "deals.xlsx")
    error = raises(str(tmp_path / "deals.xlsx"))
    assert (error.row, error.column) == (2, "C")
    assert "title row" in error.help


def test_xlsx_empty_first_sheet(tmp_path):
    path = make_workbook(tmp_path / "deals.xlsx", ("空表", []), ("数据", [["deal_id"]]))
    assert raises(path).message == f"`{path}` sheet `空表` is empty: it needs a header row"


def test_xlsx_zero_values_are_not_blank_rows(tmp_path):
    path = make_workbook(tmp_path / "deals.xlsx", ("S", [["quantity", "activated"], [0, False]]))
    assert read_table(path).rows == [{"quantity": 0, "activated": "false"}]


def test_a_corrupt_xlsx(tmp_path):
    path = write(tmp_path / "deals.xlsx", "not a zip at all")
    error = raises(path)
    assert not error.missing
    assert error.message == f"`{path}` is not a valid Excel workbook"


def test_split_sheet():
    assert split_sheet("a/台账.xlsx#3月") == ("a/台账.xlsx", "3月")
    assert split_sheet("a/台账.XLSX#a#b") == ("a/台账.XLSX", "a#b")
    assert split_sheet("a/#1.csv") == ("a/#1.csv", None)


# ---- JSON Lines ----

def test_jsonl_rows_columns_and_line_numbers(tmp_path):
    path = write(tmp_path / "deals.jsonl",
                 '{"deal_id": "D1", "amount": 0.1}\n\n{"deal_id": "D2", "quantity": 2, "participants": ["电子银行部"]}\n')
    table = read_table(path)
    assert table.columns == ["deal_id", "amount", "quantity", "participants"]
    assert table.rows == [{"deal_id": "D1", "amount": Decimal("0.1")},
                          {"deal_id": "D2", "quantity": 2, "participants": "电子银行部"}]
    assert isinstance(table.rows[0]["amount"], Decimal)
    assert table.row_numbers == [1, 3]


def test_jsonl_bad_json_names_the_line(tmp_path):
    path = write(tmp_path / "deals.jsonl", '{"deal_id": "D1"}\n{"deal_id": "D2",}\n')
    error = raises(path)
    assert error.row == 2
    assert error.message.startswith(f"`{path}` line 2 is not valid JSON (expecting property name")


def test_jsonl_lines_must_be_objects(tmp_path):
    path = write(tmp_path / "deals.jsonl", '{"deal_id": "D1"}\n["D2"]\n')
    error = raises(path)
    assert error.row == 2
    assert error.message == f"`{path}` line 2 is a JSON list, not an object"


def test_empty_jsonl(tmp_path):
    path = write(tmp_path / "deals.jsonl", "\n")
    assert "is empty" in raises(path).message


# ---- required columns ----

def test_require_names_every_missing_column_and_why(tmp_path):
    table = read_table(write(tmp_path / "deals.csv", "deal_id,Amount,date\n"))
    table.require({"deal_id": "every deal needs an id"})
    with pytest.raises(TableError) as caught:
        table.require({
            "amount": "rule `产品完成率下限` uses `deal.amount`",
            "quantity": "product `代发工资` counts `deal.quantity`",
            "date": "deals are dated",
        })
    error = caught.value
    assert error.message == (
        f"the deals table `{table.path}` has no columns `amount` (rule `产品完成率下限` uses `deal.amount`), "
        "`quantity` (product `代发工资` counts `deal.quantity`)"
    )
    assert error.help == "its columns are `deal_id`, `Amount`, `date`; did you mean `Amount` for `amount`?"
    assert error.file == table.path and error.column is None


def test_require_one_missing_column_sets_column(tmp_path):
    table = read_table(write(tmp_path / "clients.csv", "client_id\n"), table="clients")
    with pytest.raises(TableError) as caught:
        table.require({"rating": "target criteria of `公司业务部` use `client.rating`"})
    assert caught.value.column == "rating"
    assert caught.value.message.startswith("the clients table")


# ---- writing ----

def test_write_csv_round_trips_with_bom(tmp_path):
    path = tmp_path / "out.csv"
    write_csv(path, ["部门", "积分", "日期"], [
        {"部门": "个人金融部", "积分": Decimal("1.5E+3"), "日期": date(2026, 3, 1)},
        ["信用卡中心", Decimal("0.1250"), None],
    ])
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_table(str(path)).rows == [
        {"部门": "个人金融部", "积分": "1500", "日期": "2026-03-01"},
        {"部门": "信用卡中心", "积分": "0.1250", "日期": ""},
    ]


def test_write_csv_keeps_formula_like_text_as_text(tmp_path):
    """Excel runs a CSV cell that starts with `=`, `+`, `-` or `@`: a ledger's text must not become a formula."""
    path = tmp_path / "rejected.csv"
    write_csv(path, ["deal_id", "note"], [['=HYPERLINK("http://x","点击")', "@SUM(A1)"], ["+86 138", "-5"],
                                          [" =1+1", Decimal("-5")], ["普通", "+5"]])
    assert [list(row.values()) for row in read_table(str(path)).rows] == [
        ["'=HYPERLINK(\"http://x\",\"点击\")", "'@SUM(A1)"], ["'+86 138", "-5"], ["'=1+1", "-5"], ["普通", "+5"]]


def test_text_kept_from_being_a_formula_reads_back_as_written(tmp_path):
    path = tmp_path / "audit.csv"
    ids = ["=1+1", "-A7", "@x", "'quoted", "D1", "-5"]
    write_csv(path, ["deal_id"], [[deal_id] for deal_id in ids])
    assert [tables.as_written(row["deal_id"]) for row in read_table(str(path)).rows] == ids


def failing_rows():
    yield ["new"]
    raise RuntimeError("disk full")


def test_writes_are_whole_or_not_at_all(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        write_csv(path, ["x"], failing_rows())
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_atomic_write_text_replaces(tmp_path):
    path = tmp_path / "report.html"
    path.write_text("old")
    atomic_write_text(path, "<p>新</p>")
    assert path.read_text(encoding="utf-8") == "<p>新</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_every_workbook_has_a_title_block_chinese_header_typed_cells_and_a_print_setup(tmp_path):
    path = tmp_path / "statement.xlsx"
    columns = [Column("department", "部门"), Column("points", "积分", "points"), Column("ratio", "完成率", "percent"),
               Column("day", "日期", "date"), Column("note", "说明"), Column("verdict", "审核结论", choices=("确认", "驳回"))]
    write_book(path, Book("盘锦分行积分", ["机构 Branch：盘锦分行", "期间 Period：2026年3月"], [
        Sheet("部门积分", columns, [
            {"department": "个人金融部个人金融部", "points": Decimal("1234.5"), "ratio": "0.7583", "day": "2026-03-02",
             "note": "=SUM(A1:A9)"},
            {"department": "IT", "points": "—", "note": "bad\x07char"},
        ], keys=True),
        Sheet("空", [Column("x", "甲")], []),
    ]))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["部门积分", "空"]
    sheet = book["部门积分"]
    assert [sheet.cell(row, 1).value for row in (1, 2, 3)] == ["盘锦分行积分", "机构 Branch：盘锦分行", "期间 Period：2026年3月"]
    assert sheet["A1"].font.b and f"A1:{get_column_letter(len(sheet[5]))}1" in sheet.merged_cells
    labels, keys = [c.value for c in sheet[5]], [c.value for c in sheet[6]]
    assert labels[:6] == ["部门", "积分", "完成率", "日期", "说明", "审核结论"]
    assert keys[:6] == ["department", "points", "ratio", "day", "note", "verdict"]
    assert set(labels[6:]) == set(keys[6:]) == {None}  # empty columns the title block spans, so that it fits
    assert sum(sheet.column_dimensions[get_column_letter(i)].width for i in range(1, len(labels) + 1)) >= 100
    assert all(cell.font.b for cell in sheet[5][:6])
    assert sheet.freeze_panes == "A7" and sheet.print_title_rows == "$5:$6"
    assert [c.value for c in sheet[7]][:5] == ["个人金融部个人金融部", 1234.5, 0.7583, datetime(2026, 3, 2),
                                              "=SUM(A1:A9)"]
    assert sheet["E7"].data_type == "s"  # text that looks like a formula stays text
    assert (sheet["B7"].number_format, sheet["C7"].number_format, sheet["D7"].number_format) == \
        ("#,##0.0000", "0.0%", "yyyy-mm-dd")
    assert sheet["B8"].value == "—" and sheet["E8"].value == "badchar"
    assert sheet.column_dimensions["A"].width == 24  # ten CJK characters count twenty, and some room
    assert sheet.column_dimensions["D"].width == 13
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and "&P" in sheet.oddFooter.right.text
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"确认,驳回"' and str(validation.sqref) == "F7:F8"


def test_a_sheet_crossmarket_wrote_reads_back_from_its_key_row(tmp_path):
    path = tmp_path / "audit.xlsx"
    write_book(path, Book("抽查表", ["期间 Period：2026年3月"], [
        Sheet("抽查", [Column("deal_id", "交易编号"), Column("verdict", "审核结论")], [
            {"deal_id": "D1", "verdict": "驳回"}, {"deal_id": "D2"}], keys=True)]))
    table = read_table(str(path), table="audit")
    assert table.columns == ["deal_id", "verdict"]
    assert list(table.numbered()) == [(6, {"deal_id": "D1", "verdict": "驳回"}), (7, {"deal_id": "D2", "verdict": None})]


# ---- record chunks: the row loop's pass over a ledger ----

def _chunked_rows(table: Table) -> list[tuple[int, dict]]:
    return [(number, dict(zip(table.columns, cells)))
            for numbers, records in table.record_chunks() for number, cells in zip(numbers, records)]


@pytest.mark.parametrize("content", [
    HEADER + "D1,2026-03-01,个人理财,5\nD2,2026-03-02,信用卡,1\nD3,,,\n",
    "\n\n" + HEADER + "D1,,,\n\n,,,\nD2,,,\n\n",
    HEADER + "D1,2026-03-01\nD2,2026-03-02,信用卡,5,,\n,2026-03-03,信用卡,1\n",
    HEADER,
])
@pytest.mark.parametrize("chunk_rows", [1, 2, 1024])
def test_record_chunks_give_the_rows_numbered_gives(tmp_path, monkeypatch, content, chunk_rows):
    monkeypatch.setattr(tables, "CHUNK_ROWS", chunk_rows)
    table = read_table(write(tmp_path / "deals.csv", content), stream=True)
    assert _chunked_rows(table) == list(table.numbered())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.lists(st.sampled_from(["", "D1", "是", "1,000", "a\nb", " x "]), max_size=5), max_size=12),
       chunk_rows=st.integers(1, 5))
def test_record_chunks_agree_with_rows_on_any_ledger(tmp_path, monkeypatch, records, chunk_rows):
    """Blank, short and long records at any place of any chunk: the same rows, or the same error."""
    monkeypatch.setattr(tables, "CHUNK_ROWS", chunk_rows)
    path = tmp_path / "deals.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["deal_id", "date", "product", "amount"], *records])
    outcomes = []
    for read in (lambda: list(read_table(str(path), stream=True).numbered()),
                 lambda: _chunked_rows(read_table(str(path), stream=True))):
        try:
            outcomes.append(read())
        except TableError as error:
            outcomes.append((error.message, error.row, error.column))
    assert outcomes[0] == outcomes[1]


def test_record_chunks_of_rows_in_memory_follow_the_columns(tmp_path):
    table = read_table(write(tmp_path / "deals.jsonl", '{"deal_id": "D1", "amount": 5}\n{"date": "2026-03-01"}\n'))
    assert list(table.record_chunks()) == [([1, 2], [["D1", Decimal(5), None], [None, None, "2026-03-01"]])]


def test_jsonl_lists_and_objects_read_as_the_text_a_sheet_holds(tmp_path):
    path = write(tmp_path / "deals.jsonl", '{"deal_id": "D1", "participants": ["电子银行部", "信用卡中心"]}\n'
                                           '{"deal_id": "D2", "participants": {"电子银行部": 60, "信用卡中心": 40}}\n')
    assert [row["participants"] for row in read_table(path).rows] == ["电子银行部;信用卡中心", "电子银行部:60;信用卡中心:40"]


def test_column_letters_are_excels():
    from openpyxl.utils import get_column_letter
    assert [column_letter(index) for index in range(1, 16_385)] == \
        [get_column_letter(index) for index in range(1, 16_385)]


def test_a_row_whose_text_wraps_is_tall_enough_to_show_it(tmp_path):
    path = tmp_path / "targets.xlsx"
    long = "；".join(["省内利税排名前200名", "授信超过亿元的大型企业", "年销售额超过亿元的大型企业"] * 2)
    write_book(path, Book("名单", [], [Sheet("候选客户", [Column("criteria", "符合的标准")],
                                             [{"criteria": long}, {"criteria": "短"}])]))
    sheet = openpyxl.load_workbook(path)["候选客户"]
    assert sheet.row_dimensions[4].height >= 2 * 15 and sheet.row_dimensions[5].height is None
