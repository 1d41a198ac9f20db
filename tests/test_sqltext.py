"""`crossmarket compile RULES --sql DIALECT`: the rules as one SQL query for a warehouse team, in each dialect,
with the header that says what it reads and what was written into it; every text parses back as its dialect."""

from __future__ import annotations

import re

import pytest
import sqlglot
from click.testing import CliRunner

from crossmarket_dsl.cli import cli
from crossmarket_dsl.engine.plan import build_plan
from crossmarket_dsl.language.pipeline import load

from .conftest import ROOT

RULES = sorted((ROOT / "policies/branches").glob("*.xm"))


def _compile(*arguments: str):
    return CliRunner().invoke(cli, ["compile", *arguments])


def _statements(text: str) -> list[str]:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    return [statement for statement in body.split(";\n") if statement.strip()]


@pytest.mark.parametrize("dialect", ["duckdb", "spark", "postgres"])
@pytest.mark.parametrize("rules", RULES, ids=lambda p: p.name)
def test_every_branch_compiles_to_sql_that_parses_back(rules, dialect):
    run = _compile(str(rules), "--sql", dialect)
    assert run.exit_code == 0, run.output
    *settings, query = _statements(run.output)
    parsed = sqlglot.parse_one(query.rstrip().rstrip(";"), read=dialect)
    assert parsed.find(sqlglot.exp.Select) is not None
    assert {table.name for table in parsed.find_all(sqlglot.exp.Table)} >= {
        "ledger", "clients", "projects", "target_list", "splits", "audit_rejected"}
    if dialect == "spark":
        assert [s.strip() for s in settings] == ["SET spark.sql.ansi.enabled = false",
                                                 "SET spark.sql.decimalOperations.allowPrecisionLoss = false",
                                                 "SET spark.sql.caseSensitive = true"]
    else:
        assert settings == []
    if dialect == "postgres":  # DuckDB's words PostgreSQL lacks are written in its own
        assert not re.search(r"\b(TRY_CAST|TRY|ENDS_WITH|REGEXP_EXTRACT|REGEXP_MATCHES)\(", query)
        assert "PG_INPUT_IS_VALID(" in query


def test_the_header_names_the_tables_the_columns_and_what_was_written_in():
    run = _compile(str(ROOT / "policies/branches/panjin.xm"), "--sql", "spark", "--month", "2026-03")
    header = [line for line in run.output.splitlines() if line.startswith("--")]
    text = "\n".join(header)
    plan = build_plan(load(ROOT / "policies/branches/panjin.xm").ir)
    for name in ("ledger", "clients", "projects", "target_list", "splits", "audit_rejected"):
        assert re.search(rf"^--   {name} ", text, re.M), name
    ledger = next(line for line in header if line.startswith("--   ledger"))
    assert all(column in ledger for column in ("row_number BIGINT", "deal_id", *plan.cell_fields))
    assert "2026-03" in text and "盘锦分行" in text and "读取的表" in text
    assert all(name in text for name in plan.constants) and all(p.name in text for p in plan.product_list)
    assert "'2026-03-01'" in run.output and "'2026-03-31'" in run.output  # the month's dates in the query


def test_rules_sql_cannot_keep_exact_are_refused_with_a_code(tmp_path):
    rules = (ROOT / "policies/branches/panjin.xm").read_text(encoding="utf-8")
    changed = rules.replace("points deal.amount / 1万 * 0.5 per deal", "points deal.amount / 3 per deal")
    assert changed != rules
    (tmp_path / "rules.xm").write_text(changed, encoding="utf-8")
    run = _compile(str(tmp_path / "rules.xm"), "--sql", "duckdb")
    assert run.exit_code == 1 and run.output.startswith("error[X204]: these rules cannot be written as SQL yet")


def test_a_measure_and_a_month_without_sql_are_refused():
    run = _compile(str(ROOT / "policies/measure/2026.xm"), "--sql", "postgres")
    assert run.exit_code == 2 and "error[S127]" in run.output
    run = _compile(str(ROOT / "policies/branches/panjin.xm"), "--month", "2026-03")
    assert run.exit_code == 2 and "--month goes with --sql" in run.output


def test_compile_help_says_what_sql_is_for():
    run = _compile("--help")
    assert "--sql [duckdb|spark|postgres]" in run.output and "warehouse" in run.output
