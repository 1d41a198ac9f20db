"""`crossmarket sample`: the art. 21 spot-check sample drawn with internal control's committed secret, its
audit sheet, and verdicts read back by `evaluate`."""

from __future__ import annotations

import csv
import json
import math
import random
from decimal import Decimal

import openpyxl

from crossmarket_dsl.io.tables import read_table
from crossmarket_dsl.office.sample import sample_size

from .offices import offices, refused
from .panjin_copy import PANJIN, RULES, copy_panjin, lines_of, run

MARCH = "2026-03"


def drawn(workspace, folder, month=MARCH) -> dict:
    """The month committed, sealed and drawn with a new secret in `folder`: the sample's JSON document."""
    return json.loads(offices(folder).sealed(workspace, month, "--format", "json").stdout)


def sample_ids(workspace, folder, month=MARCH) -> list[str]:
    """The sample drawn again from the register in `folder`, by anyone, without the secret."""
    result = run("sample", workspace, "--month", month, "--format", "json", "--register", folder / "register.sqlite")
    assert result.exit_code == 0, result.output
    return [deal["deal_id"] for deal in json.loads(result.stdout)["deals"]]


def rewrite_ledger(workspace, change) -> None:
    """Rewrite deals.csv with `change(rows)` applied to its data rows (the header stays first)."""
    path = workspace / "deals.csv"
    header, *rows = list(csv.reader(lines_of(path)))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *change(rows)])


def test_size_is_the_ratio_of_the_months_deals_rounded_up(tmp_path):
    document = drawn(PANJIN, tmp_path)
    assert document["size"] == math.ceil(Decimal("0.1") * document["population"]) == len(document["deals"])
    assert document["population"] == 51
    assert all(deal["date"].startswith(MARCH) for deal in document["deals"])


def test_sample_size_rounds_up_and_takes_at_least_one():
    assert sample_size(Decimal("0.1"), 51) == 6
    assert sample_size(Decimal("0.1"), 50) == 5
    assert sample_size(Decimal("0.1"), 3) == 1
    assert sample_size(Decimal("0"), 3) == 1
    assert sample_size(Decimal("1"), 3) == 3
    assert sample_size(Decimal("0.1"), 0) == 0


def test_drawn_again_from_the_register_and_stable_when_rows_are_shuffled(tmp_path):
    first = sample_ids(PANJIN, _drawn_folder(PANJIN, tmp_path / "r"))
    assert sample_ids(PANJIN, tmp_path / "r") == first
    workspace = copy_panjin(tmp_path)
    rewrite_ledger(workspace, lambda rows: random.Random(7).sample(rows, len(rows)))
    assert sample_ids(workspace, tmp_path / "r") == first  # the sealed ledger's hash ignores the rows' order


def _drawn_folder(workspace, folder):
    drawn(workspace, folder)
    return folder


def test_stable_when_rows_of_other_months_are_added(tmp_path):
    first = sample_ids(PANJIN, _drawn_folder(PANJIN, tmp_path / "r"))
    workspace = copy_panjin(tmp_path)
    extra = [[f"EXTRA-{n}", f"2026-0{month}-10", "信用卡", "1", "", "KH21110001", "", "公司业务部", "兴隆台支行", "",
              "是", "", "", "", ""] for n, month in enumerate([1, 2, 4, 5, 6] * 20)]
    rewrite_ledger(workspace, lambda rows: extra[:50] + rows + extra[50:])
    assert sample_ids(workspace, tmp_path / "r") == first


def test_another_secret_draws_another_sample(tmp_path):
    assert drawn(PANJIN, tmp_path / "a")["deals"] != drawn(PANJIN, tmp_path / "b")["deals"]


def test_a_changed_ledger_of_the_month_is_not_drawn_again(tmp_path):
    drawn(PANJIN, tmp_path / "r")
    workspace = copy_panjin(tmp_path)
    rewrite_ledger(workspace, lambda rows: [row for row in rows if row[0] != "PJ2026-00089"])
    result = run("sample", workspace, "--month", MARCH, "--register", tmp_path / "r" / "register.sqlite")
    assert "changed after the month was sealed" in refused(result, "A132")


def test_audit_sheet_columns_and_a_rejected_verdict_changes_the_year_end(tmp_path, monkeypatch):
    monkeypatch.setattr("crossmarket_dsl.office.commitment.secrets.token_bytes", lambda n: bytes(range(n)))
    workspace = copy_panjin(tmp_path)
    fingerprint = offices(tmp_path / "r").sealed(workspace, MARCH).stdout.split("样本指纹 ")[1].split()[0]
    result = run("sample", workspace, "--month", MARCH, "--out", workspace, "--register", tmp_path / "r" / "register.sqlite")
    assert result.exit_code == 0, result.output
    header, *rows = list(csv.reader(lines_of(workspace / f"audit-{MARCH}.csv")))
    assert header == ["deal_id", "date", "product", "client_id", "departments", "points", "verdict", "note", "sample"]
    assert rows and all(row[6] == row[7] == "" and row[8] == fingerprint for row in rows)
    before = year_end(workspace)
    # a deal whose points count (no failing gate, no product below its floor): rejecting it changes the points
    rejected_id = next(row[0] for row in rows if row[2] not in ("个人住房贷款", "贵宾客户") and Decimal(row[5]) > 0)
    with open(workspace / "audit.csv", "a", encoding="utf-8", newline="") as handle:  # the walk-through's step
        csv.writer(handle).writerow([rejected_id, "rejected", "2026-04-10", "回访客户否认办理"])
    after = year_end(workspace)
    rejection = next(r for r in after["rejected"] if r["deal_id"] == rejected_id)
    assert rejection["code"] == "R010" and "回访客户否认办理" in rejection["reason"]
    assert after["deals"]["accepted"] == before["deals"]["accepted"] - 1
    assert after["departments"] != before["departments"]
    assert sample_ids(workspace, tmp_path / "r") == [row[0] for row in rows]  # verdicts do not redraw the sample


def test_the_xlsx_audit_sheet_is_read_back_too(tmp_path):
    out = tmp_path / "out"
    offices(tmp_path / "r").sealed(PANJIN, MARCH, "--out", out)
    path = out / f"audit-{MARCH}.xlsx"
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    keys = int(sheet.freeze_panes[1:]) - 1  # the column names a tool reads, under the Chinese labels
    assert [cell.value for cell in sheet[keys - 1]][6:] == ["审核结论", "审核说明", "样本指纹"]
    assert [cell.value for cell in sheet[keys]][6:] == ["verdict", "note", "sample"]
    (choices,) = sheet.data_validations.dataValidation
    assert choices.formula1 == '"确认,驳回"' and str(choices.sqref).startswith(f"G{keys + 1}:")
    sheet.cell(keys + 1, 7, "驳回")
    workbook.save(path)
    rejected = year_end(PANJIN, "--table", f"audit={path}")["rejected"]
    assert sheet.cell(keys + 1, 1).value in {r["deal_id"] for r in rejected if r["code"] == "R010"}


def year_end(workspace, *more) -> dict:
    result = run("evaluate", workspace, "--format", "json", *more)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_an_audit_sheet_with_an_unknown_deal_or_verdict_is_an_error(tmp_path):
    unknown_deal = tmp_path / "a.csv"
    unknown_deal.write_text("deal_id,verdict,note\nPJ2026-99999,rejected,\n", encoding="utf-8")
    result = run("evaluate", PANJIN, "--table", f"audit={unknown_deal}")
    assert result.exit_code == 1 and "`PJ2026-99999`, which is not in the ledger" in result.stderr
    unknown_verdict = tmp_path / "b.csv"
    unknown_verdict.write_text("deal_id,verdict,note\nPJ2026-00098,存疑,\n", encoding="utf-8")
    result = run("evaluate", PANJIN, "--table", f"audit={unknown_verdict}")
    assert result.exit_code == 1 and "verdict `存疑`" in result.stderr
    assert "Traceback" not in result.output


def test_a_month_outside_the_period_or_not_a_month():
    result = run("sample", PANJIN, "--month", "2027-01")
    assert result.exit_code == 1 and "outside the period" in result.stderr
    result = run("sample", PANJIN, "--month", "2026-13")
    assert result.exit_code == 2 and "`2026-13` is not a month" in result.stderr
    assert run("sample", PANJIN).exit_code == 2  # --month is required


def test_rules_without_an_audit_block(tmp_path):
    text = RULES.read_text(encoding="utf-8")
    start = text.index("audit {")
    rules = text[:start] + text[text.index("}", start) + 1:]
    result = run("sample", copy_panjin(tmp_path, rules), "--month", MARCH)
    assert result.exit_code == 1
    assert "E411" in result.output and "spot_check" in result.output  # head office requires the block (art. 21)


def test_a_month_without_deals_says_so_and_writes_an_empty_sheet(tmp_path):
    workspace = copy_panjin(tmp_path)
    rewrite_ledger(workspace, lambda rows: [row for row in rows if not row[1].startswith("2026-04")])
    (workspace / "audit.csv").write_text("deal_id,verdict,note\n", encoding="utf-8")  # its verdicts were on April's
    out = tmp_path / "out"
    result = offices(tmp_path / "r").sealed(workspace, "2026-04", "--out", out)
    assert "has no accepted deals: nothing to sample" in result.stdout
    assert "empty audit sheet" in result.stderr
    assert lines_of(out / "audit-2026-04.csv") == ["deal_id,date,product,client_id,departments,points,verdict,note,sample"]


def _sheets(out) -> dict:
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def _again(out, *more):
    return run("sample", PANJIN, "--month", MARCH, "--out", out, "--register", out.parent / "r" / "register.sqlite",
               *more)


def _workbook_cells(path):
    workbook = openpyxl.load_workbook(path)
    return workbook, workbook.active, int(workbook.active.freeze_panes[1:])  # the first row of deals


def test_sample_run_again_keeps_the_verdicts_entered_in_either_sheet(tmp_path):
    out = tmp_path / "out"
    offices(tmp_path / "r").sealed(PANJIN, MARCH, "--out", out)
    csv_path, xlsx_path = out / f"audit-{MARCH}.csv", out / f"audit-{MARCH}.xlsx"
    header, *rows = list(csv.reader(lines_of(csv_path)))
    rows[0][6:8] = ["驳回", "回访客户否认办理"]
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    workbook, sheet, first = _workbook_cells(xlsx_path)
    sheet.cell(first + 1, 7, "确认")  # the second deal, checked in Excel
    workbook.save(xlsx_path)
    result = _again(out)
    assert result.exit_code == 0, result.output
    assert "kept 2 verdicts and 1 note already entered" in result.stderr
    for read in (csv_path, xlsx_path):  # both sheets now hold both verdicts, and the note
        verdicts = {row["deal_id"]: (row["verdict"], row["note"]) for row in read_table(str(read), table="audit").rows}
        assert verdicts[rows[0][0]] == ("驳回", "回访客户否认办理") and verdicts[rows[1][0]][0] == "确认"
        assert sum(1 for verdict, _ in verdicts.values() if verdict) == 2
    result = _again(out)  # once more: the same sheets
    assert result.exit_code == 0 and "kept 2 verdicts and 1 note" in result.stderr


def test_verdicts_typed_differently_in_the_two_sheets_are_refused_and_nothing_is_written(tmp_path):
    out = tmp_path / "out"
    offices(tmp_path / "r").sealed(PANJIN, MARCH, "--out", out)
    csv_path, xlsx_path = out / f"audit-{MARCH}.csv", out / f"audit-{MARCH}.xlsx"
    header, first, *rows = list(csv.reader(lines_of(csv_path)))
    first[6] = "确认"
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, first, *rows])
    workbook, sheet, row = _workbook_cells(xlsx_path)
    sheet.cell(row, 7, "驳回")
    workbook.save(xlsx_path)
    before = _sheets(out)
    assert f"deal `{first[0]}`" in refused(_again(out), "A145")
    assert _sheets(out) == before


def test_a_sheet_of_another_sample_or_unreadable_is_refused_unless_forced(tmp_path):
    out = tmp_path / "out"
    offices(tmp_path / "r").sealed(PANJIN, MARCH, "--out", out)
    csv_path, xlsx_path = out / f"audit-{MARCH}.csv", out / f"audit-{MARCH}.xlsx"
    header, *rows = list(csv.reader(lines_of(csv_path)))
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:  # last month's sheet saved under this name
        csv.writer(handle).writerows([header, *([*row[:6], "确认", "", "0123456789abcdef"] for row in rows)])
    before = _sheets(out)
    assert "`0123456789abcdef`" in refused(_again(out), "A140")
    assert _sheets(out) == before
    xlsx_path.write_bytes(b"not a workbook")
    csv_path.unlink()
    before = _sheets(out)
    assert refused(_again(out), "A144")
    assert _sheets(out) == before
    result = _again(out, "--force")
    assert result.exit_code == 0, result.output
    assert all(row["verdict"] is None for row in read_table(str(xlsx_path), table="audit").rows)
    assert [row[0] for row in csv.reader(lines_of(csv_path))][1:] == [row[0] for row in rows]
