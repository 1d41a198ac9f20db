"""The filing register (art. 24): filing, re-filing, rejection, listing, show, diff, tamper detection,
concurrent filers, and files that are not registers."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from crossmarket_dsl.cli import cli
from crossmarket_dsl.language.pipeline import load
from crossmarket_dsl.office.register import GENESIS, RegisterError, chain_hash, draft_filing, open_register

ROOT = Path(__file__).resolve().parent.parent
MEASURE = ROOT / "policies" / "measure" / "2026.xm"
SCHEMA = ROOT / "schemas" / "head-office-2026.schema.json"
PANJIN = (ROOT / "policies" / "branches" / "panjin.xm").read_text(encoding="utf-8")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder with a copy of Panjin's rules, which is also the current folder (the default register's home)."""
    (tmp_path / "panjin.xm").write_text(PANJIN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


def file(path, by="张三", register="register.sqlite"):
    return run("register", "file", path, "--by", by, "--measure", MEASURE, "--schema", SCHEMA, "--register", register)


def listed(*options: str) -> list[dict]:
    result = run("register", "list", "--format", "json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["filings"]


def variant(folder: Path, name: str, old: str, new: str) -> Path:
    assert old in PANJIN
    path = folder / name
    path.write_text(PANJIN.replace(old, new), encoding="utf-8")
    return path


def test_filing_records_the_filing_and_its_compiled_ir(workdir):
    result = file("panjin.xm")
    assert result.exit_code == 0, result.output
    assert "filed `panjin.xm` as record 1: accepted" in result.output
    [record] = listed()
    assert record["branch"] == "盘锦分行"
    assert record["rules_name"] == "盘锦分行公私联动交叉营销实施细则"
    assert (record["measure_name"], record["measure_version"]) == ("商业银行公私联动交叉营销管理办法", "2026")
    assert record["schema_name"] == "head-office-2026"
    assert (record["filed_by"], record["status"], record["errors"]) == ("张三", "accepted", 0)
    assert record["filed_at"].endswith("Z") and record["prev_hash"] == GENESIS
    source = run("register", "show", "1", "--source")
    assert source.output == PANJIN
    ir = json.loads(run("register", "show", "1", "--ir").output)
    assert ir["header"]["branch"] == "盘锦分行" and ir["source_map"]["/products/0"] == "panjin.xm:34:1"


def test_refiling_the_same_text_stores_nothing(workdir):
    file("panjin.xm")
    again = file("panjin.xm", by="李四")
    assert again.exit_code == 0
    assert "already filed as record 1" in again.output and "nothing stored" in again.output
    assert len(listed()) == 1


def test_refiling_after_a_change_is_a_new_record(workdir):
    file("panjin.xm")
    changed = variant(workdir, "panjin-v2.xm", "target 120", "target 130")
    assert file(changed).exit_code == 0
    assert [r["id"] for r in listed()] == [1, 2]


def test_rules_that_break_the_schema_are_filed_as_rejected(workdir):
    below = variant(workdir, "below.xm", "let 优质评级", "set mortgage_exclusive = 80%\nlet 优质评级")
    result = file(below)
    assert result.exit_code == 1
    assert "error[E401]" in result.output and "filed `below.xm` as record 1: rejected (1 error" in result.output
    [record] = listed("--status", "rejected")
    assert record["branch"] == "盘锦分行" and record["errors"] == 1
    shown = run("register", "show", "1")
    assert "status    rejected" in shown.output and "set mortgage_exclusive = 80%" in shown.output


def test_a_file_that_does_not_parse_is_still_recorded(workdir):
    (workdir / "broken.xm").write_text('rules "盘锦" {\n  branch "盘锦分行"\n', encoding="utf-8")
    result = file("broken.xm")
    assert result.exit_code == 1
    assert "error[E1" in result.output and "as record 1: rejected" in result.output
    [record] = listed()
    assert (record["status"], record["file"], record["branch"]) == ("rejected", "broken.xm", None)
    ir = run("register", "show", "1", "--ir")
    assert ir.exit_code == 1 and "record 1 has no IR" in ir.output
    document = json.loads(run("register", "show", "1", "--format", "json").output)
    assert document["diagnostics"][0]["code"].startswith("E1")


def test_an_unreadable_rules_file_is_a_usage_error_and_nothing_is_filed(workdir):
    result = file("missing.xm")
    assert result.exit_code == 2 and "missing.xm: no such file" in result.output
    assert not (workdir / "register.sqlite").exists()


def test_the_measure_itself_is_not_filed(workdir):
    result = file(MEASURE)
    assert result.exit_code == 1 and "not a branch's rules" in result.output


def test_list_filters_by_branch_and_status(workdir):
    file("panjin.xm")
    variant(workdir, "rejected.xm", "let 优质评级", "set completion_floor = 40%\nlet 优质评级")
    file("rejected.xm")
    variant(workdir, "other.xm", 'branch "盘锦分行"', 'branch "鞍山分行"')
    file("other.xm", by="王五")
    assert [r["id"] for r in listed()] == [1, 2, 3]
    assert [r["id"] for r in listed("--branch", "盘锦分行")] == [1, 2]
    assert [r["id"] for r in listed("--status", "accepted")] == [1, 3]
    assert [r["id"] for r in listed("--branch", "盘锦分行", "--status", "rejected")] == [2]
    text = run("register", "list").output
    assert "鞍山分行" in text and "by 王五" in text and "1 error" in text
    assert run("register", "list", "--branch", "大连分行").output.strip() == "no filings match"


def test_show_names_who_filed_what_and_when(workdir):
    file("panjin.xm")
    text = run("register", "show", "1").output
    for expected in ("record 1", "盘锦分行", "filed", "by 张三", "status    accepted", "head-office-2026"):
        assert expected in text
    missing = run("register", "show", "7")
    assert missing.exit_code == 1 and "there is no record 7" in missing.output


def test_register_diff_compares_filed_versions(workdir):
    file("panjin.xm")
    file(variant(workdir, "v2.xm", "product 个人住房贷款 {\n  points 10 per unit", "product 个人住房贷款 {\n  points 12 per unit"))
    result = run("register", "diff", "1", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert (document["old"]["record"], document["new"]["record"]) == (1, 2)
    [change] = document["changes"]
    assert (change["section"], change["name"], change["field"]) == ("products", "个人住房贷款", "points")
    assert (change["old"], change["new"]) == ("10 per unit", "12 per unit")
    assert change["old_at"] == {"file": "panjin.xm", "line": 35} and change["new_at"] == {"file": "v2.xm", "line": 35}
    assert "~ 个人住房贷款 points: 10 per unit → 12 per unit" in run("register", "diff", "1", "2").output


def test_verify_accepts_an_intact_register(workdir):
    file("panjin.xm")
    file(variant(workdir, "v2.xm", "target 120", "target 130"))
    result = run("register", "verify")
    assert result.exit_code == 0 and "is intact: 2 records" in result.output


def _tamper(sql: str, *parameters) -> None:
    with sqlite3.connect("register.sqlite") as connection:
        connection.execute(sql, parameters)


def _three_filings(workdir) -> None:
    file("panjin.xm")
    for n in (2, 3):
        file(variant(workdir, f"v{n}.xm", "target 120", f"target 12{n}"))


def test_verify_names_a_record_whose_source_was_edited(workdir):
    _three_filings(workdir)
    source = (workdir / "v2.xm").read_text(encoding="utf-8")
    _tamper("UPDATE filings SET source = ? WHERE id = 2", source.replace("target 122", "target 022"))
    result = run("register", "verify")
    assert result.exit_code == 1
    assert "record 2 was changed: its hash does not match its content" in result.output
    assert "record 1" not in result.output and "record 3" not in result.output


def test_verify_names_a_record_that_was_changed_and_rehashed(workdir):
    _three_filings(workdir)
    with open_register(Path("register.sqlite")) as register:
        record = register.get(2)
    forged = replace(record, filed_by="某人")
    _tamper("UPDATE filings SET filed_by = ?, hash = ? WHERE id = 2", "某人", chain_hash(forged))
    result = run("register", "verify")
    assert result.exit_code == 1
    assert "record 2 was changed: record 3 points to a different version of it" in result.output


def test_verify_names_a_deleted_record(workdir):
    _three_filings(workdir)
    _tamper("DELETE FROM filings WHERE id = 2")
    result = run("register", "verify")
    assert result.exit_code == 1
    assert "record 2 is missing: record 3 points to a predecessor that is not there" in result.output


def test_verify_notices_the_last_record_removed(workdir):
    _three_filings(workdir)
    _tamper("DELETE FROM filings WHERE id = 3")
    result = run("register", "verify")
    assert result.exit_code == 1 and "record 3 is missing" in result.output


def test_verify_names_a_record_inserted_outside_the_tool(workdir):
    _three_filings(workdir)
    _tamper("INSERT INTO filings SELECT 4, branch, rules_name, measure_name, measure_version, schema_name, file, "
            "filed_at, filed_by, status, sha256, source, ir, diagnostics, measure_sha256, schema_sha256, hash, hash "
            "FROM filings WHERE id = 3")
    result = run("register", "verify")
    assert result.exit_code == 1 and "record 4 was added outside crossmarket" in result.output


class _StopsBeforeTheHeadMoves:
    """A connection that dies between inserting the record and moving the head, like a killed process."""

    def __init__(self, connection):
        self.connection = connection

    def execute(self, *args):
        return self.connection.execute(*args)

    def executemany(self, *args):
        raise KeyboardInterrupt


def test_a_filing_interrupted_half_way_leaves_the_register_as_it_was(workdir):
    file("panjin.xm")
    draft = draft_filing(load(variant(workdir, "v2.xm", "target 120", "target 130"), MEASURE, SCHEMA), "张三", None)
    with open_register(Path("register.sqlite")) as register:
        register.connection = _StopsBeforeTheHeadMoves(register.connection)
        with pytest.raises(KeyboardInterrupt):
            register.file(draft)
        register.connection = register.connection.connection
    assert [r["id"] for r in listed()] == [1]
    assert run("register", "verify").exit_code == 0
    assert "as record 2" in file("v2.xm").output


CONCURRENT_FILER = """
import sys
from crossmarket_dsl.cli import cli
from crossmarket_dsl.cli.common import guard
register, measure, schema, *files = sys.argv[1:]
for path in files:
    code = guard(cli, ["register", "file", path, "--by", "filer", "--measure", measure, "--schema", schema,
                       "--register", register])
    assert code == 0, (path, code)
"""


def test_concurrent_filers_neither_lose_nor_duplicate_records(workdir):
    """4 processes each file 3 files of their own and one they all share: 13 records, one chain."""
    shared = variant(workdir, "shared.xm", "target 120", "target 100")
    processes = []
    for p in range(4):
        own = [variant(workdir, f"p{p}-{n}.xm", "target 120", f"target {200 + 10 * p + n}") for n in range(3)]
        processes.append(subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_FILER, "register.sqlite", MEASURE, SCHEMA, *own[:2], shared, own[2]],
            cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for process in processes:
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output
    records = listed()
    assert [r["id"] for r in records] == list(range(1, 14))
    assert sorted(r["file"] for r in records) == sorted(["shared.xm"] + [f"p{p}-{n}.xm" for p in range(4)
                                                                         for n in range(3)])
    assert run("register", "verify").exit_code == 0


def test_the_default_register_is_in_the_current_folder_and_other_paths_are_named(workdir):
    file("panjin.xm")
    assert (workdir / "register.sqlite").is_file()
    elsewhere = workdir / "head-office" / "filings.sqlite"
    elsewhere.parent.mkdir()
    assert file("panjin.xm", register=elsewhere).exit_code == 0
    assert "record 1" in run("register", "show", "1", "--register", elsewhere).output


def test_commands_on_a_register_that_does_not_exist(workdir):
    result = run("register", "list")
    assert result.exit_code == 2
    assert "there is no register at `register.sqlite`" in result.output and "help:" in result.output


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.write_text("branch,rules\n盘锦分行,panjin.xm\n", encoding="utf-8"), "it is not an SQLite database"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE deals (id TEXT)").connection.commit(),
     "an SQLite database of something else"),
    (lambda p: p.mkdir(), "is a folder, not a register"),
])
def test_a_file_that_is_not_a_register(workdir, make, expected):
    path = workdir / "not-a-register.sqlite"
    make(path)
    for args in (["list"], ["verify"], ["show", "1"]):
        result = run("register", *args, "--register", path)
        assert result.exit_code == 2, result.output
        assert expected in result.output and "Traceback" not in result.output
    assert file("panjin.xm", register=path).exit_code == 2


def test_a_register_of_another_format_version(workdir):
    file("panjin.xm")
    _tamper("UPDATE meta SET value = '9' WHERE key = 'version'")
    result = run("register", "list")
    assert result.exit_code == 2 and "format version `9`" in result.output


def test_a_corrupt_register(workdir):
    file("panjin.xm")
    with sqlite3.connect("register.sqlite") as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray((workdir / "register.sqlite").read_bytes())
    data[:16] = b"garbage garbage!"
    (workdir / "register.sqlite").write_bytes(bytes(data))
    result = run("register", "verify")
    assert result.exit_code == 2 and "not an SQLite database" in result.output


def _open_new_register(path: str, start: float, outcomes) -> None:
    while time.time() < start:  # all at the same moment
        pass
    try:
        open_register(Path(path), create=True).connection.close()
        outcomes.put("ok")
    except RegisterError as error:
        outcomes.put(error.message)


def test_filers_opening_a_new_register_at_the_same_moment_all_get_in(workdir):
    """SQLite refuses a new register's switch to WAL at once when others open it at the same moment; every
    filer must wait its turn, not fail (before the fix, about one round in twenty had a filer fail)."""
    context = multiprocessing.get_context("fork")
    for round_number in range(20):
        outcomes = context.Queue()
        start = time.time() + 0.1
        filers = [context.Process(target=_open_new_register, args=(str(workdir / f"new-{round_number}.sqlite"),
                                                                   start, outcomes)) for _ in range(8)]
        for filer in filers:
            filer.start()
        for filer in filers:
            filer.join(timeout=120)
        assert [outcomes.get(timeout=5) for _ in filers] == ["ok"] * 8, f"round {round_number}"


def _rewrite_last(**fields) -> None:
    """Change the last record and make its hash and the register's head match, as a forger would."""
    with open_register(Path("register.sqlite")) as register:
        record = register.get(register.head()[0])
    forged = replace(record, **fields)
    forged = replace(forged, hash=chain_hash(forged))
    _tamper(f"UPDATE filings SET {', '.join(f'{name} = ?' for name in fields)}, hash = ? WHERE id = ?",
            *fields.values(), forged.hash, record.id)
    _tamper("UPDATE meta SET value = ? WHERE key = 'head_hash'", forged.hash)


@pytest.mark.parametrize("ir", ['{"source_map": {}}', '{"kind": "rules", "header": {}, "products": 5, "source_map": {}}',
                                '{"kind": "rules", "header": {"name": 5}, "products": [{"points": []}], "source_map": {}}'])
def test_a_rehashed_record_whose_ir_crossmarket_did_not_write(workdir, ir):
    file("panjin.xm")
    file(variant(workdir, "v2.xm", "target 120", "target 130"))
    _rewrite_last(ir=ir)
    assert run("register", "verify").exit_code == 0  # consistent hashes: only a signature could tell
    result = run("register", "diff", "1", "2")
    assert result.exit_code == 1
    assert "error[F120]: record 2 holds an IR crossmarket did not write" in result.output
    assert "help: restore the register from a backup" in result.output


def test_a_rehashed_record_whose_diagnostics_crossmarket_did_not_write(workdir):
    file("panjin.xm")
    _rewrite_last(diagnostics='{"summary": {"errors": 0, "warnings": 1}, "diagnostics": [{"code": 5}]}')
    damaged = "record 1 of `register.sqlite` is damaged: its `diagnostics` is not the JSON crossmarket wrote"
    shown = run("register", "show", "1")
    assert shown.exit_code == 1 and f"error[F114]: {damaged}" in shown.output
    verified = run("register", "verify")
    assert verified.exit_code == 1 and damaged in verified.output


def test_an_ir_filed_before_sections_were_added_is_still_compared(workdir):
    """Filings of earlier versions lack the IR sections added since: they are read, not called damaged."""
    file("panjin.xm")
    with open_register(Path("register.sqlite")) as register:
        ir = json.loads(register.get(1).ir)
    for section in ("awards", "articles"):
        ir.pop(section, None)
    _rewrite_last(ir=json.dumps(ir, ensure_ascii=False))
    result = run("register", "diff", "1", "1")
    assert result.exit_code == 0 and "no changes in the rules' terms" in result.output
