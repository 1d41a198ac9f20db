from datetime import date
from pathlib import Path

import pytest

from crossmarket_dsl.io.workspace import Workspace, WorkspaceError, load_workspace


@pytest.fixture
def tree(tmp_path):
    """policies/branches/panjin.xm and a workspace folder examples/panjin-2026 with its tables."""
    (tmp_path / "policies" / "branches").mkdir(parents=True)
    (tmp_path / "policies" / "branches" / "panjin.xm").write_text("rules", encoding="utf-8")
    folder = tmp_path / "examples" / "panjin-2026"
    folder.mkdir(parents=True)
    for name in ("deals.csv", "clients.xlsx", "projects.csv"):
        (folder / name).write_text("x", encoding="utf-8")
    return folder


def workspace(folder: Path, text: str) -> Path:
    (folder / "workspace.yaml").write_text(text, encoding="utf-8")
    return folder


GOOD = """\
rules: ../../policies/branches/panjin.xm
tables:
  deals: deals.csv
  clients: clients.xlsx#客户
  projects: projects.csv
period: {from: 2026-01-01, to: 2026-06-30}
encoding: gb18030
"""


def failure(path) -> WorkspaceError:
    with pytest.raises(WorkspaceError) as caught:
        load_workspace(path)
    error = caught.value
    assert str(error) == error.message and not error.message.endswith(".")
    return error


def test_a_complete_workspace(tree):
    loaded = load_workspace(workspace(tree, GOOD))
    root = tree.parent.parent
    assert loaded == Workspace(
        folder=tree,
        file=tree / "workspace.yaml",
        rules=root / "policies" / "branches" / "panjin.xm",
        tables={"deals": str(tree / "deals.csv"), "clients": f"{tree / 'clients.xlsx'}#客户",
                "projects": str(tree / "projects.csv")},
        period=(date(2026, 1, 1), date(2026, 6, 30)),
        encoding="gb18030",
    )


def test_the_yaml_file_itself_can_be_given(tree):
    minimal = "rules: ../../policies/branches/panjin.xm\ntables: {deals: deals.csv, clients: clients.xlsx}\n"
    loaded = load_workspace(workspace(tree, minimal) / "workspace.yaml")
    assert loaded.folder == tree
    assert loaded.period is None and loaded.measure is None and loaded.schema is None and loaded.encoding is None


def test_measure_and_schema_paths(tree):
    (tree / "measure.xm").write_text("m")
    (tree / "bounds.json").write_text("{}")
    loaded = load_workspace(workspace(tree, GOOD + "measure: measure.xm\nschema: bounds.json\n"))
    assert (loaded.measure, loaded.schema) == (tree / "measure.xm", tree / "bounds.json")


def test_a_missing_folder(tmp_path):
    error = failure(tmp_path / "nowhere")
    assert error.missing
    assert error.message == f"`{tmp_path / 'nowhere'}` does not exist"


def test_a_folder_without_workspace_yaml_says_what_it_should_contain(tmp_path):
    error = failure(tmp_path)
    assert error.missing
    assert error.message == f"`{tmp_path}` has no `workspace.yaml`"
    assert "rules:" in error.help and "tables:" in error.help


def test_yaml_syntax_error_names_the_line(tree):
    error = failure(workspace(tree, "rules: a.xm\ntables:\n  deals: deals.csv\n bad: [\n"))
    assert not error.missing
    assert error.line == 4
    assert error.message.startswith(f"`{tree / 'workspace.yaml'}` line 4: YAML syntax error: ")


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "- rules\n"])
def test_a_workspace_that_is_not_settings(tree, text):
    error = failure(workspace(tree, text))
    assert "it should name the rules file and the tables" in error.message
    assert not error.missing


def test_unknown_setting_suggests_the_closest(tree):
    error = failure(workspace(tree, GOOD + "perod: {from: 2026-01-01, to: 2026-12-31}\n"))
    assert error.line == 8
    assert error.message == f"`{tree / 'workspace.yaml'}` line 8: unknown setting `perod`"
    assert error.help.startswith("did you mean `period`?")


def test_unknown_table_role_suggests_the_closest(tree):
    error = failure(workspace(tree, GOOD.replace("  projects:", "  project:")))
    assert error.line == 5
    assert error.message.endswith("line 5: unknown table `project`")
    assert error.help.startswith("did you mean `projects`?")


def test_rules_must_be_named(tree):
    error = failure(workspace(tree, "tables: {deals: deals.csv, clients: clients.xlsx}\n"))
    assert error.message == f"`{tree / 'workspace.yaml'}`: no `rules` file is named"
    assert not error.missing


def test_a_named_file_that_does_not_exist_names_the_key_and_the_path(tree):
    error = failure(workspace(tree, GOOD.replace("deals: deals.csv", "deals: deal.csv")))
    assert error.missing
    assert error.line == 3
    assert error.message.endswith(f"line 3: `tables.deals` is `deal.csv`, but `{tree / 'deal.csv'}` does not exist")
    assert error.help == f"did you mean `{tree / 'deals.csv'}`?"


def test_a_missing_rules_file(tree):
    error = failure(workspace(tree, GOOD.replace("panjin.xm", "anshan.xm")))
    assert error.missing and error.line == 1
    assert "`rules` is `../../policies/branches/anshan.xm`" in error.message


def test_required_tables(tree):
    error = failure(workspace(tree, "rules: ../../policies/branches/panjin.xm\ntables: {deals: deals.csv}\n"))
    assert error.message.endswith("line 2: no `clients` table is named")


def test_a_table_that_is_not_a_path(tree):
    error = failure(workspace(tree, GOOD.replace("deals: deals.csv", "deals: [deals.csv]")))
    assert error.message.endswith("line 3: `tables.deals` should be a file path")


@pytest.mark.parametrize(
    ("period", "line", "message"),
    [
        ("{from: 2026-12-31, to: 2026-01-01}", 6, "`period` starts on 2026-12-31, after it ends on 2026-01-01"),
        ("{from: 2026-02-30, to: 2026-12-31}", 6, "`period.from` is `2026-02-30`, not a date"),
        ("{from: 2026-01-01}", 6, "`period` has no `to` date"),
        ("{start: 2026-01-01, to: 2026-12-31}", 6, "unknown period bound `start`"),
        ("2026", 6, "`period` should have a start and an end"),
    ],
)
def test_bad_periods(tree, period, line, message):
    error = failure(workspace(tree, GOOD.replace("{from: 2026-01-01, to: 2026-06-30}", period)))
    assert error.line == line
    assert error.message.endswith(f"line {line}: {message}")
    assert not error.missing


def test_a_period_in_slashes(tree):
    text = GOOD.replace("{from: 2026-01-01, to: 2026-06-30}", '{from: "2026/01/01", to: "2026/12/31"}')
    assert load_workspace(workspace(tree, text)).period == (date(2026, 1, 1), date(2026, 12, 31))


def test_an_unknown_encoding(tree):
    error = failure(workspace(tree, GOOD.replace("gb18030", "klingon")))
    assert error.message.endswith("line 7: `encoding` is `klingon`, not a known encoding")


def test_workspace_yaml_that_is_not_utf8(tree):
    (tree / "workspace.yaml").write_bytes("rules: 盘锦.xm\n".encode("gb18030"))
    error = failure(tree)
    assert error.missing and "is not UTF-8 text" in error.message


def test_yaml_errors_are_in_words(tree):
    error = failure(workspace(tree, "rules: [\n"))
    assert "<stream end>" not in error.message
    assert error.message.endswith("YAML syntax error: expected the node content, but found the end of the file")


def test_a_control_character(tree):
    error = failure(workspace(tree, "rules: a.xm\ntables: \x07\n"))
    assert error.line == 2
    assert error.message.endswith("line 2: YAML syntax error: character U+0007 is not allowed")


def test_the_engine_and_the_spark_server_a_workspace_names(tree):
    loaded = load_workspace(workspace(tree, GOOD + "engine: spark\nspark_remote: ' sc://spark.example.com:15002 '\n"))
    assert (loaded.engine, loaded.spark_remote) == ("spark", "sc://spark.example.com:15002")
    assert (load_workspace(workspace(tree, GOOD)).engine, load_workspace(tree).spark_remote) == (None, None)


@pytest.mark.parametrize("line, code, message, help", [
    ("engine: duck", "S140", "line 8: `engine` is `duck`, which is not an engine", "did you mean `duckdb`?"),
    ("spark_remote: http://spark:8080", "S141",
     "line 8: `spark_remote` is `http://spark:8080`, which is not the address of a Spark Connect server",
     "write it as `spark_remote: sc://host:port`"),
    ("spark_remote: 15002", "S141", "line 8: `spark_remote` is `15002`, which is not the address", "sc://host:port"),
])
def test_an_engine_or_spark_server_that_is_not_one_names_its_line(tree, line, code, message, help):
    error = failure(workspace(tree, GOOD + line + "\n"))
    assert error.code == code and error.line == 8 and error.exit_status == 1
    assert message in error.message and help in error.help
