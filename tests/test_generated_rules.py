"""Generated rules on generated ledgers: whatever products, gates and columns a branch has, an evaluation
ends in a result (every row accepted or rejected) or in a table error naming what the rules read and the
ledger lacks — never in an internal error.

The rules take any subset of the catalogue with any points and targets, any branch gates, with or without
outlets and attribution; the ledger any subset of the optional columns, any cells (empty, junk, Chinese).
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossmarket_dsl.engine.plan import build_plan, required_deal_columns
from crossmarket_dsl.engine.session import open_session
from crossmarket_dsl.io.tables import TableError
from crossmarket_dsl.language.pipeline import load
from crossmarket_dsl.office.sample import draw, population, spot_check
from crossmarket_dsl.office.statement import build

CATALOGUE = ["个人住房贷款", "代发工资", "个人理财", "第三方存管", "贵宾客户", "个人贷款", "信用卡", "企业联名卡", "电子银行"]
POINTS = ["1 per unit", "deal.amount / 1万 per deal", "2 per unit when deal.activated",
          "min(deal.score, 5) per deal", "if deal.amount >= 5万 then 3 else 1 per unit"]
TARGETS = ["10", "target_ratio * product.indicator", "1"]
GATES = [
    'gate 部门参与 on department {{ require count() >= 2 otherwise scale 50% }}',
    'gate 网点协办 on outlet {{ require sum(deal.quantity) >= 1 otherwise zero }}',
    'gate 客户深度 on client for {product} {{ require count() >= 1 otherwise scale 80% }}',
    'gate 单笔金额 on deal {{ when deal.amount > 0 require deal.amount >= 1000 otherwise zero }}',
    'gate 楼盘 on project {{ require count() >= 1 otherwise zero }}',
]
OPTIONAL_COLUMNS = ["quantity", "amount", "outlet", "project_id", "activated", "score", "fee_income", "staff"]
CELLS = {
    "deal_id": st.sampled_from(["D1", "D2", "D3", "D4", "", "D1"]),
    "date": st.sampled_from(["2026-03-01", "2026-07-15", "2025-12-31", "三月", ""]),
    "product": st.sampled_from(CATALOGUE + ["PAYROLL", "CARD", "未知产品", ""]),
    "client_id": st.sampled_from(["C1", "C2", "C3", ""]),
    "participants": st.sampled_from(["公司业务部", "机构业务部;电子银行部", "个人金融部", "", "不存在部"]),
    "quantity": st.sampled_from(["1", "3", "0", "-1", "x", ""]),
    "amount": st.sampled_from(["50000", "1,000", "5万", "abc", ""]),
    "outlet": st.sampled_from(["兴隆台支行", "其他支行", ""]),
    "project_id": st.sampled_from(["P1", "P9", ""]),
    "activated": st.sampled_from(["是", "否", "Y", ""]),
    "score": st.sampled_from(["3", "10", "", "很多"]),
    "fee_income": st.sampled_from(["100", "", "x"]),
    "staff": st.sampled_from(["张三@公司业务部", "李四@不存在:50", ""]),
}


@st.composite
def branches(draw_):
    products = draw_(st.lists(st.sampled_from(CATALOGUE), min_size=1, max_size=4, unique=True))
    gates = draw_(st.lists(st.sampled_from(GATES), max_size=3, unique=True))
    outlets = draw_(st.booleans())
    attribution = draw_(st.booleans())
    blocks = [
        'rules "生成的实施细则" {\n  implements "商业银行公私联动交叉营销管理办法" version "2026"\n'
        '  branch "测试分行"\n  effective 2026-01-01 to 2026-12-31\n}',
        'outlet 兴隆台支行' if outlets else "",
        'targets for 公司业务部 { "评级": client.rating in ["AAA", "AA"] }',
        'targets for 机构业务部 { "机关": client.type == "机关" }',
        'targets for 房地产信贷部 { "开发商": client.type == "房地产开发" }',
        'reward { pool 100万 allocate pro_rata rounding 0.01 half_up }',
        'audit { spot_check 50% }',
    ]
    for product in products:
        points, target = draw_(st.sampled_from(POINTS)), draw_(st.sampled_from(TARGETS))
        blocks.append(f"product {product} {{\n  points {points}\n  target {target}\n}}")
    blocks += [gate.format(product=products[0]) for gate in gates]
    if attribution:
        blocks.append('attribute to outlet { "中间业务收入": deal.fee_income }')
    return "\n\n".join(blocks) + "\n"


@st.composite
def ledgers(draw_):
    columns = ["deal_id", "date", "product", "client_id", "participants"]
    columns += draw_(st.lists(st.sampled_from(OPTIONAL_COLUMNS), unique=True))
    rows = draw_(st.lists(st.fixed_dictionaries({name: CELLS[name] for name in columns}), max_size=8))
    return columns, rows


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, columns)
        writer.writeheader()
        writer.writerows(rows)


def _workspace(folder: Path, rules: str, ledger, tables: set[str]) -> Path:
    (folder / "rules.xm").write_text(rules, encoding="utf-8")
    _write_csv(folder / "deals.csv", *ledger)
    _write_csv(folder / "clients.csv", ["client_id", "rating", "type"],
               [{"client_id": "C1", "rating": "AAA", "type": "机关"}, {"client_id": "C2", "rating": "B", "type": ""}])
    named = {"deals": "deals.csv", "clients": "clients.csv"}
    if "projects" in tables:
        _write_csv(folder / "projects.csv", ["project_id", "dev_loan", "dev_loan_share", "total_mortgages"],
                   [{"project_id": "P1", "dev_loan": "exclusive", "dev_loan_share": "", "total_mortgages": "4"}])
        named["projects"] = "projects.csv"
    if "indicators" in tables:
        configured = f"product {CATALOGUE[1]} " in rules  # indicators name configured products only (T206)
        _write_csv(folder / "indicators.csv", ["product", "indicator"],
                   [{"product": CATALOGUE[1], "indicator": "90"}] if configured else [])
        named["indicators"] = "indicators.csv"
    listed = "\n".join(f"  {role}: {file}" for role, file in named.items())
    (folder / "workspace.yaml").write_text(f"rules: rules.xm\ntables:\n{listed}\n", encoding="utf-8")
    return folder


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=branches(), ledger=ledgers(), tables=st.sets(st.sampled_from(["projects", "indicators"])))
def test_generated_rules_on_generated_ledgers_never_crash(rules, ledger, tables):
    with tempfile.TemporaryDirectory() as folder:
        workspace = _workspace(Path(folder), rules, ledger, tables)
        compiled = load(workspace / "rules.xm")
        assert compiled.ok, compiled.report.diagnostics  # the generator only writes rules that pass `check`
        plan = build_plan(compiled.ir)
        lacking = set(required_deal_columns(plan)) - set(ledger[0])
        lacking |= {"projects"} - tables if "project" in plan.fields else set()
        lacking |= {"indicators"} - tables if "indicator" in plan.fields.get("product", {}) else set()
        try:
            session = open_session(workspace)
        except TableError as exc:  # only for what the rules read and the workspace lacks: all of it at once
            assert lacking, exc.message
            assert all(f"`{name}`" in exc.message for name in lacking if name in ledger[0] or name not in tables)
            return
        assert not lacking
        result = session.evaluate()
        assert result.rows == len(ledger[1]) == len(result.all_deals) + len(result.rejected)
        for month in ("2026-03", "2026-07"):
            session.evaluate(month)
            draw(population(session, month), spot_check(session.plan), b"internal control's secret")
            build(session, month)
