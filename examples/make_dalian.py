"""Regenerate the smaller example workspace `examples/dalian-2026/` (大连分行, the year 2026).

    python examples/make_dalian.py

Deterministic, like `make_panjin.py` (whose helpers it uses). 大连分行 splits the participants' 80% by the
shares declared on each deal (`公司业务部:70;电子银行部:30`), and has no target list: its target clients are
the register's clients that meet one of its criteria (SPEC §7.1). See `dalian-2026/README.md`.
"""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_panjin import (ALL_YEAR, HERE, Client, Ledger, join, manager, masked_name,  # noqa: E402
                         money, product_label, random_day, write_csv, write_registers)

SEED = 20260102

CLIENT_COLUMNS = ["client_id", "name", "type", "tax_rank", "credit_line", "listed", "rating", "global_rank",
                  "export_rank", "head_office_signed", "national_rank"]
# client_id, name, department, outlet, size, register columns (type … national_rank)
CLIENTS = [
    ("DL0001", "大连远洋船舶配套股份有限公司", "公司业务部", "中山支行", 5,
     ("上市公司", "45", "6亿", "是", "AAA", "", "", "", "")),
    ("DL0002", "大连海辰石化装备有限公司", "公司业务部", "甘井子支行", 0,  # outlet not declared: never used
     ("制造", "130", "2亿", "否", "AA", "", "", "", "")),
    ("DL0003", "大连北港国际贸易有限公司", "公司业务部", "西岗支行", 3,
     ("外贸", "", "9000万", "否", "A+", "", "12", "", "")),
    ("DL0004", "大连樱川精密机械有限公司", "公司业务部", "金州支行", 4,
     ("外资", "", "1.5亿", "否", "AA+", "310", "", "", "")),
    ("DL0005", "大连星湾软件园开发有限公司", "公司业务部", "沙河口支行", 0,
     ("软件", "", "5000万", "否", "A", "", "", "", "")),  # meets no criterion: not a target client
    ("DL0101", "大连市沙河口区人民政府", "机构业务部", "沙河口支行", 3,
     ("政府", "", "", "否", "", "", "", "", "")),
    ("DL0102", "大连理工附属医院", "机构业务部", "沙河口支行", 4,
     ("医院", "", "", "否", "AAA", "", "", "", "")),
    ("DL0103", "大连滨城证券营业部", "机构业务部", "中山支行", 0,  # one deal in the year
     ("证券", "", "", "否", "AA", "", "", "是", "")),
    ("DL0201", "大连海韵置业有限公司", "房地产信贷部", "金州支行", 1,
     ("房地产开发", "", "2.8亿", "否", "A+", "", "", "", "")),
    ("DL0202", "大连万象城市建设集团有限公司", "房地产信贷部", "西岗支行", 1,
     ("房地产开发", "", "0", "否", "AA", "", "", "", "88")),
]
NOT_TARGET = "DL0005"

PROJECTS = [  # project_id, name, developer, outlet, dev_loan, share, total, deals
    ("DL-HY-01", "金州·海韵花园", "DL0201", "金州支行", "exclusive", "", 25, 22),  # 88%: passes 85%, fails Dalian's 90%
    ("DL-WX-02", "西岗·万象府", "DL0202", "西岗支行", "partial", "30%", 40, 14),    # 35% ≥ 30%
]
INDICATORS = [("代发工资", "5000")]  # target 12% × 5000 = 600 户
DEAL_COLUMNS = ["deal_id", "date", "product", "quantity", "amount", "client_id", "customer", "participants",
                "outlet", "project_id", "activated", "reviewed", "fee_income", "new_deposits", "manager", "note"]


def declared(rng: random.Random, client: Client, host: str) -> str:
    """Participants with their agreed shares, e.g. `公司业务部:70;电子银行部:30`; a lone one may omit it."""
    helper = rng.choice([name for name in ("个人金融部", "电子银行部", "信用卡中心") if name != host])
    if rng.random() < 0.35:
        return client.department if rng.random() < 0.5 else f"{client.department}:100"
    first = rng.choice([50, 60, 70, 80])
    return join(rng, [f"{client.department}:{first}", f"{helper}:{100 - first}"])


def dalian_deals(rng: random.Random, clients: list[Client]) -> list[dict]:
    ledger = Ledger(rng, "DL26")
    by_id = {client.client_id: client for client in clients}
    staff = [c for c in clients if c.size > 0 and c.department != "房地产信贷部"]
    weights = [c.size for c in staff]

    for project_id, _, developer, outlet, _, _, _, count in PROJECTS:
        for _ in range(count):
            loan = rng.randrange(40, 180) * 10000
            ledger.add(random_day(rng, ALL_YEAR), product=product_label(rng, "个人住房贷款"), quantity="1",
                       amount=str(loan), client_id=developer, customer=masked_name(rng),
                       participants="房地产信贷部" if rng.random() < 0.7 else "房地产信贷部:70;电子银行部:30",
                       outlet=outlet, project_id=project_id, fee_income="0.00",
                       new_deposits=money(rng.randrange(0, 80) * 1000), manager=manager(rng, "房地产信贷部"))

    def staff_deal(product: str, host: str, client: Client | None = None, **cells):
        client = client or rng.choices(staff, weights)[0]
        return ledger.add(random_day(rng, ALL_YEAR), product=product_label(rng, product), client_id=client.client_id,
                          customer=masked_name(rng), participants=declared(rng, client, host), outlet=client.outlet,
                          manager=manager(rng, client.department), **cells)

    for _ in range(15):
        households = rng.randrange(20, 70)
        staff_deal("代发工资", "个人金融部", quantity=str(households), amount=money(households * 8800),
                   fee_income=money(households * 2), new_deposits=money(households * 5000))
    for _ in range(30):
        amount = rng.choice([10, 20, 30, 50, 80, 100, 200, 300]) * 10000
        staff_deal("个人理财", "个人金融部", quantity="1", amount=str(amount), reviewed="",
                   fee_income=money(amount * 0.006), new_deposits="0.00")
    for _ in range(7):  # 7 of a target of 12: 58%, above head office's 50% but below Dalian's 60%
        amount = rng.randrange(5, 40) * 10000
        staff_deal("个人贷款", "个人金融部", quantity="1", amount=str(amount), fee_income="0.00", new_deposits="0.00")
    for _ in range(25):
        staff_deal("信用卡", "信用卡中心", quantity=str(rng.randrange(2, 9)), activated="否" if rng.random() < 0.08 else "是",
                   fee_income="0.00", new_deposits="0.00")
    for _ in range(10):
        staff_deal("企业联名卡", "信用卡中心", quantity=str(rng.randrange(3, 10)), activated="是",
                   fee_income=money(rng.choice([0, 100])), new_deposits="0.00")
    for _ in range(15):
        staff_deal("电子银行", "电子银行部", quantity=str(rng.randrange(3, 10)), fee_income="0.00",
                   new_deposits=money(rng.randrange(1, 10) * 1000))

    port, hospital = by_id["DL0001"], by_id["DL0102"]
    # 第二十一条: large wealth sales, one reviewed by a second person, one not (the deal gate zeroes it).
    staff_deal("个人理财", "个人金融部", client=port, quantity="1", amount="1500万", reviewed="是",
               fee_income="90000.00", new_deposits="0.00", note="大额理财，已双人复核")
    staff_deal("个人理财", "个人金融部", client=hospital, quantity="1", amount="12,000,000.00", reviewed="否",
               fee_income="72000.00", new_deposits="0.00", note="大额理财未复核：门槛`大额理财复核`不计分")
    # 第十二条: a client whose staff bought only once in the year scores half (gate `客户产品组合`).
    staff_deal("电子银行", "电子银行部", client=by_id["DL0103"], quantity="6", fee_income="0.00", new_deposits="6000.00",
               note="全年仅一笔：门槛`客户产品组合`减半")
    # R012: below the wealth threshold of 5万
    staff_deal("个人理财", "个人金融部", client=port, quantity="1", amount="30000", fee_income="150.00",
               new_deposits="0.00", note="R012 理财金额低于起点5万")
    # R009 declared shares invalid
    staff_deal("信用卡", "信用卡中心", client=port, quantity="3", activated="是", fee_income="0.00", new_deposits="0.00",
               note="R009 约定比例合计90").update(participants="公司业务部:60;电子银行部:30")
    staff_deal("电子银行", "电子银行部", client=hospital, quantity="4", fee_income="0.00", new_deposits="0.00",
               note="R009 两个参与部门未约定比例").update(participants="机构业务部;信用卡中心")
    # R006: the register row meets none of the criteria, so the client is not a target client
    staff_deal("信用卡", "信用卡中心", client=by_id[NOT_TARGET], quantity="2", activated="是", fee_income="0.00",
               new_deposits="0.00", note="R006 不符合任何目标客户标准")
    # R008 a host named as participant
    staff_deal("电子银行", "电子银行部", client=port, quantity="2", fee_income="0.00", new_deposits="0.00",
               note="R008 主办部门不能为参与部门").update(participants="公司业务部:50;电子银行部:50")
    # R003 outside the period
    ledger.add(date(2027, 1, 5), product="信用卡", quantity="1", client_id=port.client_id, customer=masked_name(rng),
               participants="公司业务部", outlet=port.outlet, activated="是", fee_income="0.00",
               new_deposits="0.00", manager=manager(rng, "公司业务部"), note="R003 次年业务")
    return ledger.numbered()


WORKSPACE_YAML = """\
# 大连分行 2026: participants share by declared proportions; no target list, the register decides.
# Regenerate the tables with `python examples/make_dalian.py`; see README.md.
rules: ../../policies/branches/dalian.xm
tables:
  deals: deals.csv
  clients: clients.csv
  projects: projects.csv
  indicators: indicators.csv
  audit: audit.csv
period: {from: 2026-01-01, to: 2026-12-31}
"""


def make_dalian(folder: Path = HERE / "dalian-2026") -> dict:
    rng = random.Random(SEED)
    clients = [Client(cid, name, dept, outlet, size, list(ALL_YEAR), dict(zip(CLIENT_COLUMNS[2:], register)))
               for cid, name, dept, outlet, size, register in CLIENTS]
    rows = dalian_deals(rng, clients)
    wealth = [row for row in rows if row["product"] in ("个人理财", "WEALTH") and not row.get("note")]
    audited = [wealth[i] for i in sorted(rng.sample(range(len(wealth)), 4))]
    audit = [{"deal_id": row["deal_id"], "verdict": "确认", "note": "回访属实"} for row in audited[:3]]
    audit.append({"deal_id": audited[3]["deal_id"], "verdict": "驳回", "note": "客户为本行员工亲属，非目标单位员工"})
    audited[3]["note"] = "R010 审计驳回"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "workspace.yaml").write_text(WORKSPACE_YAML, encoding="utf-8")
    write_csv(folder / "deals.csv", DEAL_COLUMNS, rows)
    write_registers(folder, CLIENT_COLUMNS, clients, PROJECTS, INDICATORS)
    write_csv(folder / "audit.csv", ["deal_id", "verdict", "note"], audit)
    return {"rows": len(rows)}


if __name__ == "__main__":
    print(f"examples/dalian-2026: {make_dalian()['rows']} ledger rows")
