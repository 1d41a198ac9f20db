"""The records the money depends on (art. 21, 23, 24): commitment → seal → sample → verdicts → objection →
year end → approval → payout, signed by each office, and every way of steering or forging them refused."""

from __future__ import annotations

import csv
import json
import sqlite3
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossmarket_dsl.engine.session import open_session
from crossmarket_dsl.office import records as records_module
from crossmarket_dsl.office.sample import Population, draw, ledger_hash, population

from .offices import COMMITTEE, CONTROL, HEAD, RETAIL, offices, refused
from .panjin_copy import PANJIN, ROOT, RULES, copy_panjin, lines_of, run

MARCH = "2026-03"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def fill_sheet(path, verdicts: dict[int, tuple[str, str]]) -> list[list[str]]:
    """Write verdicts into rows (1 = first deal) of an audit sheet; the rows as written."""
    header, *rows = list(csv.reader(lines_of(path)))
    for index, (verdict, note) in verdicts.items():
        rows[index - 1][6:8] = [verdict, note]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return rows


def verify(o):
    return run("register", "verify", "--register", o.register, "--trust", o.trust)


def test_a_whole_year_end_from_commitment_to_payout(tmp_path):
    o = offices(tmp_path / "offices")
    workspace, out = copy_panjin(tmp_path), tmp_path / "out"
    ok(o.commit(workspace, MARCH))
    sealed = ok(o.seal(workspace, MARCH, "--out", out))
    assert "sealed 2026-03 as record 2" in sealed.stderr
    digest = sealed.stderr.split("statement SHA-256 ")[1][:16]
    page = (out / f"公示-{MARCH}.html").read_text(encoding="utf-8")
    assert "封存 Sealed" in page and "记录 2" in page and digest in page  # the printed statement names its seal
    drawn = ok(o.draw(workspace, MARCH, "--out", out))
    rows = fill_sheet(out / f"audit-{MARCH}.csv", {1: ("confirmed", "回访属实"), 2: ("rejected", "客户否认办理")})
    entered = ok(o.act(CONTROL, "audit", "verdicts", workspace, "--month", MARCH, "--sheet", out / f"audit-{MARCH}.csv"))
    assert "recorded 2 verdicts" in entered.stdout and "1 of 2 checked deals rejected" in entered.stdout
    # a month's evaluation now differs from the sealed statement: a restatement, in text and JSON
    month = json.loads(ok(run("evaluate", workspace, "--month", MARCH, "--format", "json", "--register", o.register)).stdout)
    [restated] = month["restatements"]
    assert restated["month"] == MARCH and restated["sealed_record"] == 2
    assert [deal["deal_id"] for deal in restated["deals"]] == [rows[1][0]] and restated["deals"][0]["now"] is None
    assert all(Decimal(row["change"]) < 0 for row in restated["departments"])
    # …and in April's statement
    april = ok(run("statement", workspace, "--month", "2026-04", "--register", o.register)).stdout
    assert "更正 Restatement of 2026-03" in april and f"交易 {rows[1][0]}: 剔除 removed" in april
    # an objection during the window, resolved with a reason
    ok(o.act(RETAIL, "objection", "file", "--month", MARCH, "--text", "代发工资户数少计"))
    listed = json.loads(ok(run("objection", "list", "--format", "json", "--register", o.register)).stdout)
    [objection] = listed["objections"]
    assert objection["department"] == RETAIL and objection["status"] == "open"
    ok(o.act(COMMITTEE, "objection", "resolve", str(objection["id"]), "--decision", "dismissed",
             "--reason", "户数与代发系统一致"))
    listed = json.loads(ok(run("objection", "list", "--format", "json", "--register", o.register)).stdout)
    assert listed["objections"][0]["resolution"]["reason"] == "户数与代发系统一致"
    # year end: approval, then the payout sheet names it
    year = json.loads(ok(run("evaluate", workspace, "--format", "json", "--register", o.register)).stdout)
    assert rows[1][0] in {r["deal_id"] for r in year["rejected"] if r["code"] == "R010"}
    assert year["approval"]["approved"] is False
    explained = ok(run("explain", workspace, "--deal", rows[1][0], "--register", o.register)).stdout
    assert "R010 rejected by audit" in explained and "客户否认办理" in explained
    ok(o.act(COMMITTEE, "approve", workspace, "--result-sha256", year["approval"]["result_sha256"]))
    ok(run("evaluate", workspace, "--register", o.register, "--out", out / "2026"))
    sheet = openpyxl.load_workbook(out / "2026" / "兑现表-2026.xlsx").active
    texts = [cell.value for cell in sheet["A"] if isinstance(cell.value, str)]
    assert any("经公私联动交叉营销委员会批准" in text for text in texts)
    assert "PJ2026" not in "".join(texts) and drawn.stdout
    assert ok(verify(o)).stdout.startswith("ok:")


def test_a_result_that_changed_after_approval_is_not_called_approved(tmp_path):
    o = offices(tmp_path / "offices")
    workspace = copy_panjin(tmp_path)
    ok(o.act(COMMITTEE, "approve", workspace))
    with open(workspace / "audit.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["PJ2026-00089", "rejected", "2026-04-10", "回访客户否认办理"])
    year = json.loads(ok(run("evaluate", workspace, "--format", "json", "--register", o.register)).stdout)
    assert year["approval"]["approved"] is False and year["approval"]["record"] == 1
    text = ok(run("evaluate", workspace, "--register", o.register, "--out", tmp_path / "out")).stdout
    assert "不得兑现" in text
    sheet = openpyxl.load_workbook(tmp_path / "out" / "兑现表-2026.xlsx").active
    assert any("不一致" in cell.value for cell in sheet["A"] if isinstance(cell.value, str))
    stale = o.act(COMMITTEE, "approve", workspace, "--result-sha256", "0" * 64)
    assert "no longer the one reviewed" in refused(stale, "A160")


def test_bad_input_is_refused_and_nothing_is_overwritten(tmp_path, monkeypatch):
    o = offices(tmp_path / "offices")
    workspace = copy_panjin(tmp_path)
    assert "not committed" in refused(o.seal(workspace, MARCH), "A122")
    ok(o.commit(workspace, MARCH))
    secret = o.secret(MARCH).read_text(encoding="utf-8")
    assert "never overwritten" in refused(o.commit(workspace, MARCH), "A124")
    assert o.secret(MARCH).read_text(encoding="utf-8") == secret
    o.secret(MARCH).rename(tmp_path / "kept.txt")
    assert "already committed" in refused(o.commit(workspace, MARCH), "A120")
    assert not o.secret(MARCH).exists()  # the refused commitment leaves no secret behind
    (tmp_path / "kept.txt").rename(o.secret(MARCH))
    assert "is made by 公私联动交叉营销委员会" in refused(o.act(CONTROL, "statement", workspace, "--month", MARCH, "--seal"), "K110")
    assert "not sealed" in refused(o.draw(workspace, MARCH), "A131")
    ok(o.seal(workspace, MARCH))
    assert "already sealed" in refused(o.seal(workspace, MARCH), "A130")
    ok(o.commit(workspace, "2026-04"))
    o.secret("2026-04").rename(tmp_path / "april.txt")
    assert "after the seal" in refused(o.act(CONTROL, "audit", "commit", workspace, "--month", MARCH, "--secret",
                                             tmp_path / "new.txt"), "A121")
    wrong = o.act(CONTROL, "sample", workspace, "--month", MARCH, "--secret", tmp_path / "april.txt")
    assert "not the one internal control committed to" in refused(wrong, "A123")
    out = tmp_path / "out"
    ok(o.draw(workspace, MARCH, "--out", out))
    assert "drawn again from record" in ok(o.draw(workspace, MARCH)).stderr  # the secret again draws nothing new
    # an audit sheet of another sample, and a deal the sample does not hold
    sheet = out / f"audit-{MARCH}.csv"
    rows = fill_sheet(sheet, {1: ("rejected", "")})
    other = tmp_path / "other.csv"
    other.write_text(sheet.read_text(encoding="utf-8-sig").replace(rows[0][8], "0123456789abcdef"), encoding="utf-8")
    enter = ("audit", "verdicts", workspace, "--month", MARCH, "--sheet")
    assert "answers sample `0123456789abcdef`" in refused(o.act(CONTROL, *enter, other), "A140")
    other.write_text(sheet.read_text(encoding="utf-8-sig").replace(rows[0][0], "PJ2026-00001"), encoding="utf-8")
    assert "not in the sample" in refused(o.act(CONTROL, *enter, other), "A141")
    # an objection after the window
    later = datetime.now(timezone.utc) + timedelta(days=30)
    monkeypatch.setattr(records_module, "now", lambda: later)
    monkeypatch.setattr("crossmarket_dsl.office.seal.now", lambda: later)
    late = o.act(RETAIL, "objection", "file", "--month", MARCH, "--text", "晚了")
    assert "publication window" in refused(late, "A150")
    assert ok(verify(o))


def test_verdicts_are_never_redrawn_or_erased_and_a_change_is_a_new_record(tmp_path):
    o = offices(tmp_path / "offices")
    out = tmp_path / "out"
    first = o.sealed(PANJIN, MARCH, "--out", out).stdout
    sheet = out / f"audit-{MARCH}.csv"
    enter = ("audit", "verdicts", PANJIN, "--month", MARCH, "--sheet", sheet, "--format", "json")
    fill_sheet(sheet, {1: ("rejected", "存疑")})
    assert len(json.loads(ok(o.act(CONTROL, *enter)).stdout)["stored"]) == 1
    assert json.loads(ok(o.act(CONTROL, *enter)).stdout)["stored"] == []
    fill_sheet(sheet, {1: ("confirmed", "复核属实")})
    [changed] = json.loads(ok(o.act(CONTROL, *enter)).stdout)["stored"]
    with sqlite3.connect(o.register) as connection:
        verdicts = [json.loads(body) for (body,) in connection.execute("SELECT body FROM records WHERE kind = 'verdict'")]
    assert [v["verdict"] for v in verdicts] == ["rejected", "confirmed"] and verdicts[1]["replaces"] == changed - 1
    again = ok(run("sample", PANJIN, "--month", MARCH, "--register", o.register)).stdout
    assert again == first


@pytest.mark.parametrize("kind", ["commitment", "seal", "sample", "verdict", "objection", "resolution", "approval",
                                  "filing"])
def test_a_record_of_any_kind_rewritten_consistently_is_caught(tmp_path, kind):
    o = _every_kind(tmp_path)
    with sqlite3.connect(o.register) as connection:
        record = records_module.Record(**dict(zip(
            [c[1] for c in connection.execute("PRAGMA table_info(records)")],
            connection.execute("SELECT * FROM records WHERE kind = ? LIMIT 1", (kind,)).fetchone())))
        facts = {**record.facts, "forged": "改"}
        _rewrite_from(connection, record.id, {record.id: records_module.canonical(facts)})
    result = verify(o)
    assert result.exit_code == 1 and f"record {record.id} (" in result.stderr and "signature does not hold" in result.stderr


def test_a_register_truncated_edited_by_hand_or_signed_by_an_unknown_key_is_caught(tmp_path):
    o = _every_kind(tmp_path)
    with sqlite3.connect(o.register) as connection:
        connection.execute("UPDATE records SET body = replace(body, '户数', '人数') WHERE kind = 'resolution'")
    assert "its text does not match its hash" in verify(o).stderr
    o = _every_kind(tmp_path / "2")
    with sqlite3.connect(o.register) as connection:
        connection.execute("DELETE FROM records WHERE id = (SELECT max(id) FROM records)")
    assert "missing" in verify(o).stderr
    o = _every_kind(tmp_path / "3")
    stranger = offices(tmp_path / "stranger")
    ok(stranger.commit(PANJIN, "2026-05"))
    with sqlite3.connect(stranger.register) as source, sqlite3.connect(o.register) as target:
        row = source.execute("SELECT * FROM records WHERE kind = 'commitment'").fetchone()
        _append_forged(target, row)
    result = verify(o)
    assert result.exit_code == 1 and "a key the trust file does not list" in result.stderr
    assert "trust file" in refused(run("register", "verify", "--register", o.register), "K104")


def test_offices_writing_at_once_all_get_in_and_the_chain_holds(tmp_path):
    """Separate processes, as offices on different machines sharing the register would be."""
    o = offices(tmp_path / "offices")
    workspace = copy_panjin(tmp_path)
    months = ["2026-02", "2026-03", "2026-04", "2026-05"]
    assert all(code == 0 for code in _at_once([["audit", "commit", workspace, "--month", m, "--secret", o.secret(m),
                                                *_signed(o, CONTROL)] for m in months]))
    assert all(code == 0 for code in _at_once([["statement", workspace, "--month", m, "--seal",
                                                *_signed(o, COMMITTEE)] for m in months]))
    same_month = _at_once([["audit", "commit", workspace, "--month", "2026-06", "--secret", tmp_path / f"s{n}.txt",
                            *_signed(o, CONTROL)] for n in range(3)])
    assert sorted(same_month) == [0, 1, 1]  # one secret a month, however many try at once
    assert ok(verify(o)).stdout.count("ok:") == 2 and "9 signed records" in verify(o).stdout


def _signed(o, office: str) -> list:
    return ["--key", o.key(office), "--by", f"{office}经办人", "--register", o.register]


def _at_once(commands: list[list]) -> list[int]:
    """Start every command before waiting for any; their exit statuses."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = [subprocess.Popen([sys.executable, "-m", "crossmarket_dsl", *map(str, command)], env=environment,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for command in commands]
    return [process.wait(timeout=300) for process in started]


def test_a_register_file_cut_short_is_refused_with_a_code(tmp_path):
    o = _every_kind(tmp_path)
    data = o.register.read_bytes()
    o.register.write_bytes(data[:len(data) // 3])
    result = verify(o)
    assert result.exit_code in (1, 2) and re.search(r"error\[[FK]\d{3}\]", result.output), result.output
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def march():
    return population(open_session(PANJIN), MARCH)


@settings(max_examples=20, deadline=None)
@given(order=st.randoms(use_true_random=False), secret=st.binary(min_size=32, max_size=32),
       other=st.binary(min_size=32, max_size=32), by_points=st.booleans())
def test_the_draw_ignores_row_order_and_changes_with_the_secret(march, order, secret, other, by_points):
    method = "points" if by_points else "uniform"
    shuffled = list(march.deals)
    order.shuffle(shuffled)
    assert ledger_hash(shuffled) == march.ledger_hash
    first = draw(march, Decimal("0.1"), secret, method)
    again = draw(Population(MARCH, shuffled, ledger_hash(shuffled)), Decimal("0.1"), secret, method)
    assert [d.deal_id for d in again.deals] == [d.deal_id for d in first.deals]
    if other != secret:
        another = draw(march, Decimal("0.1"), other, method)
        assert another.fingerprint != first.fingerprint
        assert _ranking(march, other) != _ranking(march, secret)


def _ranking(people, secret) -> list[str]:
    from crossmarket_dsl.office.sample import sample_key
    return sorted((d.deal_id for d in people.deals), key=lambda i: sample_key(secret, people.ledger_hash, i))


def _every_kind(folder):
    """A register with one record of every kind."""
    o = offices(folder / "offices")
    out = folder / "out"
    ok(o.act(HEAD, "register", "file", RULES).__class__ and run("register", "file", RULES, "--by", "省分行经办人",
                                                                  "--key", o.key(HEAD), "--register", o.register))
    o.sealed(PANJIN, MARCH, "--out", out)
    fill_sheet(out / f"audit-{MARCH}.csv", {1: ("confirmed", "")})
    ok(o.act(CONTROL, "audit", "verdicts", PANJIN, "--month", MARCH, "--sheet", out / f"audit-{MARCH}.csv"))
    ok(o.act(RETAIL, "objection", "file", "--month", MARCH, "--text", "户数少计"))
    ok(o.act(COMMITTEE, "objection", "resolve", "6", "--decision", "dismissed", "--reason", "户数一致"))
    ok(o.act(COMMITTEE, "approve", PANJIN))
    assert ok(verify(o)).stdout.startswith("ok:")
    listed = json.loads(ok(run("register", "records", "--format", "json", "--register", o.register)).stdout)
    assert [r["kind"] for r in listed["records"]] == ["filing", "commitment", "seal", "sample", "verdict", "objection",
                                                       "resolution", "approval"]
    return o


def _rewrite_from(connection, first_id: int, bodies: dict[int, str]) -> None:
    """Rewrite records from `first_id` on, recomputing every hash and the head, as a forger without keys can."""
    columns = [c[1] for c in connection.execute("PRAGMA table_info(records)")]
    rows = [records_module.Record(**dict(zip(columns, row)))
            for row in connection.execute("SELECT * FROM records WHERE id >= ? ORDER BY id", (first_id,))]
    previous = connection.execute("SELECT hash FROM records WHERE id = ?", (first_id - 1,)).fetchone()
    prev_hash = previous[0] if previous else records_module.GENESIS
    for record in rows:
        record = records_module.Record(**{**record.__dict__, "body": bodies.get(record.id, record.body),
                                          "prev_hash": prev_hash})
        digest = records_module.record_hash(record)
        connection.execute("UPDATE records SET body = ?, prev_hash = ?, hash = ? WHERE id = ?",
                           (record.body, prev_hash, digest, record.id))
        prev_hash = digest
    connection.execute("UPDATE meta SET value = ? WHERE key = 'records_head_hash'", (prev_hash,))


def _append_forged(connection, row) -> None:
    """Append a stranger's record, chained and hashed properly, as if it belonged."""
    columns = [c[1] for c in connection.execute("PRAGMA table_info(records)")]
    head_id, head_hash = (int(connection.execute("SELECT value FROM meta WHERE key='records_head_id'").fetchone()[0]),
                          connection.execute("SELECT value FROM meta WHERE key='records_head_hash'").fetchone()[0])
    record = records_module.Record(**{**dict(zip(columns, row)), "id": head_id + 1, "prev_hash": head_hash})
    digest = records_module.record_hash(record)
    record = records_module.Record(**{**record.__dict__, "hash": digest})
    fields = record.__dict__
    connection.execute(f"INSERT INTO records ({', '.join(fields)}) VALUES ({', '.join('?' for _ in fields)})",
                       tuple(fields.values()))
    connection.executemany("UPDATE meta SET value = ? WHERE key = ?",
                           [(str(record.id), "records_head_id"), (digest, "records_head_hash")])


def test_a_draw_by_points_checks_large_deals_more_often(march):
    """Over 300 fixed secrets, each deal's share of the draws: by points, the deals of most points are drawn
    more often than those of least; drawn uniformly, the two groups come out alike."""
    ranked = sorted(march.deals, key=lambda deal: deal.points)
    small, large = {d.deal_id for d in ranked[:10]}, {d.deal_id for d in ranked[-10:]}

    def drawn(method: str, group: set[str]) -> int:
        return sum(len(group & {d.deal_id for d in draw(march, Decimal("0.1"), n.to_bytes(32, "big"), method).deals})
                   for n in range(300))

    assert drawn("points", large) > 3 * drawn("points", small)
    assert abs(drawn("uniform", large) - drawn("uniform", small)) < 0.5 * drawn("uniform", large)
