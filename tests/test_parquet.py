"""Parquet tables (`io/parquet.py`): a data warehouse's export reads as the same table exported as CSV, on the
reference reader and on the DuckDB engine, rows numbered as JSON Lines numbers them; files that cannot be
read say so with a code, the file and the column."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from crossmarket_dsl.cli import cli
from crossmarket_dsl.engine.evaluate import run_engine
from crossmarket_dsl.engine.session import open_session
from crossmarket_dsl.io.records import TableError
from crossmarket_dsl.io.tables import read_table

from .test_evaluation import _copy_example


def _copy(select: str, target: Path) -> Path:
    """`select` written to `target` as Parquet, the way a warehouse exports a table."""
    con = duckdb.connect()
    con.execute(f"COPY ({select}) TO '{target}' (FORMAT parquet)")
    con.close()
    return target


def _evaluate(workspace: Path, engine: str, *options: str) -> tuple[int, str]:
    run = CliRunner().invoke(cli, ["evaluate", str(workspace), "--format", "json", "--engine", engine, *options])
    return run.exit_code, run.output


TYPED = ("SELECT deal_id, date, product, CAST(quantity AS INTEGER) AS quantity, amount, client_id, customer, "
         "participants, staff, outlet, project_id, activated, CAST(fee_income AS DECIMAL(18, 2)) AS fee_income, "
         "CAST(new_deposits AS DOUBLE) AS new_deposits, manager, note FROM read_csv('{csv}', all_varchar = true)")
COPIES = {"text": "SELECT * FROM read_csv('{csv}', all_varchar = true)", "typed": TYPED}


@pytest.mark.parametrize("engine", ["python", "duckdb"])
@pytest.mark.parametrize("copy", COPIES)
def test_a_parquet_copy_of_the_ledger_gives_the_csv_s_result(tmp_path, copy, engine):
    workspace = _copy_example(tmp_path)
    status, expected = _evaluate(workspace, "python")
    assert status == 0, expected
    ledger = _copy(COPIES[copy].format(csv=workspace / "deals.csv"), workspace / "deals.parquet")
    status, output = _evaluate(workspace, engine, "--table", f"deals={ledger}")
    assert status == 0, output
    actual = json.loads(output)
    for row in actual["rejected"] + actual["staff_warnings"]:  # rows counted as JSON Lines counts them
        row["row"] += 1
    assert actual == json.loads(expected)


def test_both_engines_give_the_same_bytes_on_a_parquet_ledger(tmp_path):
    workspace = _copy_example(tmp_path)
    ledger = _copy(TYPED.format(csv=workspace / "deals.csv"), workspace / "deals.parquet")
    runs = {engine: _evaluate(workspace, engine, "--table", f"deals={ledger}", "--month", "2026-03")
            for engine in ("python", "duckdb")}
    assert runs["python"][0] == 0 and runs["duckdb"] == runs["python"]


def test_the_duckdb_engine_reads_the_parquet_file_itself(tmp_path):
    workspace = _copy_example(tmp_path)
    _copy(TYPED.format(csv=workspace / "deals.csv"), workspace / "deals.parquet")
    text = (workspace / "workspace.yaml").read_text(encoding="utf-8")
    (workspace / "workspace.yaml").write_text(text.replace("deals: deals.csv", "deals: deals.parquet"), encoding="utf-8")
    session = open_session(workspace)
    outcome, _ = run_engine(session.plan, session.inputs, session.window(None), "duckdb")
    assert outcome.ledger_read == "file"


CELLS = ("SELECT * FROM (VALUES "
         "('D1', DATE '2026-03-01', 1200.50::DECIMAL(18, 2), 0.1::DOUBLE, 0.1::FLOAT, 3::BIGINT, true, "
         " TIMESTAMP '2026-03-01 00:00:00', TIMESTAMP '2026-03-01 09:30:00', ' 个人理财 '), "
         "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
         "('D3', NULL, 0.00::DECIMAL(18, 2), 1e-7::DOUBLE, NULL, -2::BIGINT, false, NULL, NULL, '')) "
         "AS t(deal_id, date, amount, fee, small, quantity, activated, at_midnight, at_half_past, product)")


def test_cells_read_as_the_text_a_csv_export_holds(tmp_path):
    table = read_table(str(_copy(CELLS, tmp_path / "deals.parquet")))
    assert table.columns == ["deal_id", "date", "amount", "fee", "small", "quantity", "activated", "at_midnight",
                             "at_half_past", "product"]
    assert list(table.numbered()) == [
        (1, {"deal_id": "D1", "date": "2026-03-01", "amount": "1200.50", "fee": "0.1", "small": "0.1",
             "quantity": "3", "activated": "true", "at_midnight": "2026-03-01", "at_half_past": "2026-03-01 09:30:00",
             "product": " 个人理财 "}),
        # row 2, every cell empty, is skipped and still counted
        (3, {"deal_id": "D3", "date": None, "amount": "0.00", "fee": "1e-07", "small": None, "quantity": "-2",
             "activated": "false", "at_midnight": None, "at_half_past": None, "product": ""}),
    ]
    streamed = read_table(str(tmp_path / "deals.parquet"), stream=True)
    assert [(numbers, list(map(list, rows))) for numbers, rows in streamed.record_chunks()] == \
           [([1, 3], [list(row.values()) for _, row in table.numbered()])]


def _error(path: Path) -> TableError:
    with pytest.raises(TableError) as caught:
        read_table(str(path))
    return caught.value


def test_a_file_that_is_not_parquet_is_said_so(tmp_path):
    path = tmp_path / "deals.parquet"
    path.write_text("deal_id,date\nD1,2026-03-01\n", encoding="utf-8")
    error = _error(path)
    assert (error.code, error.file, error.exit_status) == ("T140", str(path), 1)
    assert error.message == f"`{path}` is not a Parquet file" and "as CSV" in error.help


def test_a_damaged_parquet_file_is_said_so(tmp_path):
    path = _copy("SELECT range AS deal_id FROM range(1000)", tmp_path / "deals.parquet")
    data = bytearray(path.read_bytes())
    data[8:-8] = bytes(len(data) - 16)  # the pages and the footer wiped, the magic kept
    path.write_bytes(bytes(data))
    error = _error(path)
    assert (error.code, error.file) == ("T141", str(path))
    assert error.message.startswith(f"`{path}` cannot be read as Parquet (") and "again" in error.help


@pytest.mark.parametrize("column, what", [("[participants, '信用卡中心']", "lists"), ("{'share': 60}", "structs"),
                                          ("'x'::BLOB", "binary data")])
def test_a_column_no_cell_can_hold_is_named(tmp_path, column, what):
    path = _copy(f"SELECT 'D1' AS deal_id, '公司业务部' AS participants, {column} AS 明细", tmp_path / "deals.parquet")
    error = _error(path)
    assert (error.code, error.file, error.column) == ("T142", str(path), "明细")
    assert error.message.startswith(f"column `明细` of `{path}` holds {what} (`")
    assert "array_to_string(明细, ';')" in error.help


def test_a_missing_column_is_named_with_the_file(tmp_path):
    workspace = _copy_example(tmp_path)
    ledger = _copy(f"SELECT * EXCLUDE (participants) FROM read_csv('{workspace / 'deals.csv'}', all_varchar = true)",
                   workspace / "deals.parquet")
    for engine in ("python", "duckdb"):
        status, output = _evaluate(workspace, engine, "--table", f"deals={ledger}")
        assert status == 1 and "Traceback" not in output
        assert f"error[T101]: the deals table `{ledger}` has no column `participants`" in output


def test_check_does_not_import_duckdb():
    script = ("import sys; from crossmarket_dsl.cli import cli\n"
              "try: cli(['check', 'policies/branches/panjin.xm'])\n"
              "except SystemExit: pass\n"
              "assert 'duckdb' not in sys.modules")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 0, run.stderr


EVERY_TYPE = ("SELECT 1::TINYINT AS a, 2::SMALLINT AS b, 3::UINTEGER AS c, 4::UBIGINT AS d, 5.125::DECIMAL(38, 3) AS e, "
              "TIME '09:30:00' AS f, '00000000-0000-0000-0000-000000000001'::UUID AS g, "
              "TIMESTAMP_MS '2026-03-01 00:00:00' AS h, TIMESTAMP_NS '2026-03-01 09:30:00' AS i, "
              "TIMESTAMPTZ '2026-02-28 16:00:00+00' AS j, 'x'::ENUM('x', 'y') AS k, NULL AS l")  # l: no value at all


def test_every_type_a_cell_can_be_reads_as_text(tmp_path):
    [(number, row)] = read_table(str(_copy(EVERY_TYPE, tmp_path / "t.parquet"))).numbered()
    assert (number, row) == (1, {"a": "1", "b": "2", "c": "3", "d": "4", "e": "5.125", "f": "09:30:00",
                                 "g": "00000000-0000-0000-0000-000000000001", "h": "2026-03-01",
                                 "i": "2026-03-01 09:30:00", "j": "2026-02-28 16:00:00", "k": "x", "l": None})


def test_a_timestamp_with_a_time_zone_reads_at_this_computer_s_clock(tmp_path):
    """Spark writes its timestamps as instants: 16:00 UTC is midnight the next day in Beijing."""
    path = _copy("SELECT TIMESTAMPTZ '2026-02-28 16:00:00+00' AS date", tmp_path / "t.parquet")
    script = ("from crossmarket_dsl.io.tables import read_table\n"
              f"print(list(read_table({str(path)!r}).numbered()))")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env={**os.environ, "TZ": "Asia/Shanghai"}, cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[(1, {'date': '2026-03-01'})]"
