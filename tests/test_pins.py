"""Head office's measure and schema pinned in the register by SHA-256 (art. 24): filings record what they were
checked against, another text is refused, `verify` names a changed pin, registers of format 1 keep working."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from crossmarket_dsl.cli import cli

ROOT = Path(__file__).resolve().parent.parent
MEASURE = ROOT / "policies" / "measure" / "2026.xm"
SCHEMA = ROOT / "schemas" / "head-office-2026.schema.json"
IR_SCHEMA = ROOT / "schemas" / "ir.schema.json"
PANJIN = (ROOT / "policies" / "branches" / "panjin.xm").read_text(encoding="utf-8")
MEASURE_SHA = hashlib.sha256(MEASURE.read_bytes()).hexdigest()
SCHEMA_SHA = hashlib.sha256(SCHEMA.read_bytes()).hexdigest()


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    (tmp_path / "panjin.xm").write_text(PANJIN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


def file(path="panjin.xm", *options):
    return run("register", "file", path, "--by", "张三", *options)


def filings() -> list[dict]:
    result = run("register", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["filings"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def head_office_measure(folder: Path, extra: str = "# 省分行 2026-11 印发稿\n") -> Path:
    """Head office's own text of the 2026 measure: the same name and version, other bytes."""
    path = folder / "省分行" / "measure-2026.xm"
    path.parent.mkdir(exist_ok=True)
    path.write_text(extra + MEASURE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _sql(statement: str, *parameters) -> None:
    with sqlite3.connect("register.sqlite") as connection:
        connection.execute(statement, parameters)


def test_a_filing_records_the_hashes_of_the_measure_and_schema_it_was_checked_against(workdir):
    assert file().exit_code == 0
    [record] = filings()
    assert (record["measure_sha256"], record["schema_sha256"]) == (MEASURE_SHA, SCHEMA_SHA)
    shown = run("register", "show", "1").output
    assert f"sha256 {MEASURE_SHA}" in shown and f"head-office-2026, sha256 {SCHEMA_SHA}" in shown
    pinned = run("register", "init", "--by", "省分行个人金融部")
    assert pinned.exit_code == 0 and "already pinned `商业银行公私联动交叉营销管理办法` version `2026`" in pinned.output


def test_register_diff_says_what_each_filing_was_checked_against(workdir):
    file()
    (workdir / "v2.xm").write_text(PANJIN.replace("target 120", "target 130"), encoding="utf-8")
    file("v2.xm")
    text = run("register", "diff", "1", "2").output
    assert f"record 1, panjin.xm (checked against measure sha256 {MEASURE_SHA[:12]}, schema sha256 " \
           f"{SCHEMA_SHA[:12]})" in text
    document = json.loads(run("register", "diff", "1", "2", "--format", "json").output)
    assert document["new"]["measure_sha256"] == MEASURE_SHA and document["new"]["schema_sha256"] == SCHEMA_SHA


def test_a_measure_of_the_filers_own_is_refused_and_nothing_is_filed(workdir):
    own = workdir / "own.xm"
    own.write_text(MEASURE.read_text(encoding="utf-8").replace("param mortgage_exclusive = 85%",
                                                               "param mortgage_exclusive = 10%"), encoding="utf-8")
    assert own.read_text(encoding="utf-8") != MEASURE.read_text(encoding="utf-8")
    result = file("panjin.xm", "--measure", own)
    assert result.exit_code == 1
    assert "error[F116]: the rules were checked against the measure `" in result.output
    assert f"(sha256 {sha(own)[:16]}…)" in result.output and f"(sha256 {MEASURE_SHA[:16]}…)" in result.output
    assert "nothing filed" in result.output and "help: file without `--measure` and `--schema`" in result.output
    assert not Path("register.sqlite").exists()


def test_the_bound_less_schema_is_refused(workdir):
    file()
    result = file("panjin.xm", "--schema", IR_SCHEMA)
    assert result.exit_code == 1 and "error[F116]" in result.output and "the schema `" in result.output
    assert [r["id"] for r in filings()] == [1]


def test_the_pinned_texts_given_as_options_are_accepted(workdir):
    result = file("panjin.xm", "--measure", MEASURE, "--schema", SCHEMA)
    assert result.exit_code == 0, result.output


def test_a_copy_of_the_measure_beside_the_rules_does_not_count(workdir):
    """A branch's repository with its own `policies/measure/2026.xm`: the filing is checked against head
    office's pinned text, so the copy's lower bound does not let the rules through."""
    (workdir / "policies" / "measure").mkdir(parents=True)
    (workdir / "policies" / "branches").mkdir()
    (workdir / "policies" / "measure" / "2026.xm").write_text(
        MEASURE.read_text(encoding="utf-8").replace("param mortgage_exclusive = 85%", "param mortgage_exclusive = 10%"),
        encoding="utf-8")
    rules = workdir / "policies" / "branches" / "panjin.xm"
    rules.write_text(PANJIN.replace("let 优质评级", "set mortgage_exclusive = 10%\nlet 优质评级"), encoding="utf-8")
    result = file(rules)
    assert result.exit_code == 1 and "error[E401]" in result.output, result.output
    [record] = filings()
    assert record["status"] == "rejected" and record["measure_sha256"] == MEASURE_SHA


def test_head_office_pins_its_own_measure_and_filings_are_checked_against_it(workdir):
    own = head_office_measure(workdir)
    pinned = run("register", "init", "--measure", own, "--by", "省分行个人金融部")
    assert pinned.exit_code == 0, pinned.output
    assert f"pinned `商业银行公私联动交叉营销管理办法` version `2026`: measure `{own.resolve()}` sha256 {sha(own)}" \
        in pinned.output
    assert file().exit_code == 0  # the rules alone find the shipped text; the pinned one is used
    [record] = filings()
    assert (record["measure_sha256"], record["schema_sha256"]) == (sha(own), SCHEMA_SHA)
    assert run("register", "verify").exit_code == 0


def test_two_texts_of_the_same_measure_and_version_cannot_both_be_pinned(workdir):
    own = head_office_measure(workdir)
    run("register", "init", "--measure", own, "--by", "省分行个人金融部")
    result = run("register", "init", "--by", "省分行个人金融部")
    assert result.exit_code == 1
    assert "error[F117]: the register already accepts `商业银行公私联动交叉营销管理办法` version `2026`" in result.output
    assert "two measures of the same name and version" in result.output
    again = run("register", "init", "--measure", own, "--by", "某人")
    assert again.exit_code == 0 and "already pinned" in again.output


def test_the_pinned_file_changed_or_missing_refuses_the_filing(workdir):
    own = head_office_measure(workdir)
    run("register", "init", "--measure", own, "--by", "省分行个人金融部")
    own.write_text(own.read_text(encoding="utf-8") + "\n# 改过\n", encoding="utf-8")
    changed = file()
    assert changed.exit_code == 1 and "error[F116]" in changed.output
    own.unlink()
    missing = file()
    assert missing.exit_code == 1 and "error[F119]" in missing.output and str(own.resolve()) in missing.output
    assert not filings()


def test_a_measure_head_office_never_pinned_and_crossmarket_does_not_ship(workdir):
    other = workdir / "measure-2027.xm"
    other.write_text(MEASURE.read_text(encoding="utf-8").replace('version "2026"', 'version "2027"', 1)
                     .replace("2026-01-01 to 2026-12-31", "2027-01-01 to 2027-12-31"), encoding="utf-8")
    rules = workdir / "r2027.xm"
    rules.write_text(PANJIN.replace('version "2026"', 'version "2027"').replace("2026-", "2027-"), encoding="utf-8")
    refused = file(rules, "--measure", other)
    assert refused.exit_code == 1 and "error[F118]" in refused.output, refused.output
    assert run("register", "init", "--measure", other, "--by", "省分行个人金融部").exit_code == 0
    accepted = file(rules)  # found through the pin, without `--measure`
    assert accepted.exit_code == 0, accepted.output
    assert filings()[0]["measure_sha256"] == sha(other)


def test_a_measure_with_errors_is_not_pinned(workdir):
    broken = workdir / "broken.xm"
    broken.write_text(MEASURE.read_text(encoding="utf-8").replace("param mortgage_exclusive = 85%",
                                                                  "param mortgage_exclusive = 浮动"), encoding="utf-8")
    result = run("register", "init", "--measure", broken, "--by", "省分行个人金融部")
    assert result.exit_code == 1 and "error[F117]" in result.output


def test_verify_names_a_filing_whose_recorded_hash_was_edited(workdir):
    file()
    (workdir / "v2.xm").write_text(PANJIN.replace("target 120", "target 130"), encoding="utf-8")
    file("v2.xm")
    _sql("UPDATE filings SET measure_sha256 = ? WHERE id = 2", "0" * 64)
    result = run("register", "verify")
    assert result.exit_code == 1
    assert "record 2 was changed: its hash does not match its content" in result.output
    assert f"record 2 was checked against the measure sha256 {'0' * 64}, but the register pins {MEASURE_SHA}" \
        in result.output
    assert "record 1" not in result.output


def test_verify_names_the_filings_a_changed_pin_no_longer_matches(workdir):
    file()
    _sql("UPDATE pins SET schema_sha256 = ?", "f" * 64)
    result = run("register", "verify")
    assert result.exit_code == 1
    assert f"record 1 was checked against the schema sha256 {SCHEMA_SHA}, but the register pins {'f' * 64}" \
        in result.output


def test_verify_names_a_pin_changed_by_hand(workdir):
    file()
    _sql("UPDATE pins SET measure_file = ?", "/tmp/别的办法.xm")
    result = run("register", "verify")
    assert result.exit_code == 1
    assert "the pin of `商业银行公私联动交叉营销管理办法` version `2026` was changed: its hash does not match its content" \
        in result.output
    refused = file("panjin.xm")
    assert refused.exit_code == 1 and "error[F114]" in refused.output


def _v1_hash(row: dict) -> str:
    """The chain hash as format 1 computed it: every field but the hash, sorted compact JSON."""
    fields = {key: value for key, value in row.items() if key != "hash"}
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()


def _make_format_1(path: Path) -> None:
    """A register as crossmarket wrote it before pins: no hash columns, no pins table, version 1."""
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE filings DROP COLUMN measure_sha256")
        connection.execute("ALTER TABLE filings DROP COLUMN schema_sha256")
        connection.execute("DROP TABLE pins")
        connection.row_factory = sqlite3.Row
        row = dict(connection.execute("SELECT * FROM filings WHERE id = 1").fetchone())
        digest = _v1_hash(row)
        connection.execute("UPDATE filings SET hash = ? WHERE id = 1", (digest,))
        connection.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", (digest,))
        connection.execute("UPDATE meta SET value = '1' WHERE key = 'version'")


def test_a_register_of_format_1_is_read_as_it_is_and_brought_to_format_2_at_its_next_filing(workdir):
    file()
    _make_format_1(Path("register.sqlite"))
    assert run("register", "verify").exit_code == 0
    assert "sha256 not recorded" in run("register", "show", "1").output
    [old] = filings()
    assert old["measure_sha256"] is None
    (workdir / "v2.xm").write_text(PANJIN.replace("target 120", "target 130"), encoding="utf-8")
    assert file("v2.xm").exit_code == 0
    with sqlite3.connect("register.sqlite") as connection:
        assert connection.execute("SELECT value FROM meta WHERE key = 'version'").fetchone() == ("2",)
        assert connection.execute("SELECT measure_sha256 FROM pins").fetchone() == (MEASURE_SHA,)
    old, new = filings()
    assert old["measure_sha256"] is None and new["measure_sha256"] == MEASURE_SHA
    verified = run("register", "verify")
    assert verified.exit_code == 0 and "intact: 2 records" in verified.output
