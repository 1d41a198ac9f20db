"""Every command that runs the rules on a workspace gives the same on each embedded engine: `statement`,
`sample` and `diff --workspace` as well as `evaluate` (its JSON: `test_columnar.py`), down to the files written
with `--out`. A difference is a bug in one of the engines."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from .offices import offices
from .panjin_copy import PANJIN, RULES, copy_panjin, run

ENGINES = ("python", "duckdb")
MARCH = "2026-03"


def ran(*args) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def files(folder: Path) -> dict[str, object]:
    """What each file says: a workbook's cell values sheet by sheet, any other file's bytes."""
    said = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            said[path.name] = {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}
        else:
            said[path.name] = path.read_bytes()
    return said


def each_engine(make) -> list:
    return [make(engine) for engine in ENGINES]


def test_the_statement_and_its_files_are_the_same_on_every_engine(tmp_path):
    def statement(engine):
        out = tmp_path / engine
        text = ran("statement", PANJIN, "--month", MARCH, "--out", out, "--engine", engine)
        return text, files(out)
    python, duckdb = each_engine(statement)
    assert python[1]  # the files were written
    assert python == duckdb


@pytest.mark.parametrize("month", [None, MARCH])
def test_evaluate_s_files_are_the_same_on_every_engine(tmp_path, month):
    def evaluated(engine):
        out = tmp_path / engine
        ran("evaluate", PANJIN, "--out", out, "--engine", engine, *(["--month", month] if month else []))
        return files(out)
    python, duckdb = each_engine(evaluated)
    assert "deals.csv" in python
    assert python == duckdb


def test_the_sample_is_drawn_alike_on_every_engine(tmp_path):
    workspace = copy_panjin(tmp_path)
    folder = offices(tmp_path / "offices")
    drawn = json.loads(folder.sealed(workspace, MARCH, "--format", "json").stdout)

    def again(engine):
        return json.loads(ran("sample", workspace, "--month", MARCH, "--format", "json", "--register",
                              folder.register, "--engine", engine))
    python, duckdb = each_engine(again)
    assert python["deals"] == drawn["deals"]
    assert python == duckdb


def test_a_rules_diff_on_a_workspace_is_the_same_on_every_engine(tmp_path):
    new = tmp_path / "new.xm"
    text = RULES.read_text(encoding="utf-8")
    assert "points 10 per unit" in text
    new.write_text(text.replace("points 10 per unit", "points 12 per unit"), encoding="utf-8")

    def diffed(engine):
        return json.loads(ran("diff", RULES, new, "--workspace", PANJIN, "--format", "json", "--engine", engine))
    python, duckdb = each_engine(diffed)
    assert python == duckdb
