"""The evaluator, as data: policy tests (`*.test.yaml`), golden results of the example workspaces,
the same ledger in every table format, and invariants over generated ledgers."""

from __future__ import annotations

import csv
import json
import random
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossmarket_dsl.cli import cli
from crossmarket_dsl.engine.deals import Tally
from crossmarket_dsl.engine.session import open_session
from crossmarket_dsl.engine.staff import StaffBook, divide
from crossmarket_dsl.engine.totals import add_up_deals
from crossmarket_dsl.io.jsonout import dumps
from crossmarket_dsl.office.policytest import run_file
from crossmarket_dsl.reports.render import to_json
from crossmarket_dsl.semantics.operations import number

from .conftest import ROOT

POLICY_TESTS = sorted([*ROOT.glob("tests/evaluation/*.test.yaml"), *ROOT.glob("policies/**/*.test.yaml")])
EXAMPLES = sorted(p.parent for p in ROOT.glob("examples/*/workspace.yaml"))
RULES_INFO = {"name": "", "branch": "", "measure": "", "version": "", "sha256": ""}


def _cases():
    for path in POLICY_TESTS:
        outcome = run_file(path)
        assert outcome.compiled.ok, f"{path}: the rules do not check"
        for test in outcome.outcomes:
            yield pytest.param(test, id=f"{path.stem}:{test.name}")


@pytest.mark.parametrize("test", list(_cases()))
def test_policy_case(test):
    assert test.failures == []


@pytest.mark.parametrize("given, code, words", [
    ({"month": "2026-13"}, "U101", "`2026-13` is not a month"),
    ({"month": "2027-03"}, "S126", "month `2027-03` is outside the period 2026-01-01 to 2026-12-31"),
    ({"period": {"from": "2026-01-01", "to": "2027-06-30"}}, "S128",
     "the period 2026-01-01 to 2027-06-30 is not inside the rules' effective period 2026-01-01 to 2026-12-31"),
])
def test_a_policy_tests_month_and_period_are_checked_as_a_workspaces_are(tmp_path, given, code, words):
    test = {"name": "三月", **given, "target_list": [{"client_id": "C1", "department": "公司业务部"}],
            "deals": [{"deal_id": "D1", "date": "2026-03-01", "product": "电子银行", "client_id": "C1",
                       "participants": "公司业务部"}], "expect": {"deals": {"rows": 1}}}
    path = tmp_path / "month.test.yaml"
    path.write_text(json.dumps({"rules": (ROOT / "policies/branches/panjin.xm").as_posix(), "tests": [test]},
                               ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    result = CliRunner().invoke(cli, ["test", str(path)])
    assert result.exit_code == 1
    assert f"error[{code}]: {path}: test `三月`: {words}" in result.output


def _evaluate_json(workspace: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["evaluate", str(workspace), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("workspace", EXAMPLES, ids=lambda p: p.name)
def test_example_matches_golden_result(workspace, golden):
    document = _evaluate_json(workspace)
    golden(ROOT / "tests/evaluation/golden" / f"{workspace.name}.json", json.dumps(document, ensure_ascii=False,
                                                                                  indent=2) + "\n")


@pytest.mark.parametrize("workspace", EXAMPLES, ids=lambda p: p.name)
def test_example_invariants(workspace):
    document = _evaluate_json(workspace)
    deals = document["deals"]
    assert deals["rows"] == deals["accepted"] + deals["rejected"] == len(document["rejected"]) + deals["accepted"]
    rewards = [Decimal(d["reward"]) for d in document["departments"]]
    assert sum(rewards) == Decimal(document["reward"]["pool"]) == Decimal(document["reward"]["allocated"])


def _copy_example(tmp_path: Path, name: str = "panjin-2026") -> Path:
    target = tmp_path / name
    shutil.copytree(ROOT / "examples" / name, target)
    text = (target / "workspace.yaml").read_text(encoding="utf-8")
    shutil.copy(ROOT / "policies/branches/panjin.xm", target / "panjin.xm")  # a workspace's files lie inside it
    rules = "panjin.xm"
    (target / "workspace.yaml").write_text(text.replace("../../policies/branches/panjin.xm", rules), encoding="utf-8")
    return target


def _read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _as_gb18030(source: Path, target: Path) -> None:
    target.write_bytes(source.read_text(encoding="utf-8-sig").encode("gb18030"))


def _as_xlsx(source: Path, target: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "台账"
    for row in _read_rows(source):
        sheet.append(row)
    book.save(target)


def _as_jsonl(source: Path, target: Path) -> None:
    header, *rows = _read_rows(source)
    lines = [json.dumps(dict(zip(header, row)), ensure_ascii=False) for row in rows]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("name, convert", [("deals-gb.csv", _as_gb18030), ("deals.xlsx", _as_xlsx),
                                           ("deals.jsonl", _as_jsonl)])
def test_every_table_format_gives_the_same_result(tmp_path, name, convert):
    workspace = _copy_example(tmp_path)
    expected = _evaluate_json(workspace)
    convert(workspace / "deals.csv", workspace / name)
    actual = _evaluate_json(workspace, "--table", f"deals={workspace / name}")
    if name.endswith(".jsonl"):  # JSON Lines count lines, not spreadsheet rows: the header is not there
        for row in actual["rejected"] + actual["staff_warnings"]:
            row["row"] += 1
    assert actual == expected


def test_xlsx_sheet_can_be_named(tmp_path):
    workspace = _copy_example(tmp_path)
    _as_xlsx(workspace / "deals.csv", workspace / "deals.xlsx")
    expected = _evaluate_json(workspace)
    assert _evaluate_json(workspace, "--table", f"deals={workspace / 'deals.xlsx'}#台账") == expected


# ---- invariants over generated ledgers ------------------------------------------------------------

PRODUCTS = ["个人住房贷款", "代发工资", "个人理财", "信用卡", "电子银行", "贵宾客户", "CARD", "外汇宝"]
PARTICIPANTS = ["公司业务部", "机构业务部", "房地产信贷部", "公司业务部、机构业务部", "", "个人金融部", "公司业务部;机构业务部;房地产信贷部"]
DATES = ["2026-01-05", "2026-03-31", "2026-06-15", "2026-12-31", "2025-12-31", "2026-02-30", ""]

row_strategy = st.fixed_dictionaries({
    "deal_id": st.integers(0, 40).map(lambda i: f"D{i}"),
    "date": st.sampled_from(DATES),
    "product": st.sampled_from(PRODUCTS),
    "quantity": st.sampled_from(["1", "2", "3", "0", "", "abc", "1.5"]),
    "amount": st.sampled_from(["100000", "1,000,000", "5万", "", "x"]),
    "client_id": st.sampled_from(["C1", "C2", "C3", "C9"]),
    "participants": st.sampled_from(PARTICIPANTS),
    "outlet": st.sampled_from(["兴隆台支行", "大洼支行", ""]),
    "project_id": st.sampled_from(["P1", "P2", ""]),
    "activated": st.sampled_from(["是", "否", ""]),
    "fee_income": st.sampled_from(["100", "", "2.5"]),
    "new_deposits": st.sampled_from(["1万", "0", ""]),
    "staff": st.sampled_from(["", "张三@公司业务部", "张三@公司业务部:60;李四@公司业务部:40", "王五@个人金融部",
                              "王五@个人金融部、赵六@个人金融部、钱七@个人金融部", "张三@公司业务部；王五＠个人金融部",
                              "孙八@信用卡中心", "张三", "李四@公司业务部:50", "周九@电子银行部、张三@房地产信贷部"]),
})


@pytest.fixture(scope="module")
def generated_workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    shutil.copy(ROOT / "policies/branches/panjin.xm", folder / "panjin.xm")  # a workspace's files lie inside it
    rules = "panjin.xm"
    (folder / "workspace.yaml").write_text(
        f"rules: {rules}\ntables:\n  deals: deals.csv\n  clients: clients.csv\n  projects: projects.csv\n"
        "  indicators: indicators.csv\n  target_list: target_list.csv\n", encoding="utf-8")
    (folder / "clients.csv").write_text("client_id,name\nC1,甲公司\nC2,乙公司\nC3,丙公司\n", encoding="utf-8")
    (folder / "projects.csv").write_text(
        "project_id,dev_loan,dev_loan_share,total_mortgages\nP1,exclusive,,4\nP2,partial,50%,3\n", encoding="utf-8")
    (folder / "indicators.csv").write_text("product,indicator\n代发工资,100\n", encoding="utf-8")
    (folder / "target_list.csv").write_text(
        "client_id,department,from,to\nC1,公司业务部,,\nC2,房地产信贷部,2026-03-01,\nC3,机构业务部,,2026-06-30\n",
        encoding="utf-8")
    return folder


def _write_deals(folder: Path, rows: list[dict]) -> None:
    columns = list(rows[0])  # every generated row has every column
    with (folder / "deals.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _staff_adds_up(result) -> None:
    """Art. 21: a department's people and its unassigned points add up to its points exactly, as computed and
    as shown; none is below zero; each person has what the deals' gated shares divided one by one give them
    (to the last places kept: deals are divided a group at a time)."""
    if not any(deal.staff for deal in result.deals):
        assert result.staff == []
        return
    for department, points in result.department_points.items():
        parts = [value for dept, _, value in result.staff if dept == department]
        assert sum(parts, Decimal(0)) == points and min(parts) >= 0
    shown = to_json(result, RULES_INFO)
    for row in shown["departments"]:
        parts = [Decimal(s["points"]) for s in shown["staff"] if s["department"] == row["department"]]
        assert sum(parts, Decimal(0)) == Decimal(row["points"])
    book, by_person = StaffBook(result.plan.departments), {}
    for deal in result.deals:
        division = book.division(deal.staff, tuple(name for name, _ in deal.fractions))
        for person, dept, part in divide(deal.gated_shares(), division):
            by_person[(dept, person)] = by_person.get((dept, person), Decimal(0)) + part
    computed = {(dept, person): value for dept, person, value in result.staff if person is not None}
    assert computed.keys() == by_person.keys()
    assert all(abs(computed[key] - by_person[key]) <= Decimal("1e-9") for key in computed)
    assert len(result.staff_notes) == sum(len(book.division(d.staff, tuple(n for n, _ in d.fractions)).problems)
                                          for d in result.deals if d.staff)


def _result(folder: Path, month: str | None = None):
    session = open_session(folder)
    return session.evaluate(month)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row_strategy, min_size=1, max_size=40), month=st.sampled_from([None, "2026-03", "2026-12"]))
def test_generated_ledgers_keep_the_invariants(generated_workspace, rows, month):
    _write_deals(generated_workspace, rows)
    result = _result(generated_workspace, month)
    # every row accounted for: rows = accepted + rejected
    assert result.rows == len(result.deals) + len(result.rejected)
    if month is None:
        assert result.rows == len(rows)
    # department points are exactly the deals' gated points
    assert sum(result.department_points.values(), Decimal(0)) == sum((d.gated_points for d in result.deals), Decimal(0))
    # the groups the row loop fills add up as the same deals grouped afresh, and as deal by deal
    again = add_up_deals(result.plan, result.deals)
    assert (again.departments, again.outlets) == (result.department_points, result.outlets)
    for product in result.products:
        deals = [d for d in result.deals if d.product_plan is product.plan]
        assert product.quantity == sum((d.quantity for d in deals), Decimal(0))
        assert product.points == sum((d.gated_points for d in deals), Decimal(0))
    assert result.outlets == _outlet_sums_deal_by_deal(result)
    _staff_adds_up(result)
    # each deal's shares add up to its points exactly
    for deal in result.deals:
        assert sum(share for _, share in deal.shares) == deal.points
    # rewards add up to the pool to the cent, or nothing is allocated (and the result says why)
    if month is None:
        allocated = sum(result.rewards.values(), Decimal(0))
        assert allocated == (0 if result.reward_note else result.pool)
        assert bool(result.reward_note) == (sum(result.department_points.values(), Decimal(0)) == 0)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row_strategy, min_size=2, max_size=30, unique_by=lambda r: r["deal_id"]), seed=st.integers(0, 99))
def test_shuffling_rows_changes_nothing(generated_workspace, rows, seed):
    _write_deals(generated_workspace, rows)
    before = to_json(_result(generated_workspace), RULES_INFO)
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    _write_deals(generated_workspace, shuffled)
    after = to_json(_result(generated_workspace), RULES_INFO)
    for document in (before, after):  # row numbers move with the rows; everything else must not
        document["rejected"] = sorted((r["deal_id"], r["code"]) for r in document["rejected"])
        document["gates"] = sorted(json.dumps(g, ensure_ascii=False) for g in document["gates"])
        document["staff_warnings"] = sorted((w["deal_id"], w["code"], w["entry"]) for w in document["staff_warnings"])
    assert dumps(before) == dumps(after)


def _panjin_changed(tmp_path: Path, old: str, new: str) -> None:
    """`policies/rules.xm` under `tmp_path`: Panjin's rules with one change, the measure and schema beside."""
    rules = (ROOT / "policies/branches/panjin.xm").read_text(encoding="utf-8")
    assert old in rules
    for folder in ("policies/measure", "schemas"):  # the measure and its schema, where the rules look for them
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "policies/rules.xm").write_text(rules.replace(old, new), encoding="utf-8")


def test_points_that_read_the_client_are_remembered_per_client(tmp_path):
    """Deals alike in quantity and cells, of clients that differ in what the points read, differ in points."""
    _panjin_changed(tmp_path, "points 5 per unit\n", 'points if client.rating == "AAA" then 8 else 5 per unit\n')
    deal = "{deal_id: %s, date: 2026-03-01, product: 贵宾客户, client_id: %s, participants: 公司业务部}"
    (tmp_path / "policies/rules.test.yaml").write_text("\n".join([
        "rules: rules.xm", "tests:", "  - name: 评级不同的客户积分不同", '    month: "2026-03"',
        "    target_list: [{client_id: C1, department: 公司业务部}, {client_id: C2, department: 公司业务部}]",
        "    clients: [{client_id: C1, rating: AAA}, {client_id: C2, rating: A}]",
        "    deals:", *(f"      - {deal % pair}" for pair in [("D1", "C1"), ("D2", "C2"), ("D3", "C1"), ("D4", "C2")]),
        "    expect:", '      products: [{product: 贵宾客户, quantity: "4", points: "26"}]', ""]), encoding="utf-8")
    outcome = run_file(tmp_path / "policies/rules.test.yaml")
    assert outcome.compiled.ok, outcome.compiled.report
    assert [test.failures for test in outcome.outcomes] == [[]]


def test_an_attribution_that_is_more_than_a_cell_is_run_on_each_deal(tmp_path):
    """Plain cells are summed from the row loop's counts; an expression, or the quantity, deal by deal."""
    _panjin_changed(tmp_path, '"新增存款": deal.new_deposits\n',
                    '"新增存款": deal.new_deposits\n  "折算存款": deal.new_deposits * 0.5\n  "户数": deal.quantity\n')
    deal = "{deal_id: %s, date: 2026-03-01, product: 电子银行, quantity: %s, client_id: C1, participants: 公司业务部, " \
           "outlet: %s, fee_income: %s, new_deposits: %s}"
    rows = [("D1", 2, "兴隆台支行", "100", "1万"), ("D2", 1, "兴隆台支行", "100", ""), ("D3", 3, "大洼支行", "", "5000"),
            ("D4", 1, "新建支行", "2.5", "x")]
    (tmp_path / "policies/rules.test.yaml").write_text("\n".join([
        "rules: rules.xm", "tests:", "  - name: 网点归属", '    month: "2026-03"',
        "    target_list: [{client_id: C1, department: 公司业务部}]", "    deals:",
        *(f"      - {deal % row}" for row in rows), "    expect:", "      outlets:",
        '        - {outlet: 兴隆台支行, 中间业务收入: "200", 新增存款: "10000", 折算存款: "5000", 户数: "3"}',
        '        - {outlet: 双台子支行, 中间业务收入: "0", 新增存款: "0", 折算存款: "0", 户数: "0"}',
        '        - {outlet: 大洼支行, 中间业务收入: "0", 新增存款: "5000", 折算存款: "2500", 户数: "3"}',
        '        - {outlet: 新建支行, 中间业务收入: "2.5", 新增存款: "0", 折算存款: "0", 户数: "1"}', ""]),
        encoding="utf-8")
    outcome = run_file(tmp_path / "policies/rules.test.yaml")
    assert outcome.compiled.ok, outcome.compiled.report
    assert [test.failures for test in outcome.outcomes] == [[]]


def test_outlet_sums_added_up_in_batches_are_the_sums(monkeypatch):
    """The row loop adds each outlet's cells up a batch at a time; any batch size gives the same sums."""
    whole = open_session(ROOT / "examples/panjin-2026").evaluate()
    monkeypatch.setattr(Tally, "FLUSH_DEALS", 7)
    batched = open_session(ROOT / "examples/panjin-2026").evaluate()
    assert batched.outlets == whole.outlets == _outlet_sums_deal_by_deal(batched)


def _outlet_sums_deal_by_deal(result) -> dict:
    """Each outlet's attribution, summed one deal at a time (every declared outlet listed)."""
    outlets = dict.fromkeys(result.plan.outlets + [d.outlet_name for d in result.deals
                                                                              if d.outlet_name])
    return {outlet: {label: sum(filter(None, (number(expression(d)) for d in result.deals
                                              if d.outlet_name == outlet)), Decimal(0))
                     for label, expression in result.plan.attribution} for outlet in outlets}
