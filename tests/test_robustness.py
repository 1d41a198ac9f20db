"""What fuzzing found, kept fixed: expressions that overflow or round past what an amount holds, and the
checks that refuse constants no bank counts. (The fuzzers themselves are in `tests/test_fuzz.py`.)"""

from __future__ import annotations

import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from crossmarket_dsl.cli import cli
from crossmarket_dsl.cli.common import guard
from crossmarket_dsl.core.errors import UserError
from crossmarket_dsl.io import xlsx
from crossmarket_dsl.io.tables import read_table
from crossmarket_dsl.language.diagnostics import plain_number
from crossmarket_dsl.semantics.expr import evaluate_constant

ROOT = Path(__file__).resolve().parent.parent


def const(tree: dict):
    return evaluate_constant(tree, {})


def test_rounding_past_the_digits_an_amount_holds_has_no_value():
    assert const({"call": "round", "args": [{"lit": Decimal("12.5")}, {"lit": Decimal(30)}]}) is None
    assert const({"call": "round", "args": [{"lit": Decimal("12.5")}, {"lit": Decimal(0)}]}) == Decimal(13)


def test_a_product_past_the_largest_decimal_is_infinite_with_its_sign():
    huge = {"lit": Decimal("1E+600000")}
    assert const({"op": "*", "args": [huge, huge]}) == Decimal("Infinity")
    negative = {"op": "-", "args": [{"lit": Decimal(0)}, huge]}
    assert const({"op": "*", "args": [huge, negative]}) == Decimal("-Infinity")
    infinite = {"op": "*", "args": [huge, huge]}
    assert const({"op": "-", "args": [infinite, infinite]}) is None


def test_numbers_in_messages_keep_every_digit():
    assert plain_number(Decimal("999999999999999999999999999900")) == "999999999999999999999999999900"
    assert plain_number(Decimal("2E+2")) == "200"
    assert plain_number(Decimal("0.850")) == "0.85"


def test_a_boolean_cell_and_a_number_cell_are_never_one_key(tmp_path):
    """`True == 1` in Python: as keys of remembered points they were one, and row order decided both."""
    path = tmp_path / "deals.jsonl"
    path.write_text('{"deal_id": "D1", "amount": 1}\n{"deal_id": "D2", "amount": true}\n'
                    '{"deal_id": "D3", "amount": false}\n', encoding="utf-8")
    cells = [row["amount"] for row in read_table(str(path)).rows]
    assert cells == [1, "true", "false"]
    assert len({(cell,) for cell in cells}) == 3


# ---- workspaces: aliases, paths outside, files that are not what they are named as ----


def crossmarket(capsys, *args) -> tuple[int, str]:
    """The command as a user runs it (through `guard`): exit status and everything printed."""
    status = guard(cli, [str(arg) for arg in args])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def laughs(indent: str = "") -> str:
    lines = [f"{indent}a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{indent}a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def test_yaml_aliases_are_refused_in_workspaces_and_policy_tests(tmp_path, capsys):
    (tmp_path / "workspace.yaml").write_text("rules: rules.xm\n" + laughs(), encoding="utf-8")
    status, output = crossmarket(capsys, "evaluate", tmp_path)
    assert status == 1 and "error[S135]" in output and "workspace.yaml` line 3" in output
    test_file = tmp_path / "bomb.test.yaml"
    test_file.write_text("rules: rules.xm\ntests:\n  - name: x\n" + laughs("    "), encoding="utf-8")
    status, output = crossmarket(capsys, "test", test_file)
    assert status == 1 and "error[P117]" in output and "bomb.test.yaml:5" in output


@pytest.fixture
def confined(tmp_path) -> Path:
    """A workspace with its own rules, and a secret beside it (outside it)."""
    folder = tmp_path / "ws"
    shutil.copytree(ROOT / "examples" / "panjin-2026", folder)
    shutil.copy(ROOT / "policies" / "branches" / "panjin.xm", folder / "rules.xm")
    (tmp_path / "secrets.env").write_text("PASSWORD=hunter2\n", encoding="utf-8")
    return folder


def _rules_line(folder: Path, line: str) -> None:
    text = (folder / "workspace.yaml").read_text(encoding="utf-8")
    (folder / "workspace.yaml").write_text(text.replace("rules: ../../policies/branches/panjin.xm", line),
                                           encoding="utf-8")


@pytest.mark.parametrize("line", ["rules: ../secrets.env", "rules: {secret}", "rules: link.xm"])
def test_workspace_files_stay_inside_the_workspace(confined, capsys, line):
    (confined / "link.xm").symlink_to(confined.parent / "secrets.env")
    _rules_line(confined, line.format(secret=confined.parent / "secrets.env"))
    status, output = crossmarket(capsys, "evaluate", confined)
    assert status == 1 and "error[S136]" in output and "hunter2" not in output
    status, output = crossmarket(capsys, "evaluate", confined, "--rules", confined / "rules.xm")
    assert status == 0, output  # the command line may name any file


def test_only_rules_files_are_read_as_rules(confined, capsys):
    shutil.copy(confined.parent / "secrets.env", confined / "secrets.env")
    _rules_line(confined, "rules: secrets.env")
    status, output = crossmarket(capsys, "evaluate", confined)
    assert status == 1 and "error[S137]" in output and "hunter2" not in output


def test_control_characters_of_a_ledger_never_reach_the_terminal(confined, capsys):
    deal = "X\x1b]0;owned\x07\x1b[2J\x1b[31mRED\u202e"
    header = "deal_id,date,product,quantity,amount,client_id,participants,outlet,project_id,activated," \
             "fee_income,new_deposits\n"
    (confined / "deals.csv").write_text(
        header + f"{deal},2026-03-01,信用卡,1,,KH21110006,公司业务部,兴隆台支行,,是,,\n", encoding="utf-8")
    (confined / "audit.csv").write_text("deal_id,verdict,note\n", encoding="utf-8")
    _rules_line(confined, "rules: rules.xm")
    status, output = crossmarket(capsys, "explain", confined, "--deal", deal)
    assert status == 0 and "deal XRED (row 2" in output
    assert not any(ord(c) < 32 and c not in "\n\t" or c == "\u202e" for c in output)


def test_an_audit_verdict_for_an_unknown_deal_names_the_audit_file(confined, capsys):
    _rules_line(confined, "rules: rules.xm")
    lines = (confined / "deals.csv").read_text(encoding="utf-8-sig").splitlines()
    (confined / "deals.csv").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    status, output = crossmarket(capsys, "evaluate", confined)
    assert status == 1 and "audit.csv:2 (column `deal_id`): error[T210]" in output


def test_a_workbook_is_refused_by_the_sizes_it_declares(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(xlsx, "MAX_UNPACKED", 1 << 20)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (2 << 20))
    status, output = crossmarket(capsys, "evaluate", ROOT / "examples" / "panjin-2026", "--table", f"deals={path}")
    assert status == 1 and "error[T124]" in output and path.stat().st_size < 10_000


# ---- files of every kind a user has: UTF-16, old Mac line breaks, deep JSON, outputs that cannot be written ----

def test_utf16_tables_and_rules_and_lone_carriage_returns_are_read(confined, capsys):
    _rules_line(confined, "rules: rules.xm")
    rules = (confined / "rules.xm").read_text(encoding="utf-8")
    (confined / "rules.xm").write_text(rules.replace("\n", "\r"), encoding="utf-16")
    deals = (confined / "deals.csv").read_text(encoding="utf-8-sig")
    (confined / "deals.csv").write_text(deals, encoding="utf-16")
    status, output = crossmarket(capsys, "evaluate", confined, "--format", "json")
    assert status == 0, output
    assert '"rows": 505' in output


def test_json_nested_beyond_reading_is_a_located_error(tmp_path):
    path = tmp_path / "deals.jsonl"
    path.write_text('{"deal_id": "D1"}\n{"deal_id": "D2", "note": ' + "[" * 600 + "]" * 600 + "}\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_table(str(path))
    assert (caught.value.code, caught.value.row) == ("T125", 2)


def test_an_output_that_cannot_be_written_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    status, output = crossmarket(capsys, "compile", ROOT / "policies" / "branches" / "panjin.xm",
                                 "-o", tmp_path / "a-file" / "panjin.json")
    assert status == 2 and "error[U103]" in output and "internal error" not in output


def test_a_sheet_holds_what_excel_holds_and_says_where_the_rest_are(confined, capsys, monkeypatch):
    import openpyxl
    monkeypatch.setattr(xlsx, "MAX_ROWS", 30)
    _rules_line(confined, "rules: rules.xm")
    status, output = crossmarket(capsys, "evaluate", confined, "--out", confined / "out")
    assert status == 0, output
    sheet = openpyxl.load_workbook(confined / "out" / "statement.xlsx")["交易明细"]
    assert sheet.max_row == 30 and "deals.csv" in sheet.cell(30, 1).value
    assert len((confined / "out" / "deals.csv").read_text(encoding="utf-8-sig").splitlines()) > 400


# ---- the register: a damaged record is named, never a crash ----

DAMAGE = {
    "binary branch": ("UPDATE filings SET branch = X'ff00fe' WHERE id = 1", 1),
    "binary file name": ("UPDATE filings SET file = zeroblob(3) WHERE id = 2", 2),
    "broken diagnostics": ("UPDATE filings SET diagnostics = '{broken' WHERE id = 1", 1),
    "diagnostics of another shape": ("UPDATE filings SET diagnostics = '[]' WHERE id = 2", 2),
    "broken ir": ("UPDATE filings SET ir = '{broken' WHERE id = 2", 2),
    "binary hash": ("UPDATE filings SET hash = X'00' WHERE id = 2", 2),
}


@pytest.fixture
def two_filings(tmp_path, capsys) -> Path:
    rules = (ROOT / "policies" / "branches" / "panjin.xm").read_text(encoding="utf-8")
    (tmp_path / "a.xm").write_text(rules, encoding="utf-8")
    (tmp_path / "b.xm").write_text(rules.replace("pool 200万", "pool 300万"), encoding="utf-8")
    register = tmp_path / "register.sqlite"
    for name in ("a.xm", "b.xm"):
        status, output = crossmarket(capsys, "register", "file", tmp_path / name, "--by", "张三", "--register", register)
        assert status == 0, output
    return register


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_record_is_named_by_every_command(two_filings, capsys, damage):
    import sqlite3
    statement, record = DAMAGE[damage]
    with sqlite3.connect(two_filings) as connection:
        connection.execute(statement)
    status, output = crossmarket(capsys, "register", "verify", "--register", two_filings)
    assert status == 1 and f"record {record} " in output and "internal error" not in output
    for command in (["list"], ["show", str(record)], ["diff", "1", "2"]):
        status, output = crossmarket(capsys, "register", *command, "--register", two_filings)
        assert status == 1 and f"error[F114]: record {record} of" in output, (command, output)
        assert "\\x" not in output and "internal error" not in output


def test_a_column_added_by_hand_is_named_and_changes_nothing_else(two_filings, capsys):
    import sqlite3
    with sqlite3.connect(two_filings) as connection:
        connection.execute("ALTER TABLE filings ADD COLUMN extra BLOB")
    status, output = crossmarket(capsys, "register", "verify", "--register", two_filings)
    assert status == 1 and "`extra`" in output
    status, output = crossmarket(capsys, "register", "list", "--register", two_filings)
    assert status == 0 and output.count("张三") == 2


def test_a_literal_of_30_digits_is_the_number_it_says():
    from crossmarket_dsl.language.literals import number_value
    assert number_value("9" * 30) == Decimal("9" * 30)
    assert number_value("99999999999999999999999.99999亿") == Decimal("9" * 23 + "99999000")


def test_a_register_on_read_only_media_is_verified_and_listed(two_filings, capsys, monkeypatch):
    """Read-only media are simulated: the file and its folder report that they cannot be written."""
    import os
    monkeypatch.setattr(os, "access", lambda path, mode: mode != os.W_OK)
    before = two_filings.read_bytes()
    status, output = crossmarket(capsys, "register", "verify", "--register", two_filings)
    assert status == 0 and "is intact: 2 records" in output, output
    status, output = crossmarket(capsys, "register", "list", "--register", two_filings)
    assert status == 0 and output.count("张三") == 2
    assert two_filings.read_bytes() == before


def test_no_cell_of_any_workbook_is_a_formula(confined, capsys):
    """The title block too: a branch named like a formula stays text in every sheet."""
    import openpyxl
    _rules_line(confined, "rules: rules.xm")
    rules = (confined / "rules.xm").read_text(encoding="utf-8")
    (confined / "rules.xm").write_text(rules.replace('branch "盘锦分行"', 'branch "=HYPERLINK(\\"http://x\\",\\"y\\")"'),
                                       encoding="utf-8")
    for command in (["statement", confined, "--month", "2026-03"], ["evaluate", confined]):
        status, output = crossmarket(capsys, *command, "--out", confined / "out")
        assert status == 0, output
    cells = [cell for book in (confined / "out").glob("*.xlsx") for sheet in openpyxl.load_workbook(book).worksheets
             for row in sheet.iter_rows() for cell in row]
    formula_like = [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert len(formula_like) >= 8 and all(cell.data_type == "s" for cell in formula_like)
