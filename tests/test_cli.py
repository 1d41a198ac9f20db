"""The command line as a whole: its help and the mistakes a user makes on it."""

from __future__ import annotations

from .panjin_copy import ROOT, run


def test_the_command_list_shows_whole_descriptions():
    result = run("--help")
    assert result.exit_code == 0
    commands = result.output.split("Commands:")[1]
    assert "..." not in commands
    assert "Head office's register of filed rules (art. 24): who filed what" in " ".join(result.output.split())


def test_test_given_a_rules_file_asks_for_a_test_file():
    result = run("test", ROOT / "policies" / "branches" / "panjin.xm")
    assert result.exit_code == 2
    assert "error[U102]" in result.stderr and "`panjin.test.yaml`" in result.stderr


def test_test_accepts_the_measure_and_the_schema():
    result = run("test", ROOT / "policies" / "branches" / "panjin.test.yaml",
                 "--measure", ROOT / "policies" / "measure" / "2026.xm",
                 "--schema", ROOT / "schemas" / "head-office-2026.schema.json")
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output
