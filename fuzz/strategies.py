"""Hypothesis strategies for what users hand crossmarket: rules files (mutants of the samples, with generated
expressions in every slot), ledgers (any cells, encodings, quotes, types and orders), `workspace.yaml` and
policy tests, and tamperings of the filing register."""

from __future__ import annotations

import csv
import io
import json
import re

from hypothesis import strategies as st

from .harness import RULES

# ---- expressions and numbers ----

NUMBERS = st.one_of(
    st.sampled_from(["0", "1", "-5", "2.5", "85%", "0.01", "1 / 3", "1万", "1亿", "350万", "1_000", "0.0000000000000000000000001",
                     "999999999999999999999999999", "999999999999999999999999999999", "1亿 * 1亿 * 1亿 * 1亿", "null",
                     "100%", "150%", "1e5", "00012", "７"]),
    st.integers(-10**6, 10**32).map(str),
    st.decimals(min_value=-10**6, max_value=10**9, places=4, allow_nan=False).map(str),
)
NAMES = st.sampled_from(["deal.amount", "deal.quantity", "deal.activated", "client.rating", "client.credit_line",
                         "product.indicator", "target_ratio", "completion_floor", "优质评级", "deal.nonexistent",
                         "unknown_name", "project.total_mortgages", "outlet.name"])
LEAVES = st.one_of(NUMBERS, NAMES, st.sampled_from(['"AAA"', "true", "false", '""', '"是"', "2026-03-01", '["AA", "AAA"]']))


def _combine(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "==", "!=", "<", ">=", "and", "or", "in"]), children)
    return st.one_of(
        binary.map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        children.map(lambda c: f"({c})"),
        children.map(lambda c: f"not {c}"),
        st.tuples(children, children, children).map(lambda t: f"if {t[0]} then {t[1]} else {t[2]}"),
        st.tuples(st.sampled_from(["min", "max", "round", "abs", "sum", "count", "mn"]),
                  st.lists(children, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
    )


EXPRESSIONS = st.recursive(LEAVES, _combine, max_leaves=8)

# ---- rules files: mutants of the samples ----

_SLOT = re.compile(r"^(\s*(?:points|target|pool|rounding|spot_check|publish|require|when [^\n]*? require|"
                   r"(?:set|let) [^=\n]+=|otherwise scale|host|participants)\s+)(.+?)"
                   r"(\s+(?:per unit|per deal|half_up|half_even|down|days|cite \"[^\"]*\")?\s*)$", re.M)
_NUMBER = re.compile(r"(?<![\w.])\d[\d_]*(?:\.\d+)?(?:%|万|亿)?")
_TRICKY = ['"', "{", "}", "(", ")", "；", "\t", "\r", "\u3000", "=", "#", "\\", "\u202e", "\ufeff", "万", "\n\n"]


@st.composite
def rules_mutants(draw) -> str:
    """A sample rules file with one to three mutations: a slot's expression or a number replaced, a line
    deleted, doubled or swapped, a troublesome character typed somewhere."""
    text = RULES[draw(st.sampled_from(sorted(RULES)))]
    for _ in range(draw(st.integers(1, 2))):
        kind = draw(st.sampled_from(["slot", "slot", "slot", "number", "number", "delete", "double", "swap", "character"]))
        if kind == "slot":
            slots = list(_SLOT.finditer(text))
            if slots:
                slot = draw(st.sampled_from(slots))
                text = text[:slot.start(2)] + draw(EXPRESSIONS) + text[slot.end(2):]
        elif kind == "number":
            numbers = list(_NUMBER.finditer(text))
            if numbers:
                number = draw(st.sampled_from(numbers))
                text = text[:number.start()] + draw(NUMBERS) + text[number.end():]
        else:
            lines = text.split("\n")
            at = draw(st.integers(0, len(lines) - 1))
            if kind == "delete":
                del lines[at]
            elif kind == "double":
                lines.insert(at, lines[at])
            elif kind == "swap":
                other = draw(st.integers(0, len(lines) - 1))
                lines[at], lines[other] = lines[other], lines[at]
            else:
                column = draw(st.integers(0, len(lines[at])))
                lines[at] = lines[at][:column] + draw(st.sampled_from(_TRICKY)) + lines[at][column:]
            text = "\n".join(lines)
    return text


# ---- ledgers ----

COLUMNS = ["deal_id", "date", "product", "quantity", "amount", "client_id", "participants", "outlet", "project_id",
           "activated", "fee_income", "new_deposits", "staff"]
GOOD = {
    "date": st.sampled_from(["2026-03-01", "2026-12-31", "2026/3/1", "20260301", "2025-12-31", "2026-02-30", "", "2026年3月1日"]),
    "product": st.sampled_from(["信用卡", "个人理财", "个人住房贷款", "代发工资", "电子银行", "贵宾客户", "CARD", "基金定投", ""]),
    "quantity": st.sampled_from(["1", "2", "0", "-1", "1.5", "", "３", "1,000", "9" * 27, "9" * 41]),
    "amount": st.sampled_from(["", "80000", "2000000", "5万", "1.2亿", "3,000,000", "abc", "9" * 29, "-100"]),
    "client_id": st.sampled_from(["KH21110001", "KH21110006", "KH21120003", "KH21130001", "", "KH99999999"]),
    "participants": st.sampled_from(["公司业务部", "机构业务部、个人金融部", "电子银行部:60;信用卡中心:40", "", "个人金融部",
                                     "公司业物部"]),
    "outlet": st.sampled_from(["兴隆台支行", "双台子支行", "大洼支行", "", "别的支行"]),
    "project_id": st.sampled_from(["", "PJ-LHW-01", "PJ-JXH-02", "PJ-NONE"]),
    "activated": st.sampled_from(["是", "否", "", "true", "1", "0", "yes"]),
    "fee_income": st.sampled_from(["", "0.00", "100", "1万", "x"]),
    "new_deposits": st.sampled_from(["", "0", "57000.00", "1亿"]),
    "staff": st.sampled_from(["", "张三@公司业务部", "张三@公司业务部:60;李四@公司业务部:40；王五＠个人金融部", "张三",
                              "李四@公司业务部:9" + "9" * 40, "王五@个人金融部:-1", "@", "赵六@公司业物部、赵六@公司业物部"]),
}
JUNK = st.one_of(
    st.text(max_size=12),
    st.sampled_from(['"', '"王五', 'a"b', "=HYPERLINK(\"x\")", "\x1b[31mred", "\x00", "\r", "\n", " ", "１２３", "1e400",
                     "NaN", "Infinity", "true", "null", "[]", "{}", "是", "９" * 30]),
)
TYPED = st.one_of(st.booleans(), st.integers(-10, 10**30), st.none(), st.just(1), st.just(True),
                  st.lists(st.sampled_from(["电子银行部", "信用卡中心"]), max_size=2))


@st.composite
def ledgers(draw) -> dict:
    """Deal rows with unique ids and cells mostly plausible, some of anything, as CSV (UTF-8 with or without
    BOM, GB18030, UTF-16; quoted properly or joined raw) or JSON Lines (with typed cells). `ledger_bytes`
    writes them, in any order of the rows."""
    count = draw(st.integers(0, 25))
    form = draw(st.sampled_from(["csv", "csv", "raw", "jsonl"]))
    rows = []
    for index in range(count):
        row = {"deal_id": f"D{index:03d}" + draw(st.sampled_from(["", "", "-x", " ", "\u3000"]))}
        for column in COLUMNS[1:]:
            row[column] = draw(st.one_of(GOOD[column], GOOD[column], GOOD[column], JUNK))
            if form == "jsonl" and draw(st.integers(0, 5)) == 0:
                row[column] = draw(TYPED)
        rows.append(row)
    return {"name": "deals.jsonl" if form == "jsonl" else "deals.csv", "rows": rows, "form": form,
            "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])),
            "terminator": draw(st.sampled_from(["\n", "\r\n"]))}


def ledger_bytes(example: dict, rows: list[dict]) -> bytes:
    """The ledger's file: JSON Lines, CSV as a spreadsheet writes it, or CSV joined raw as a careless export."""
    if example["form"] == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")
    table = [COLUMNS, *([str(row[c]) for c in COLUMNS] for row in rows)]
    if example["form"] == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=example["terminator"]).writerows(table)
        text = buffer.getvalue()
    else:
        text = "".join(",".join(cells) + example["terminator"] for cells in table)
    return text.encode(example["encoding"], errors="replace")


# ---- workspace.yaml and policy tests ----

PATHS = st.sampled_from(["rules.xm", "../secret.xm", "{outside}/secret.xm", "link.xm", "missing.xm", "", "rules.xm\x00",
                         "../ws/rules.xm", "./rules.xm", "deals.csv", "/etc/passwd", "secret-copy.txt"])
TABLE_PATHS = st.sampled_from(["deals.csv", "../secret.csv", "{outside}/secret.csv", "link.csv", "clients.csv",
                               "deals.csv#Sheet1", "nope.csv", "", "workspace.yaml", "deals.xlsx"])
YAML_BITS = st.sampled_from(["period: {from: 2026-01-01, to: 2026-12-31}", "period: {from: 2026-12-31, to: 2026-01-01}",
                             "period: 2026", "encoding: gb18030", "encoding: nope", "measure: ../secret.xm",
                             "measure: link.xm", "schema: ../secret.xm", "schema: {outside}/secret.xm", "tabels: {}",
                             "period: {from: 2026-02-30, to: 2026-12-31}", "period: {from: 2026-03-01, to: 2026-03-31}"])
BROKEN_YAML = st.sampled_from(["anchor: &a [x, x, x]\nmore: [*a, *a]", "- item", "rules: [", "\t", "a: &b {k: v}\nc: *b",
                               "rules: *r"])


@st.composite
def workspace_files(draw) -> str:
    lines = []
    if draw(st.integers(0, 9)):
        lines.append(f"rules: {draw(PATHS)}")
    if draw(st.integers(0, 9)):
        lines.append("tables:")
        for role in draw(st.lists(st.sampled_from(["deals", "clients", "target_list", "projects", "indicators",
                                                   "audit", "bogus"]), max_size=5, unique=True)):
            lines.append(f"  {role}: {draw(TABLE_PATHS)}")
    lines += draw(st.lists(YAML_BITS, max_size=3))
    if draw(st.integers(0, 5)) == 0:  # now and then, YAML that does not parse or is refused
        lines.append(draw(BROKEN_YAML))
    return "\n".join(draw(st.permutations(lines))) + "\n"


TEST_VALUES = st.sampled_from(['"2026-03"', '"2026-13"', "2026-03", "[]", "{}", "*a", "&a x", "null", "5", "信用卡",
                               '"12.5"', "[{deal_id: D1}]", "[1, 2]", "{个人金融部: x}", '"2027-03"'])


@st.composite
def test_files(draw) -> str:
    """A policy test in the shape of the samples, with values of any kind in any key."""
    keys = ["name", "cite", "month", "deals", "clients", "target_list", "projects", "expect", "bogus"]
    lines = ["rules: rules.xm", "tests:"]
    for _ in range(draw(st.integers(0, 2))):
        lines.append("  - name: 测试")
        lines.append("    deals: [{deal_id: D1, date: 2026-03-01, product: 信用卡, quantity: 2, client_id: KH21110001,"
                     " participants: 个人金融部, outlet: 兴隆台支行, activated: 是}]")
        for key in draw(st.lists(st.sampled_from(keys), max_size=4, unique=True)):
            lines.append(f"    {key}: {draw(TEST_VALUES)}")
        if draw(st.booleans()):
            lines.append('    expect: {departments: {个人金融部: "0.4"}}')
    return "\n".join(lines) + "\n"


# ---- the register ----

COLUMN_NAMES = ["id", "branch", "rules_name", "measure_name", "measure_version", "schema_name", "file", "filed_at",
                "filed_by", "status", "sha256", "source", "ir", "diagnostics", "measure_sha256", "schema_sha256",
                "prev_hash", "hash"]
PIN_COLUMNS = ["measure_name", "measure_version", "measure_file", "measure_sha256", "schema_file", "schema_sha256",
               "pinned_at", "pinned_by", "hash"]
VALUES = st.sampled_from(["X'ff00fe'", "zeroblob(4)", "5", "NULL", "''", "'{broken'", "'[]'", "'x'", "'accepted'",
                          "'rejected'", "2.5", "'" + "0" * 64 + "'", "'{\"summary\": {\"errors\": \"1\"}}'",
                          "'{\"summary\": {\"errors\": 0, \"warnings\": 0}, \"diagnostics\": []}'", "hash", "prev_hash"])


@st.composite
def tamperings(draw) -> list[str]:
    """SQL statements a hand editing the register might run, one to three of them."""
    statements = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["update", "update", "update", "delete", "insert", "column", "meta", "pin", "bytes"]))
        record = draw(st.integers(1, 3))
        if kind == "update":
            statements.append(f"UPDATE filings SET {draw(st.sampled_from(COLUMN_NAMES))} = {draw(VALUES)} WHERE id = {record}")
        elif kind == "delete":
            statements.append(f"DELETE FROM filings WHERE id = {record}")
        elif kind == "insert":
            statements.append(f"INSERT INTO filings SELECT {draw(st.integers(1, 9))}, branch, rules_name, measure_name, "
                              "measure_version, schema_name, file, filed_at, filed_by, status, sha256, source, ir, "
                              "diagnostics, measure_sha256, schema_sha256, prev_hash, hash FROM filings "
                              f"WHERE id = {record}")
        elif kind == "column":
            statements.append(f"ALTER TABLE filings ADD COLUMN extra{record} {draw(st.sampled_from(['TEXT', 'BLOB']))}")
        elif kind == "pin":
            statements.append(f"UPDATE pins SET {draw(st.sampled_from(PIN_COLUMNS))} = {draw(VALUES)}")
        elif kind == "meta":
            statements.append(f"UPDATE meta SET value = {draw(VALUES)} WHERE key = "
                              f"'{draw(st.sampled_from(['head_id', 'head_hash', 'format', 'version']))}'")
        else:
            statements.append(f"BYTES {draw(st.integers(0, 60000))} {draw(st.integers(1, 64))}")
    return statements
