"""The columnar engine (`engine/columnar.py`, SQL on DuckDB) against the reference row loop: the same JSON
result, byte for byte, on the examples, on every policy test, and on generated rules and ledgers. The
contract's own rules, outcome by outcome, are held in `test_engines.py`."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossmarket_dsl.cli import cli
from crossmarket_dsl.engine.sqlexpr import Unsupported
from crossmarket_dsl.engine.sqlplan import rows_query
from crossmarket_dsl.engine.session import open_session
from crossmarket_dsl.io.jsonout import dumps
from crossmarket_dsl.office.policytest import find_test_files, run_file
from crossmarket_dsl.reports.render import to_json

from .conftest import ROOT

EXAMPLES = sorted(p.parent for p in ROOT.glob("examples/*/workspace.yaml"))
POLICY_TESTS = find_test_files(ROOT / "policies/branches")


def _json(workspace, engine: str, *options: str) -> str:
    run = CliRunner().invoke(cli, ["evaluate", str(workspace), "--format", "json", "--engine", engine, *options])
    assert run.exit_code == 0, run.output
    return run.output


@pytest.mark.parametrize("month", [[], ["--month", "2026-03"]], ids=["year", "march"])
@pytest.mark.parametrize("workspace", EXAMPLES, ids=lambda p: p.name)
def test_the_examples_give_the_same_json_on_both_engines(workspace, month):
    assert _json(workspace, "duckdb", *month) == _json(workspace, "python", *month)


@pytest.mark.parametrize("path", POLICY_TESTS, ids=lambda p: p.name)
def test_every_policy_test_gives_the_same_result_on_both_engines(path):
    reference, columnar = run_file(path, engine="python"), run_file(path, engine="duckdb")
    assert [o.name for o in columnar.outcomes] == [o.name for o in reference.outcomes]
    for ours, theirs in zip(columnar.outcomes, reference.outcomes):
        assert dumps(ours.document) == dumps(theirs.document), ours.name
        assert ours.failures == theirs.failures == []


def test_a_division_the_sql_cannot_make_exact_runs_on_the_reference(tmp_path):
    session = _workspace(tmp_path, "deal.amount / 3", [_row(1, amount="100")])
    with pytest.raises(Unsupported):
        rows_query(session.plan, session.window(None), session.inputs.deals.columns)
    assert _same(session)


# ---- generated rules and ledgers ---------------------------------------------------------------

POINTS = ["deal.amount / 1万 * {k}", "min(deal.amount / 10万, {k})", "{k} per unit when deal.amount >= {n}",
          "if deal.activated then {k} else 1 per unit", "deal.fee_income * {k} + 1", "round(deal.amount / 100, 2)",
          "abs(deal.fee_income - {n}) per deal when deal.activated or deal.amount > {n}",
          "{k} per unit when deal.fee_income in [\"100\", \"2.50\"] and not deal.activated"]
CELLS = {
    "date": ["2026-03-01", "2026/3/31", "2026.06.15", "20261231", "2026年1月5日", "2026-03-02 09:30:00", "2025-12-31",
             "2026-02-30", "", "三月", "2026-3-1x"],
    "quantity": ["1", "2", "", "0", "-1", "1.5", "abc", "２", "1,000"],
    "amount": ["100000", "1,000,000", "5万", "12345.67", "0.01", "", "x", "85%", "300元", "1.2亿", "1,5", " 7 "],
    "participants": ["公司业务部", "公司业务部、机构业务部", "机构业务部:60;公司业务部:40", "公司业务部：50，机构业务部：40",
                     "", "个人金融部", "公司业务部;公司业务部", "行政部", "机构业务部:60%;房地产信贷部:40%"],
    "activated": ["是", "否", "", "Y", "no", "1", "maybe"],
    "fee_income": ["100", "2.50", "", "0.05", "1e2"],
    "new_deposits": ["1万", "0", "", "12.34"],
}


@st.composite
def ledgers(draw):
    rows = []
    for number in range(draw(st.integers(1, 25))):
        row = {"deal_id": draw(st.sampled_from([f"D{number}", f"D{number // 2}", "", " D1 "])),
               "product": draw(st.sampled_from(["个人理财", "信用卡", "电子银行", "外汇宝", "", "CARD"])),
               "client_id": draw(st.sampled_from(["C1", "C2", "C9", ""])),
               "outlet": draw(st.sampled_from(["兴隆台支行", "大洼支行", ""])), "project_id": ""}
        row.update({name: draw(st.sampled_from(values)) for name, values in CELLS.items()})
        rows.append(row)
    return rows


GATES = [
    "",
    "gate 客户组合 on client at period_end {{\n  require count() >= {m}\n  otherwise scale 50%\n}}\n",
    "gate 网点协办 on outlet {{\n  require sum(deal.quantity) >= {m}\n  otherwise scale 80%\n}}\n",
    "gate 部门下限 on department {{\n  when department.name in [\"公司业务部\", \"机构业务部\"] require count() >= {m}\n"
    "  otherwise scale 50%\n}}\n",
    "gate 大额复核 on deal for 个人理财 {{\n  when deal.amount > 1万 require deal.activated\n  otherwise zero\n}}\n",
    "gate 信用卡笔数 on product for 信用卡 {{\n  require maximum(deal.quantity) >= {m} or minimum(deal.fee_income) > 1\n"
    "  otherwise scale 50%\n}}\n",
]
"""Gates of every scope, with aggregates, `when` and `otherwise zero|scale`: the SQL judges them (`sqlgates.py`)."""


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(points=st.sampled_from(POINTS), k=st.sampled_from(["0.5", "2", "3.25", "20"]),
       n=st.sampled_from(["1万", "50", "0"]), declared=st.booleans(), rows=ledgers(),
       month=st.sampled_from([None, "2026-03"]), encoding=st.sampled_from(["utf-8", "gb18030"]),
       gate=st.sampled_from(GATES), m=st.sampled_from(["1", "2", "3"]))
def test_generated_rules_and_ledgers_give_the_same_result(tmp_path_factory, points, k, n, declared, rows, month,
                                                           encoding, gate, m):
    folder = tmp_path_factory.mktemp("generated")
    session = _workspace(folder, points.format(k=k, n=n), rows, declared=declared, encoding=encoding,
                         gate=gate.format(m=m))
    assert _same(session, month)


def _row(number: int, **cells) -> dict:
    return {"deal_id": f"D{number}", "date": "2026-03-01", "product": "个人理财", "quantity": "1", "amount": "",
            "client_id": "C1", "participants": "公司业务部", "outlet": "", "project_id": "", "activated": "",
            "fee_income": "", "new_deposits": "", **cells}


def _workspace(folder: Path, points: str, rows: list[dict], declared: bool = False, encoding: str = "utf-8",
               gate: str = ""):
    rules = (ROOT / "policies/branches/panjin.xm").read_text(encoding="utf-8")
    rules = rules.replace("points deal.amount / 1万 * 0.5 per deal", f"points {points}" +
                          ("" if " per " in points else " per deal"))
    if declared:
        rules += "\nsplit {\n  by declared\n}\n"
    rules += "\n" + gate
    (folder / "rules.xm").write_text(rules, encoding="utf-8")
    (folder / "workspace.yaml").write_text(
        "rules: rules.xm\ntables:\n  deals: deals.csv\n  target_list: target_list.csv\n"
        "  clients: clients.csv\n"
        "  projects: projects.csv\n  indicators: indicators.csv\n", encoding="utf-8")
    (folder / "target_list.csv").write_text(
        "client_id,department,from,to\nC1,公司业务部,,\nC2,机构业务部,2026-03-01,2026-06-30\n", encoding="utf-8")
    (folder / "clients.csv").write_text("client_id,name\nC1,甲公司\nC2,乙公司\n", encoding="utf-8")
    (folder / "projects.csv").write_text("project_id,dev_loan,dev_loan_share,total_mortgages\n", encoding="utf-8")
    (folder / "indicators.csv").write_text("product,indicator\n代发工资,100\n", encoding="utf-8")
    with (folder / "deals.csv").open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return open_session(folder)


def _same(session, month: str | None = None) -> bool:
    documents = {engine: dumps(to_json(replace(session, engine=engine).evaluate(month), session.rules_info()))
                 for engine in ("python", "duckdb")}
    assert documents["duckdb"] == documents["python"]
    return True


# ---- the ledger as files come: DuckDB reads it itself, or through the reference reader ---------------

HEADER = "deal_id,date,product,quantity,amount,client_id,participants,outlet,project_id,activated,fee_income,new_deposits"
LINES = ["D1,2026-03-01,个人理财,1,5万,C1,公司业务部,兴隆台支行,,,100,0",
         "D2,2026-03-02,个人理财,2,\"1,000,000\",C1,公司业务部、机构业务部,,,,2.50,",
         "D2,2026-03-03,信用卡,1,,C2,机构业务部,大洼支行,,是,,",
         "D3,2026-13-01,个人理财,x,12.5,C1,公司业务部,,,,,",
         "D4,2026-04-01,电子银行,1e400,,C1,公司业务部,兴隆台支行,,,,"]
LEDGERS = {
    "plain": "\n".join([HEADER, *LINES]) + "\n",
    "crlf": "\r\n".join([HEADER, *LINES]) + "\r\n",
    "cr only": "\r".join([HEADER, *LINES]) + "\r",
    "no final line break": "\n".join([HEADER, *LINES]),
    "bom and chinese headers": "\ufeff" + HEADER.replace("deal_id", "交易编号").replace("date", "交易日期") + "\n"
                               + "\n".join(LINES) + "\n",
    "blank lines": "\n".join([HEADER, LINES[0], "", LINES[1], ",,,,,,,,,,,", LINES[2], *LINES[3:], "", ""]) + "\n",
    "blank line above the header": "\n" + "\n".join([HEADER, *LINES]) + "\n",
    "trailing empty cells": "\n".join([HEADER, *(line + ",," for line in LINES)]) + "\n",
    "short rows": "\n".join([HEADER, *LINES, "D9,2026-03-09,个人理财"]) + "\n",
    "a value past the header": "\n".join([HEADER, *LINES, LINES[0].replace("D1", "D8") + ",多余"]) + "\n",
    "a quote left open": "\n".join([HEADER, LINES[0], 'D7,2026-03-01,"个人理财,1', *LINES[1:]]) + "\n",
    "a quote inside a cell": "\n".join([HEADER, LINES[0].replace("兴隆台支行", 'x"y')]) + "\n",
    "gb18030": "\n".join([HEADER, *LINES]) + "\n",
}


@pytest.mark.parametrize("name", LEDGERS)
def test_a_ledger_file_gives_the_same_result_or_error_on_both_engines(tmp_path, name):
    _workspace(tmp_path, "deal.amount / 1万 * 0.5", [_row(1)])
    encoding = "gb18030" if name == "gb18030" else "utf-8"
    (tmp_path / "deals.csv").write_bytes(LEDGERS[name].encode(encoding))
    runs = {engine: CliRunner().invoke(cli, ["evaluate", str(tmp_path), "--format", "json", "--engine", engine])
            for engine in ("python", "duckdb")}
    assert (runs["duckdb"].exit_code, runs["duckdb"].output) == (runs["python"].exit_code, runs["python"].output)


def test_the_workspace_s_own_header_names_are_read_by_duckdb_too(tmp_path):
    _workspace(tmp_path, "deal.amount / 1万 * 0.5", [_row(1)])
    with (tmp_path / "workspace.yaml").open("a", encoding="utf-8") as handle:
        handle.write("columns:\n  deals:\n    单号: deal_id\n")
    (tmp_path / "deals.csv").write_text("\n".join([HEADER.replace("deal_id", "单号"), *LINES]) + "\n", encoding="utf-8")
    assert _json(tmp_path, "duckdb") == _json(tmp_path, "python")


def test_rules_the_sql_cannot_compute_are_named_in_the_text_output(tmp_path):
    _workspace(tmp_path, "deal.amount / 3", [_row(1, amount="300")])
    run = CliRunner().invoke(cli, ["evaluate", str(tmp_path), "--engine", "duckdb"])
    assert run.exit_code == 0, run.output
    assert "note: 规则中有 SQL 无法精确计算的部分，已改用参照引擎计算，结果相同 — the `duckdb` engine cannot compute a " \
           "division by 3" in run.output
    assert _json(tmp_path, "duckdb") == _json(tmp_path, "python")


@pytest.mark.parametrize("name, read", [("plain", "file"), ("crlf", "file"), ("bom and chinese headers", "file"),
                                        ("gb18030", "file"), ("short rows", "file"), ("cr only", "records"),
                                        ("blank lines", "records"), ("blank line above the header", "records")])
def test_duckdb_reads_the_file_itself_when_it_numbers_the_rows_as_the_reference(tmp_path, name, read):
    from crossmarket_dsl.engine.evaluate import run_engine
    _workspace(tmp_path, "deal.amount / 1万 * 0.5", [_row(1)])
    (tmp_path / "deals.csv").write_bytes(LEDGERS[name].encode("gb18030" if name == "gb18030" else "utf-8"))
    session = open_session(tmp_path)
    outcome, _ = run_engine(session.plan, session.inputs, session.window(None), "duckdb")
    assert outcome.ledger_read == read


def test_cells_padded_with_tabs_and_full_width_spaces_are_stripped_alike(tmp_path):
    rows = [_row(1, product="个人理财\u3000", amount="5万"),
            _row(2, deal_id="D2\t", client_id="C1\u00a0", amount="\u30005万", participants="机构业务部\u3000"),
            _row(3, deal_id="D2", amount="1万", outlet="\t兴隆台支行")]
    assert _same(_workspace(tmp_path, "deal.amount / 1万 * 0.5", rows))


def test_tables_duckdb_stops_on_run_on_the_reference_with_a_note(tmp_path, monkeypatch):
    import duckdb

    from crossmarket_dsl.engine import duckload

    def refused(self, ledger):
        raise duckdb.InvalidInputException("CSV Error on Line: 3\nOriginal Line: D2,2026-03-01")

    _workspace(tmp_path, "deal.amount / 1万 * 0.5", [_row(1, amount="5万"), _row(2, amount="1万")])
    expected = _json(tmp_path, "python")
    monkeypatch.setattr(duckload.Tables, "put_ledger", refused)
    assert _json(tmp_path, "duckdb") == expected
    run = CliRunner().invoke(cli, ["evaluate", str(tmp_path), "--engine", "duckdb"])
    assert run.exit_code == 0, run.output
    assert ("note: DuckDB 读不了这些表格，已改用参照引擎计算，结果相同 — the `duckdb` engine stopped on these tables (DuckDB: CSV Error on Line: 3): they ran on the "
            "`python` engine") in run.output


TEXT_CELL = st.text(st.characters(codec="utf-8"), max_size=6) | st.sampled_from(['"', "\r", "\n", "\r\n", '""', ",", "\\"])


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(1, 4).flatmap(lambda width: st.tuples(
    st.just(width), st.lists(st.lists(TEXT_CELL, max_size=width), max_size=6))))
def test_tables_put_into_duckdb_keep_every_cell_as_it_was(tmp_path_factory, table):
    """Records the reference reader made (XLSX, JSON Lines, odd CSVs, lookups) go into DuckDB through a CSV
    file crossmarket writes: a quote, a carriage return or a line break in a cell, or a short row, is kept."""
    import duckdb

    from crossmarket_dsl.engine.duckload import Tables

    width, rows = table
    con = duckdb.connect()
    Tables(con, str(tmp_path_factory.mktemp("put"))).put("t", [f"k{index}" for index in range(width)], rows)
    assert con.execute("SELECT * FROM t").fetchall() == [(*row, *[""] * (width - len(row))) for row in rows]


def test_a_ledger_too_large_for_duckdb_s_memory_is_put_in_a_database_file_with_the_same_result(monkeypatch):
    from crossmarket_dsl.engine import columnar

    workspace = EXAMPLES[0]
    in_memory = _json(workspace, "duckdb")
    monkeypatch.setattr(columnar, "ON_DISK_BYTES", 0)
    connected = []
    monkeypatch.setattr(columnar._Run, "__init__", _recording(columnar._Run.__init__, connected))
    assert _json(workspace, "duckdb") == in_memory
    assert connected == [True]


def _recording(init, calls: list):
    def recorded(self, duckdb, on_disk=False):
        calls.append(on_disk)
        init(self, duckdb, on_disk)
    return recorded
