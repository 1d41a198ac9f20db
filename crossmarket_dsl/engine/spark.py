"""The Spark engine: the rows query of `sqlplan.py`, rendered in Spark SQL and run through PySpark, locally
(`local[*]`, a Java process of its own) or on a cluster through Spark Connect (`--spark-remote sc://host:port`).

It is the DuckDB engine (`columnar.py`) with the rows query run on Spark: DuckDB prepares the tables the
query reads (the ledger as the reference numbers its rows, the lookups, the splits), they go to Spark as
Arrow and become temporary views, and the query's rows come back as Arrow into DuckDB's `decided` table,
from which the outcome is read as for `--engine duckdb` (tally, gates, deals). Cells are text and numbers
`DECIMAL(38, 12)`, never floating point; the session is set as `sqltext.SETTINGS` says, so that
arithmetic keeps every place and a value that does not fit or cannot be cast is null, not an error.

One Spark session serves the process where it runs (Spark has one per process anyway); where that is, is
chosen by `use_remote` (the command line's `--spark-remote`, or `SPARK_REMOTE`; else the workspace's
`spark_remote:`) before an evaluation.
Spark's own log goes to a file, never to the user's terminal; anything that keeps Spark from running —
pyspark missing, no Java, a cluster that cannot be reached — is a `UserError` naming the engine and what
to do (X201–X204).
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import socket
import tempfile
import warnings
from urllib.parse import urlsplit

from ..core.errors import UserError
from ..io.records import Table
from .columnar import prepare
from .contract import Lookups, RowOutcome, Window
from .plan import Plan
from .sqlplan import rows_query
from .sqltext import SETTINGS, render

SQL_CONF = {**SETTINGS["spark"], "spark.sql.session.timeZone": "UTC"}
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "8",  # one machine: a few partitions, not a cluster's 200
    "spark.log.structuredLogging.enabled": "false",
    "spark.driver.memory": "2g",
}
INSTALL = "install it with `python3 -m pip install 'crossmarket[spark]'`, or run with `--engine duckdb`"
DEFAULT_PORT = 15002  # Spark Connect's
COMPILE_FROM = 50_000  # ledger rows from which Spark compiles the query (`_compile_when_large`)

_remote: str | None = None
_sessions: dict = {}  # by where they run: the address of a cluster, or None for this machine
_log_path: str | None = None


def use_remote(address: str | None) -> None:
    """Run on the Spark Connect server at `address` (`sc://host:port`) rather than locally; `None`: locally."""
    global _remote
    _remote = address.strip() if address and address.strip() else None


def use_remote_unless_given(address: str) -> None:
    """Run on `address` (a workspace's `spark_remote:`) unless the command line or the environment named
    another Spark Connect server, which win."""
    if _remote is None:
        use_remote(address)


def process_rows(plan: Plan, ledger: Table, window: Window, lookups: Lookups) -> RowOutcome:
    """Validate every row of the ledger and compute points and base shares of the accepted ones, on Spark."""
    query = rows_query(plan, window, ledger.columns, stripped=True)
    spark = session()
    prepared = prepare(plan, ledger, lookups)
    con = prepared.run.con.cursor()  # a connection of its own to the evaluation's database
    with _failures_named():
        for name in ("ledger", *query.tables):
            spark.createDataFrame(con.sql(f"SELECT * FROM {name}").to_arrow_table()).createOrReplaceTempView(name)
        _compile_when_large(spark, con.sql("SELECT count(*) FROM ledger").fetchall()[0][0])
        decided = spark.sql(render(query.query, "spark")).toArrow()
    con.register("decided_rows", decided)
    con.execute("CREATE TABLE decided AS SELECT * FROM decided_rows")
    con.unregister("decided_rows")
    con.close()
    return prepared.outcome(plan, window, lookups)


def _compile_when_large(spark, rows: int) -> None:
    """Spark compiles a query to Java before running it, which takes seconds for one of this size: worth it
    over many rows, not over a few thousand, which it runs faster by interpreting the query."""
    large = rows >= COMPILE_FROM
    spark.conf.set("spark.sql.codegen.wholeStage", "true" if large else "false")
    spark.conf.set("spark.sql.codegen.factoryMode", "FALLBACK" if large else "NO_CODEGEN")


# ---- the session ---------------------------------------------------------------------------------

def session():
    """The process's Spark session where `use_remote` says, started on first use."""
    if _remote not in _sessions:
        _quiet_python_side()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pyspark's warnings about its dependencies' versions
            spark = _connect(_remote) if _remote else _start_local()
        for key, value in SQL_CONF.items():
            spark.conf.set(key, value)
        _sessions[_remote] = spark
    return _sessions[_remote]


def stop() -> None:
    """Stop the process's Spark sessions, and this machine's Java process (it ends when its input does)."""
    for where, spark in list(_sessions.items()):
        spark.stop()
        del _sessions[where]
        if where is None:
            from pyspark import SparkContext

            gateway, SparkContext._gateway, SparkContext._jvm = SparkContext._gateway, None, None
            gateway.shutdown()
            gateway.proc.stdin.close()
            gateway.proc.wait()


def _quiet_python_side() -> None:
    """PySpark logs a failed query's whole Java stack through Python's logging: the user sees our message."""
    for name in ("py4j", "pyspark", "SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _import_pyspark():
    try:
        import pyarrow  # noqa: F401 — tables go to Spark and come back as Arrow
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UserError("X201", f"the Spark engine is not installed (`{exc.name}` is missing)", exit_status=2,
                        help=INSTALL) from None
    return SparkSession


def _start_local():
    """Spark in this machine's own Java process, its output in a log file rather than on the terminal."""
    SparkSession = _import_pyspark()
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway

    if not _java_found():
        raise UserError("X202", "the Spark engine needs Java, and none was found", exit_status=2,
                        help="install Java 17 (e.g. `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME; "
                             "or run on a cluster with `--spark-remote sc://host:port`, or with `--engine duckdb`")
    global _log_path
    handle, _log_path = tempfile.mkstemp(prefix="crossmarket-spark-", suffix=".log")
    atexit.register(_remove_log)
    conf = SparkConf().setMaster(os.environ.get("CROSSMARKET_SPARK_MASTER", "local[*]")).setAppName("crossmarket")
    conf.setAll(LOCAL_CONF.items())
    # a table made on this machine (a database, `compile --sql spark`'s tables) lands in a temporary folder, never
    # in a `spark-warehouse` folder Spark would make in the user's working directory
    warehouse = tempfile.mkdtemp(prefix="crossmarket-spark-warehouse-")
    atexit.register(shutil.rmtree, warehouse, ignore_errors=True)
    conf.set("spark.sql.warehouse.dir", warehouse)
    try:
        gateway = launch_gateway(conf, popen_kwargs={"stdout": handle, "stderr": handle})
        context = SparkContext(conf=conf, gateway=gateway)
    except Exception as exc:  # the Java process exited, or would not talk to us: its log says why
        raise UserError("X202", "Spark could not start on this machine", exit_status=2,
                        help=f"{_log_tail() or exc}; check Java 17 (`java -version`), or run with `--engine duckdb`") \
            from None
    finally:
        os.close(handle)
    context.setLogLevel("ERROR")
    return SparkSession(context)


def _java_found() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(home and os.access(os.path.join(home, "bin", "java"), os.X_OK)) or shutil.which("java") is not None


def _log_tail() -> str:
    try:
        with open(_log_path, encoding="utf-8", errors="replace") as log:
            lines = [line.strip() for line in log if line.strip()]
    except (OSError, TypeError):
        return ""
    errors = [line for line in lines if "error" in line.lower()]  # the JVM's own words, before the scripts' echo
    return (errors or lines or [""])[0 if errors else -1][:300]


def _remove_log() -> None:
    if _log_path and os.path.exists(_log_path):
        os.remove(_log_path)


def _connect(address: str):
    """A Spark Connect session on the cluster at `address`, checked to answer within seconds: pyspark itself
    would retry for ten minutes before saying anything."""
    host, port = _host_port(address)
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as exc:
        raise _unreachable(address, exc.strerror or str(exc)) from None
    SparkSession = _import_pyspark()
    try:
        spark = SparkSession.builder.remote(address).getOrCreate()
        spark.client.set_retry_policies([])  # a cluster that stops answering is said at once
        spark.sql("SELECT 1").collect()
    except ImportError as exc:  # Spark Connect's own dependencies: grpcio, pandas, …
        raise UserError("X201", f"the Spark engine is not installed (`{exc.name}` is missing)", exit_status=2,
                        help=INSTALL) from None
    except Exception as exc:
        raise _unreachable(address, _first_line(exc)) from None
    return spark


def _host_port(address: str) -> tuple[str, int]:
    parts = urlsplit(address.split(";", 1)[0])
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        port = None
    if parts.scheme != "sc" or not parts.hostname or port is None:
        raise UserError("X203", f"`{address}` is not the address of a Spark Connect server", exit_status=2,
                        help="write it as `sc://host:port`, e.g. `--spark-remote sc://spark.example.com:15002`")
    return parts.hostname, port


def _unreachable(address: str, why: str) -> UserError:
    return UserError("X203", f"the Spark engine cannot reach the cluster at `{address}`: {why}", exit_status=2,
                     help="check the address and that the Spark Connect server runs (`start-connect-server.sh`); "
                          "or run locally without `--spark-remote`, or with `--engine duckdb`")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


class _failures_named:
    """A cluster lost while the query runs is said as such; anything else is a defect and raised as it is."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, trace):
        if exc is None or _remote is None:
            return False
        from pyspark.errors import PySparkException

        if isinstance(exc, PySparkException) and "UNAVAILABLE" in str(exc):
            raise _unreachable(_remote, _first_line(exc)) from None
        return False
