"""What a command imports: only what it uses. Each library below costs a command tens of milliseconds to a
quarter of a second before it reads a row (sqlglot ~0.06 s, pyspark and its pandas far more), so a command
that does not use one must not load it: the row loop needs no SQL compiler, a plain `evaluate` neither
signatures nor workbooks, `check` no engine at all.

Each command runs in a fresh Python process of its own, whose modules are then listed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT

HEAVY = {"sqlglot", "duckdb", "pyspark", "cryptography", "openpyxl", "jsonschema", "lark"}
"""The SQL compiler and the engines' libraries; signatures; workbooks; the schema validator and the parser
generator, which word errors only."""

RUN = """
import contextlib, io, json, sys
from crossmarket_dsl.cli import cli
from crossmarket_dsl.cli.common import guard
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
    code = guard(cli, sys.argv[1:])
print(json.dumps({"code": code, "stderr": err.getvalue(), "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""

PANJIN = "examples/panjin-2026"
CASES = [
    pytest.param(["check", "policies/branches/panjin.xm"], set(), id="check"),
    pytest.param(["evaluate", PANJIN, "--format", "json", "--engine", "python"], set(), id="evaluate on the row loop"),
    pytest.param(["evaluate", PANJIN, "--month", "2026-03", "--engine", "python"], set(), id="evaluate a month"),
    pytest.param(["evaluate", PANJIN, "--format", "json", "--engine", "duckdb"], {"duckdb", "sqlglot"},
                 id="evaluate on DuckDB"),
    pytest.param(["statement", PANJIN, "--month", "2026-03", "--engine", "python"], set(), id="statement"),
    pytest.param(["diff", "policies/branches/panjin.xm", "policies/branches/panjin.xm", "--workspace", PANJIN,
                  "--engine", "python"], set(), id="diff --workspace"),
    pytest.param(["explain", PANJIN, "--department", "机构业务部"], set(), id="explain"),
]


def loaded(args: list[str]) -> set[str]:
    """The top-level packages loaded by a fresh process that ran `crossmarket ARGS`, which must succeed."""
    done = subprocess.run([sys.executable, "-c", RUN, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["code"] == 0, report["stderr"]
    return set(report["modules"])


@pytest.mark.parametrize("args, allowed", CASES)
def test_a_command_loads_only_the_libraries_it_uses(args, allowed):
    assert loaded(args) & HEAVY == allowed
