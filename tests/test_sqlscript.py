"""`crossmarket compile RULES --sql DIALECT`: the script a warehouse team runs over its raw tables, held to
`crossmarket evaluate --format json` on the same tables — department points, product totals and completion,
failing gates — for both examples (the year, and March) and every policy test; its renderings for Spark and
PostgreSQL parse back.

The tables are loaded as a warehouse holds them: every cell text as the file (or the test) writes it, the
ledger with its spreadsheet row numbers, a table the workspace lacks made empty."""

from __future__ import annotations

import csv
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import duckdb
import pytest
import sqlglot
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from crossmarket_dsl.cli import cli
from crossmarket_dsl.engine.contract import Window
from crossmarket_dsl.engine.plan import build_plan
from crossmarket_dsl.engine.session import window_of
from crossmarket_dsl.engine.sqlplan import KEY_COLUMNS
from crossmarket_dsl.engine.sqlscript import RESULT_ORDER, completion, statements
from crossmarket_dsl.engine.sqltext import render
from crossmarket_dsl.language.pipeline import load
from crossmarket_dsl.office.policytest import _read, _tables, _with_all_columns, run_test
from crossmarket_dsl.reports.render import number_text, points_text

from .conftest import ROOT

EXAMPLES = [ROOT / "examples/panjin-2026", ROOT / "examples/dalian-2026"]
POLICY_TESTS = sorted((ROOT / "policies").rglob("*.test.yaml"))
ROLES = {"deals": "ledger", "clients": "clients", "projects": "projects", "target_list": "target_list",
         "audit": "audit", "indicators": "indicators"}
EMPTY = {"target_list": ["client_id", "department", "from", "to"], "audit": ["deal_id", "verdict", "note"],
         "indicators": ["product", "indicator"]}


def _needed(plan) -> dict[str, list[str]]:
    """The columns of each table the script reads."""
    return {**EMPTY, "ledger": ["row_number", *dict.fromkeys([*KEY_COLUMNS, *plan.cell_fields])],
            "clients": ["client_id", *plan.fields.get("client", {}), *plan.criteria_fields.get("client", {})],
            "projects": ["project_id", *plan.fields.get("project", {})]}


def _load(con, plan, tables: dict[str, tuple[list[str], list[list]]]) -> None:
    """Raw tables into DuckDB, every column text; a table not given is made empty, a column missing too."""
    for name, columns in _needed(plan).items():
        given_columns, rows = tables.get(name, (columns, []))
        missing = list(dict.fromkeys(column for column in columns if column not in given_columns))
        names = [*given_columns, *missing]
        con.execute(f"CREATE TABLE {name} ({', '.join(_quoted(c) + ' VARCHAR' for c in names)})")
        if rows:
            con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(names))})",
                            [[*row, *[None] * len(missing)] for row in rows])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_SCRIPTS: dict[tuple, list] = {}


def _statements(plan, window: Window, derived: bool) -> list:
    """The DuckDB script's statements, made once for each rules, window and target list (policy tests share them)."""
    key = (plan.header, window.period_from, window.period_to, window.month, derived)
    if key not in _SCRIPTS:
        _SCRIPTS[key] = statements(plan, window, "duckdb", derived)
    return _SCRIPTS[key]


def _run(plan, window: Window, derived: bool, tables) -> dict:
    """The DuckDB script run in a fresh database: its result tables as `evaluate --format json` words them."""
    con = duckdb.connect()
    _load(con, plan, tables)
    results = {}
    for comment, statement in _statements(plan, window, derived):
        rows = con.execute(statement).fetchall()
        if comment and comment[0].startswith("结果"):
            results[comment[0].split(": ")[1]] = rows
    return _worded(plan, results)


def _worded(plan, results: dict) -> dict:
    departments = {name: points_text(points) for name, points, _ in results["xm_departments"]}
    products = [{"product": name, "quantity": number_text(quantity), "target": number_text(target),
                 "completion": points_text(completion), "points": points_text(points if counted else Decimal(0)),
                 "counted": counted}
                for name, _, quantity, _, points, target, completion, counted, _ in results["xm_products"]]
    gates = sorted((gate, scope, key, number_text(factor))
                   for _, gate, scope, _, key, _, _, passed, factor in results["xm_gates"] if not passed)
    return {"departments": departments, "products": products, "gates": gates}


def _evaluated(document: dict) -> dict:
    """The same figures of an evaluation's JSON; department points before the year-end adjustments (a month's
    are never adjusted)."""
    adjusted = None if document["provisional"] else document.get("adjustments")
    departments = {d["department"]: d["deal_points"] for d in adjusted["departments"]} if adjusted else \
        {d["department"]: d["points"] for d in document["departments"]}
    products = [{key: p[key] for key in ("product", "quantity", "target", "completion", "points", "counted")}
                for p in document["products"]]
    gates = sorted((g["gate"], g["scope"], g["key"], g["factor"]) for g in document["gates"])
    return {"departments": departments, "products": products, "gates": gates}


def _csv_tables(workspace: Path) -> dict:
    config = yaml.safe_load((workspace / "workspace.yaml").read_text(encoding="utf-8"))
    tables = {}
    for role, name in config["tables"].items():
        with open(workspace / name, encoding="utf-8-sig", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        if ROLES[role] == "ledger":  # the header is row 1
            header, rows = ["row_number", *header], [[str(number), *row] for number, row in enumerate(rows, 2)]
        tables[ROLES[role]] = (header, rows)
    return config, tables


@pytest.mark.parametrize("month", [None, "2026-03"], ids=["year", "march"])
@pytest.mark.parametrize("workspace", EXAMPLES, ids=lambda p: p.name)
def test_the_script_gives_the_examples_figures(workspace, month):
    config, tables = _csv_tables(workspace)
    plan = build_plan(load(workspace / config["rules"]).ir)
    window = window_of(plan.period, month)
    ran = _run(plan, window, "target_list" not in tables, tables)
    run = CliRunner().invoke(cli, ["evaluate", str(workspace), "--format", "json", "--engine", "duckdb",
                                   *(["--month", month] if month else [])])
    assert run.exit_code == 0, run.output
    assert ran == _evaluated(yaml.safe_load(run.output))
    assert ran["gates"], "the examples have failing gates"


SCRIPTED = ("第八条", "第九条", "第十二条", "第十八条", "第十九条", "第二十条", "第二十一条", "第二十二条")
"""The articles the script computes; a policy test of each, the first of each file citing it (the script
takes seconds a test: every one of them would take minutes)."""


def _policy_cases():
    for path in POLICY_TESTS:
        seen = set()
        for number, test in enumerate(_read(path)["tests"], 1):
            cite = str(test.get("cite"))
            if cite in SCRIPTED and cite not in seen and "error" not in test["expect"] and "period" not in test:
                seen.add(cite)
                yield pytest.param(path, number, test, id=f"{path.name}-{number}")


@pytest.mark.parametrize("path, number, test", list(_policy_cases()))
def test_the_script_gives_each_policy_tests_figures(path, number, test):
    compiled = load(path.parent / _read(path)["rules"])
    plan = build_plan(compiled.ir)
    month = None if test.get("month") is None else str(test["month"])
    given = _with_all_columns(plan, _tables(str(path), test))
    tables = {}
    for role, table in given.items():
        rows = [[_text(record.get(column)) for column in table.columns] for record in table.rows]
        if ROLES[role] == "ledger":
            tables["ledger"] = (["row_number", *table.columns], [[str(n), *row] for n, row in zip(table.row_numbers, rows)])
        else:
            tables[ROLES[role]] = (table.columns, rows)
    ran = _run(plan, window_of(plan.period, month), "target_list" not in given, tables)
    outcome = run_test(path, compiled, number, test, engine="duckdb")
    assert outcome.failures == []
    assert ran == _evaluated(outcome.document), outcome.name


def _text(cell) -> str | None:
    if cell is None:
        return None
    return cell.isoformat() if isinstance(cell, date) else str(cell)


@pytest.mark.parametrize("dialect", ["spark", "postgres"])
def test_every_statement_parses_back_in_its_dialect(dialect):
    run = CliRunner().invoke(cli, ["compile", str(ROOT / "policies/branches/dalian.xm"), "--sql", dialect,
                                   "--derived-targets"])
    assert run.exit_code == 0, run.output
    body = "\n".join(line for line in run.output.splitlines() if not line.startswith("--"))
    parsed = [sqlglot.parse_one(statement, read=dialect) for statement in body.split(";\n") if statement.strip()
              and not statement.strip().startswith("SET ")]
    made = {e.this.name for e in parsed if isinstance(e, sqlglot.exp.Create)}
    assert made >= {"xm_rows", "xm_gates", "xm_departments", "xm_products", "xm_split_parts"}
    assert [e.find(sqlglot.exp.Table).name for e in parsed if isinstance(e, sqlglot.exp.Select)] == list(RESULT_ORDER)
    ctes = {cte.alias for e in parsed for cte in e.find_all(sqlglot.exp.CTE)}
    read = {t.name for e in parsed for t in e.find_all(sqlglot.exp.Table)} - made - ctes
    assert read == {"ledger", "clients", "projects", "audit", "indicators"}  # the target list is derived
    assert sum(isinstance(e, sqlglot.exp.Drop) for e in parsed) == len(made)  # neither replaces a table
    if dialect == "postgres":
        assert not re.search(r"\b(TRY_CAST|TRY|ENDS_WITH|REGEXP_EXTRACT|REGEXP_MATCHES)\(", body)
    else:  # Spark has no temporary table: a view would bring every stage's plan into the next one's
        assert all(e.find(sqlglot.exp.FileFormatProperty) for e in parsed if isinstance(e, sqlglot.exp.Create))


def test_the_script_is_the_golden_one(golden):
    run = CliRunner().invoke(cli, ["compile", str(ROOT / "policies/branches/panjin.xm"), "--sql", "duckdb",
                                   "--month", "2026-03"])
    assert run.exit_code == 0, run.output
    # the script's outline: its header, each stage's comment and the statement that makes it (the queries' bodies
    # are the rows query's and the gates' own, held to `evaluate` by the tests above)
    shown = "\n".join(line for line in run.output.splitlines()
                      if line.startswith(("--", "SET ", "CREATE ", "SELECT *", "FROM xm_", "ORDER BY")))
    golden(ROOT / "tests/evaluation/golden/compile-sql-panjin-2026-03.txt", shown + "\n")


def test_the_header_says_what_it_reads_makes_and_leaves_to_crossmarket():
    run = CliRunner().invoke(cli, ["compile", str(ROOT / "policies/branches/panjin.xm"), "--sql", "spark"])
    header = "\n".join(line for line in run.output.splitlines() if line.startswith("-- ") and "步" not in line)
    for table in ("ledger", "clients", "projects", "target_list", "audit", "indicators",
                  "xm_rows", "xm_gates", "xm_departments", "xm_products"):
        assert re.search(rf"^--   {table} ", header, re.M), table
    assert "最大" in header and "largest remainder" in header and "art. 4, 17" in header
    assert "SET spark.sql.ansi.enabled = false;" in run.output


def test_rules_sql_cannot_keep_exact_are_refused_with_a_code(tmp_path):
    rules = (ROOT / "policies/branches/panjin.xm").read_text(encoding="utf-8")
    changed = rules.replace("points deal.amount / 1万 * 0.5 per deal", "points deal.amount / 3 per deal")
    assert changed != rules
    (tmp_path / "rules.xm").write_text(changed, encoding="utf-8")
    run = CliRunner().invoke(cli, ["compile", str(tmp_path / "rules.xm"), "--sql", "duckdb"])
    assert run.exit_code == 1 and run.output.startswith("error[X204]: these rules cannot be written as SQL yet")


def test_a_measure_and_options_without_sql_are_refused():
    run = CliRunner().invoke(cli, ["compile", str(ROOT / "policies/measure/2026.xm"), "--sql", "postgres"])
    assert run.exit_code == 2 and "error[S127]" in run.output
    for option in (["--month", "2026-03"], ["--derived-targets"]):
        run = CliRunner().invoke(cli, ["compile", str(ROOT / "policies/branches/panjin.xm"), *option])
        assert run.exit_code == 2 and f"{option[0]} goes with --sql" in run.output


def test_compile_help_says_what_sql_is_for():
    run = CliRunner().invoke(cli, ["compile", "--help"])
    assert "--sql [duckdb|spark|postgres]" in run.output and "warehouse" in run.output
    assert "--derived-targets" in run.output


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=-10**14, max_value=10**14, places=12, allow_nan=False, allow_infinity=False),
       st.decimals(min_value=0, max_value=10**14, places=12, allow_nan=False, allow_infinity=False)
       | st.sampled_from([Decimal("3"), Decimal("0.000000000007"), Decimal("8")]))
def test_the_script_s_completion_is_the_exact_quotient_to_four_places(quantity, target):
    """No floating point: quantity ÷ target to 4 places, half away from zero, exact at every magnitude."""
    query = f"SELECT {render(completion(exp.column('q'), exp.column('t')), 'duckdb')} FROM (SELECT " \
            f"CAST('{quantity}' AS DECIMAL(38, 12)) AS q, CAST('{target}' AS DECIMAL(38, 12)) AS t)"
    (found,) = duckdb.connect().execute(query).fetchone()
    with localcontext(prec=80):
        expected = (quantity / target).quantize(Decimal("0.0001"), ROUND_HALF_UP) if target > 0 else None
    assert found == expected


def test_the_script_s_completion_rounds_a_tie_away_from_zero():
    query = "SELECT {} FROM (VALUES (1, 8), (3, 8), (-1, 8), (0.00025, 1), (10, 0)) AS v(q, t)"
    found = duckdb.connect().execute(query.format(render(completion(exp.column("q"), exp.column("t")), "duckdb")))
    assert [row[0] for row in found.fetchall()] == [Decimal("0.1250"), Decimal("0.3750"), Decimal("-0.1250"),
                                                     Decimal("0.0003"), None]
