"""The Spark engine (`engine/spark.py`, the rows query on PySpark in local mode) against the reference row
loop: the same JSON result, byte for byte, on the examples, on every policy test and on generated rules
and ledgers; the engine contract on generated ledgers; what a user sees when Spark cannot run; and the script
`compile --sql spark` prints, run as printed on Spark over the examples' tables, against `evaluate`.

Spark starts once for the module (a Java process takes seconds to start) and stops at its end. Without
Java or pyspark the module is skipped and says why; under CROSSMARKET_REQUIRE_TOOLS=1 (CI) it fails.
"""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossmarket_dsl.cli import cli
from crossmarket_dsl.engine import spark
from crossmarket_dsl.engine.evaluate import REFERENCE, run_engine
from crossmarket_dsl.engine.session import open_session
from crossmarket_dsl.io.jsonout import dumps
from crossmarket_dsl.office.policytest import run_file

from .test_columnar import EXAMPLES, POINTS, POLICY_TESTS, _json, _row, _workspace, ledgers
from .test_engines import check_contract, outcome_record
from .test_evaluation import _as_gb18030, _as_xlsx, _write_deals, generated_workspace, row_strategy  # noqa: F401
from .test_parquet import _copy
from .test_sqlscript import _csv_tables, _evaluated, _needed, _worded


def _spark_missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (`pip install 'crossmarket[spark]'`)"
    if not spark._java_found():
        return "Java is not installed (Debian package `openjdk-17-jre-headless`)"
    return None


@pytest.fixture(scope="module", autouse=True)
def local_spark():
    """One local Spark session for every test of the module."""
    missing = _spark_missing()
    if missing and os.environ.get("CROSSMARKET_REQUIRE_TOOLS") == "1":
        pytest.fail(missing + " and CROSSMARKET_REQUIRE_TOOLS=1")
    if missing:
        pytest.skip(missing)
    spark.use_remote(None)
    spark.session()
    yield
    spark.stop()


@pytest.mark.parametrize("month", [[], ["--month", "2026-03"]], ids=["year", "march"])
@pytest.mark.parametrize("workspace", EXAMPLES, ids=lambda p: p.name)
def test_the_examples_give_the_same_json_on_spark(workspace, month):
    assert _json(workspace, "spark", *month) == _json(workspace, REFERENCE, *month)


@pytest.mark.parametrize("path", POLICY_TESTS, ids=lambda p: p.name)
def test_every_policy_test_gives_the_same_result_on_spark(path):
    reference, ours = run_file(path, engine=REFERENCE), run_file(path, engine="spark")
    assert [o.name for o in ours.outcomes] == [o.name for o in reference.outcomes]
    for mine, theirs in zip(ours.outcomes, reference.outcomes):
        assert dumps(mine.document) == dumps(theirs.document), mine.name
        assert mine.failures == theirs.failures == []


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(points=st.sampled_from(POINTS), k=st.sampled_from(["0.5", "3.25"]), declared=st.booleans(), rows=ledgers(),
       month=st.sampled_from([None, "2026-03"]), encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_generated_rules_and_ledgers_give_the_same_result_on_spark(tmp_path_factory, points, k, declared, rows,
                                                                    month, encoding):
    from dataclasses import replace

    from crossmarket_dsl.reports.render import to_json

    session = _workspace(tmp_path_factory.mktemp("generated"), points.format(k=k, n="1万"), rows, declared=declared,
                         encoding=encoding)
    documents = [dumps(to_json(replace(session, engine=engine).evaluate(month), session.rules_info()))
                 for engine in ("spark", REFERENCE)]
    assert documents[0] == documents[1]


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row_strategy, min_size=1, max_size=30), month=st.sampled_from([None, "2026-03"]))
def test_spark_keeps_the_engine_contract_on_generated_ledgers(generated_workspace, rows, month):  # noqa: F811
    _write_deals(generated_workspace, rows)
    session = open_session(generated_workspace)
    window = session.window(month)
    ours = run_engine(session.plan, session.inputs, window, "spark")[0]
    check_contract(session.plan, ours, window.monthly)
    assert outcome_record(ours) == outcome_record(run_engine(session.plan, session.inputs, window, REFERENCE)[0])


LEDGER_FILES = {"xlsx": _as_xlsx, "gb18030.csv": _as_gb18030,
                "parquet": lambda source, target: _copy(f"SELECT * FROM read_csv('{source}', all_varchar = true)",
                                                        target)}


@pytest.mark.parametrize("suffix", LEDGER_FILES)
def test_spark_reads_every_table_type_as_the_reference_does(tmp_path, suffix):
    """Spark is sent the ledger as the shared reader reads it, whatever the file: a workbook, GB18030, Parquet."""
    _workspace(tmp_path, "deal.amount / 1万 * 0.5", [_row(1, amount="5万"), _row(2, date="2026-13-01"),
                                                   _row(3, participants="公司业务部、机构业务部", amount="1,000,000")])
    ledger = tmp_path / f"deals.{suffix}"
    LEDGER_FILES[suffix](tmp_path / "deals.csv", ledger)
    assert _json(tmp_path, "spark", "--table", f"deals={ledger}") == \
        _json(tmp_path, REFERENCE, "--table", f"deals={ledger}")


# ---- the printed script, run on Spark ------------------------------------------------------------

def _printed_statements(rules, *options: str) -> list[str]:
    """The statements of the script `compile --sql spark` prints, as a warehouse team would run them."""
    run = CliRunner().invoke(cli, ["compile", str(rules), "--sql", "spark", *options])
    assert run.exit_code == 0, run.output
    body = "\n".join(line for line in run.output.splitlines() if not line.startswith("--"))
    return [statement.strip() for statement in body.split(";\n") if statement.strip()]


@pytest.mark.parametrize("workspace, month", [*((workspace, None) for workspace in EXAMPLES), (EXAMPLES[-1], "2026-03")],
                         ids=lambda value: getattr(value, "name", value or "year"))
def test_the_printed_spark_script_gives_the_examples_figures(workspace, month, tmp_path):
    """The raw tables as a warehouse holds them (every cell text), the printed script run statement by statement
    in a database of its own, its result tables worded as `evaluate` words them: the year of both examples, and
    a month of one (each run takes Spark some 15–50 seconds to plan on two cores)."""
    from pyspark.sql.types import StringType, StructField, StructType

    from crossmarket_dsl.engine.plan import build_plan
    from crossmarket_dsl.engine.sqlscript import RESULT_ORDER
    from crossmarket_dsl.language.pipeline import load

    config, tables = _csv_tables(workspace)
    derived = "target_list" not in tables
    options = [*(["--month", month] if month else []), *(["--derived-targets"] if derived else [])]
    printed = _printed_statements(workspace / config["rules"], *options)
    plan = build_plan(load(workspace / config["rules"]).ir)
    session = spark.session()
    for name, columns in _needed(plan).items():
        given, rows = tables.get(name, (columns, []))
        missing = list(dict.fromkeys(column for column in columns if column not in given))
        schema = StructType([StructField(column, StringType()) for column in [*given, *missing]])
        session.createDataFrame([[*row, *[None] * len(missing)] for row in rows], schema).createOrReplaceTempView(name)
    made, selects = printed[:-len(RESULT_ORDER)], printed[-len(RESULT_ORDER):]
    assert {statement.split(" ", 1)[0] for statement in made} == {"SET", "DROP", "CREATE"}
    session.sql(f"CREATE DATABASE xm_script LOCATION '{tmp_path / 'xm_script'}'")
    try:
        session.sql("USE xm_script")
        for statement in made:
            session.sql(statement).collect()
        results = {name: [tuple(row) for row in session.sql(statement).collect()]
                   for name, statement in zip(RESULT_ORDER, selects)}
    finally:
        session.sql("USE default")
        session.sql("DROP DATABASE xm_script CASCADE")
    ran = _worded(plan, results)
    assert ran == _evaluated(yaml.safe_load(_json(workspace, REFERENCE, *(["--month", month] if month else []))))
    assert ran["gates"], "the examples have failing gates"


# ---- when Spark cannot run -----------------------------------------------------------------------

def _refused(*options: str, env: dict | None = None) -> tuple[int, str]:
    run = CliRunner().invoke(cli, ["evaluate", str(EXAMPLES[0]), "--engine", "spark", *options], env=env)
    return run.exit_code, run.output


def test_a_cluster_that_cannot_be_reached_is_said_with_its_address():
    status, output = _refused("--spark-remote", "sc://127.0.0.1:1")
    assert status == 2 and "Traceback" not in output
    assert output.startswith("error[X203]: the Spark engine cannot reach the cluster at `sc://127.0.0.1:1`")
    assert "--engine duckdb" in output


def test_the_cluster_comes_from_spark_remote_in_the_environment():
    status, output = _refused(env={"SPARK_REMOTE": "sc://127.0.0.1:1"})
    assert status == 2 and "error[X203]" in output and "sc://127.0.0.1:1" in output


def test_an_address_that_is_not_one_is_refused():
    status, output = _refused("--spark-remote", "http://spark:8080")
    assert status == 2 and output.startswith("error[X203]: `http://spark:8080` is not the address of a Spark Connect")


@pytest.fixture
def no_session(monkeypatch):
    """The running session set aside, so that a test can ask for a new one; it is put back after."""
    monkeypatch.setattr(spark, "_sessions", {})
    monkeypatch.setattr(spark, "_remote", None)


def test_missing_java_is_said_before_spark_starts(no_session, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", "")
    monkeypatch.setenv("PATH", "")
    status, output = _refused()
    assert status == 2 and output.startswith("error[X202]: the Spark engine needs Java, and none was found")
    assert "openjdk-17" in output and "Traceback" not in output


def test_java_that_will_not_start_is_said_with_its_words(no_session, monkeypatch, tmp_path):
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text("#!/bin/sh\necho 'Error: could not create the Java Virtual Machine.' >&2\nexit 1\n")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    status, output = _refused()
    assert status == 2 and output.startswith("error[X202]: Spark could not start on this machine")
    assert "could not create the Java Virtual Machine" in output


def test_missing_pyspark_is_said_with_how_to_install_it(no_session, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # an import of it fails as if it were not installed
    status, output = _refused()
    assert status == 2 and output.startswith("error[X201]: the Spark engine is not installed (`pyspark.sql` is missing)")
    assert "crossmarket[spark]" in output
