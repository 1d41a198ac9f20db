"""A writable copy of `examples/panjin-2026` for tests that change tables or rules, and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from crossmarket_dsl.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PANJIN = ROOT / "examples" / "panjin-2026"
RULES = ROOT / "policies" / "branches" / "panjin.xm"
MEASURE = ROOT / "policies" / "measure" / "2026.xm"


def copy_panjin(tmp_path: Path, rules_text: str | None = None) -> Path:
    """The example workspace under `tmp_path` with a copy of its rules (or `rules_text`) beside the tables, as
    a workspace's files lie inside it; the measure is head office's, as shipped."""
    folder = tmp_path / "panjin-2026"
    shutil.copytree(PANJIN, folder)
    rules = folder / "rules.xm"
    rules.write_text(RULES.read_text(encoding="utf-8") if rules_text is None else rules_text, encoding="utf-8")
    text = (folder / "workspace.yaml").read_text(encoding="utf-8")
    (folder / "workspace.yaml").write_text(
        text.replace("rules: ../../policies/branches/panjin.xm", "rules: rules.xm"), encoding="utf-8")
    return folder


def run(*args) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()
