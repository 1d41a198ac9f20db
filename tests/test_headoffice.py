"""Head office's measure and schemas ship inside the package, and only head office's measure counts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crossmarket_dsl.language.pipeline import load
from crossmarket_dsl.language.resolve import PACKAGED_MEASURES, PACKAGED_SCHEMAS

from .panjin_copy import MEASURE, ROOT, RULES, run


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_the_packaged_files_are_the_repositorys():
    assert _files(PACKAGED_MEASURES) == _files(ROOT / "policies" / "measure")
    assert _files(PACKAGED_SCHEMAS) == _files(ROOT / "schemas")
    assert set(_files(PACKAGED_SCHEMAS)) >= {"ir.schema.json", "head-office-2026.schema.json"}


def test_rules_outside_any_repository_use_the_shipped_measure(tmp_path):
    rules = tmp_path / "panjin.xm"
    shutil.copy(RULES, rules)
    compiled = load(rules)
    assert compiled.ok, compiled.report.diagnostics
    assert compiled.measure_path.parent == PACKAGED_MEASURES
    assert compiled.schema_path == PACKAGED_SCHEMAS / "head-office-2026.schema.json"


@pytest.fixture
def repository(tmp_path):
    """A repository of one's own: policies/measure, policies/branches and schemas."""
    (tmp_path / "policies" / "branches").mkdir(parents=True)
    shutil.copytree(ROOT / "policies" / "measure", tmp_path / "policies" / "measure")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copy(RULES, tmp_path / "policies" / "branches" / "panjin.xm")
    return tmp_path


def _bound_less(measure: Path) -> str:
    """A copy of the measure that names the language's schema only, with no head office bounds."""
    return measure.read_text(encoding="utf-8").replace('schema "head-office-2026"', 'schema "ir"')


def test_a_measure_among_the_branches_is_refused_not_used(repository):
    (repository / "policies" / "branches" / "mine.xm").write_text(_bound_less(MEASURE), encoding="utf-8")
    rules = repository / "policies" / "branches" / "panjin.xm"
    rules.write_text(RULES.read_text(encoding="utf-8").replace("set mortgage_exclusive", "# "), encoding="utf-8")
    result = run("check", rules)
    assert result.exit_code == 1
    assert "error[E217]" in result.stdout and "mine.xm" in result.stdout and "declares itself" in result.stdout


def test_two_measures_of_one_version_are_an_error(repository):
    shutil.copy(MEASURE, repository / "policies" / "measure" / "copy.xm")
    result = run("check", repository / "policies" / "branches" / "panjin.xm")
    assert result.exit_code == 1 and "error[E217]" in result.stdout and "two measures" in result.stdout


def test_a_repositorys_own_measure_comes_before_the_shipped_one(repository):
    compiled = load(repository / "policies" / "branches" / "panjin.xm")
    assert compiled.ok and compiled.measure_path == repository / "policies" / "measure" / "2026.xm"
    assert compiled.schema_path == repository / "schemas" / "head-office-2026.schema.json"


def test_a_version_nobody_ships_is_named(tmp_path):
    rules = tmp_path / "r.xm"
    rules.write_text(RULES.read_text(encoding="utf-8").replace('version "2026"', 'version "2031"'), encoding="utf-8")
    result = run("check", rules)
    assert result.exit_code == 1 and "error[E208]" in result.stdout
    assert "`2031`" in result.stdout and "商业银行公私联动交叉营销管理办法 2026" in result.stdout


def test_an_installed_copy_works_from_any_folder(tmp_path):
    """`pip install .` (not editable) carries the measure and the schemas: check a branch's rules elsewhere."""
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                              "--target", str(target), str(ROOT)], capture_output=True, text=True, cwd=tmp_path)
    assert install.returncode == 0, install.stderr
    assert not (target / "crossmarket_dsl" / "headoffice" / "measure").is_symlink()
    work = tmp_path / "branch"
    work.mkdir()
    shutil.copy(RULES, work / "panjin.xm")
    environment = {**os.environ, "PYTHONPATH": str(target)}
    checked = subprocess.run([sys.executable, "-m", "crossmarket_dsl", "check", "panjin.xm"], capture_output=True,
                             text=True, cwd=work, env=environment)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no problems" in checked.stdout
    where = subprocess.run([sys.executable, "-c", "import crossmarket_dsl; print(crossmarket_dsl.__file__)"],
                           capture_output=True, text=True, cwd=work, env=environment)
    assert where.stdout.startswith(str(target))
