"""Regenerate the example workspace `examples/panjin-2026/` (盘锦分行, the year 2026).

    python examples/make_panjin.py            # rewrites examples/panjin-2026/*.csv and workspace.yaml

Deterministic: one seeded `random.Random`, no sets iterated, no clock read, so the same script always
writes the same bytes. The data are invented (clients, projects and people do not exist) but shaped like a
branch's real ledger: a year of cross-sales over twelve months, products named by name or by code, mixed
number formats (`68万`, `1,200,000.00`), participants separated by `、` or `;`, and a handful of rows that
must be rejected for each reason code (their `note` says which). See `panjin-2026/README.md`.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20260101
YEAR = 2026
MONTH_WEIGHTS = [13, 8, 11, 9, 8, 9, 7, 7, 9, 8, 8, 10]  # 开门红 in the first quarter, a push at year end
CODES = {"个人住房贷款": "MORTGAGE", "代发工资": "PAYROLL", "个人理财": "WEALTH", "第三方存管": "CUSTODY",
         "贵宾客户": "VIP", "个人贷款": "PLOAN", "信用卡": "CARD", "企业联名卡": "COBRAND", "电子银行": "EBANK"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"


# ---- shared helpers (also used by make_dalian.py) -------------------------------------------------


@dataclass
class Client:
    client_id: str
    name: str
    department: str  # the corporate department that keeps it on the target list
    outlet: str
    size: int  # relative number of staff deals
    windows: list[tuple[date, date]] = field(default_factory=list)  # on the target list
    register: dict = field(default_factory=dict)  # attribute columns of clients.csv


def write_csv(path: Path, header: list[str], rows: list[dict], bom: bool = False) -> None:
    """Write a table with `\\n` line ends (stable across platforms); `bom` for an Excel-style export."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if row.get(column) is None else row.get(column) for column in header])


def random_day(rng: random.Random, windows: list[tuple[date, date]]) -> date:
    """A day inside one of `windows`, months weighted by MONTH_WEIGHTS."""
    days, weights = [], []
    for start, end in windows:
        day = start
        while day <= end:
            if day.weekday() != 6:  # no deals on Sundays
                days.append(day)
                weights.append(MONTH_WEIGHTS[day.month - 1])
            day += timedelta(days=1)
    return rng.choices(days, weights)[0]


def masked_name(rng: random.Random) -> str:
    """A masked personal name as ledgers print them (王*华): the ledger never needs the full name."""
    return rng.choice(SURNAMES) + "*" + rng.choice("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂华")


def money(value: float) -> str:
    return f"{value:.2f}"


def product_label(rng: random.Random, name: str, code_share: float = 0.15) -> str:
    """Some systems export the product code, most the name."""
    return CODES[name] if rng.random() < code_share else name


def join(rng: random.Random, names: list[str]) -> str:
    return (";" if rng.random() < 0.2 else "、").join(names)


YEAR_START, YEAR_END = date(YEAR, 1, 1), date(YEAR, 12, 31)
ALL_YEAR = [(YEAR_START, YEAR_END)]


# ---- 盘锦分行 -----------------------------------------------------------------------------------

OUTLETS = ["兴隆台支行", "双台子支行", "大洼支行"]

# client_id, name, department, outlet, size, register columns
# (type, tax_rank, credit_line, listed, rating, annual_sales, national_rank)
CLIENTS = [
    ("KH21110001", "盘锦润泽石化有限公司", "公司业务部", "兴隆台支行", 9, ("石化", "35", "8亿", "否", "AA+", "56亿", "")),
    ("KH21110002", "盘锦北沥新材料股份有限公司", "公司业务部", "兴隆台支行", 6, ("上市公司", "120", "350,000,000", "是", "AA", "18亿", "")),
    ("KH21110003", "盘锦海川港务集团有限公司", "公司业务部", "大洼支行", 8, ("港口", "60", "12亿", "否", "AAA", "22亿", "")),
    ("KH21110004", "盘锦稻香米业有限公司", "公司业务部", "大洼支行", 3, ("农业", "", "3000万", "否", "A", "2.6亿", "")),
    ("KH21110005", "盘锦宏远船舶重工有限公司", "公司业务部", "双台子支行", 5, ("制造", "180", "2.2亿", "否", "AA-", "9亿", "")),
    ("KH21110006", "盘锦中油油田技术服务有限公司", "公司业务部", "兴隆台支行", 9, ("石化", "15", "5亿", "否", "AA+", "30亿", "")),
    ("KH21110007", "盘锦金海湾化工股份有限公司", "公司业务部", "双台子支行", 5, ("上市公司", "88", "4亿", "是", "AA+", "12亿", "")),
    ("KH21110008", "盘锦兴隆百货商业集团有限公司", "公司业务部", "兴隆台支行", 4, ("商业零售", "240", "8000万", "否", "A+", "3.1亿", "")),
    ("KH21110009", "盘锦辽河口生态农业有限公司", "公司业务部", "大洼支行", 3, ("农业", "", "5000万", "否", "A+", "1.2亿", "")),
    ("KH21110010", "盘锦恒通物流有限公司", "公司业务部", "双台子支行", 0, ("物流", "", "2000万", "否", "BBB", "6000万", "")),
    ("KH21110011", "盘锦华锦化工配套有限公司", "公司业务部", "双台子支行", 3, ("石化", "150", "1.5亿", "否", "A", "4.2亿", "")),
    ("KH21110012", "盘锦天成电力设备有限公司", "公司业务部", "兴隆台支行", 3, ("制造", "165", "1.1亿", "否", "A+", "2.8亿", "")),
    ("KH21120001", "盘锦市财政局", "机构业务部", "兴隆台支行", 5, ("机关", "", "", "否", "", "", "")),
    ("KH21120002", "盘锦市中心医院", "机构业务部", "兴隆台支行", 7, ("医院", "", "", "否", "AA", "", "")),
    ("KH21120003", "盘锦职业技术学院", "机构业务部", "双台子支行", 5, ("大学", "", "", "否", "AA+", "", "")),
    ("KH21120004", "盘锦市高级中学", "机构业务部", "兴隆台支行", 3, ("事业单位", "", "", "否", "", "", "")),
    ("KH21120005", "盘锦市兴隆台区人民政府", "机构业务部", "兴隆台支行", 4, ("政府", "", "", "否", "", "", "")),
    ("KH21120006", "盘锦市公安局", "机构业务部", "双台子支行", 4, ("机关", "", "", "否", "", "", "")),
    ("KH21120007", "盘锦红海滩风景区管理处", "机构业务部", "大洼支行", 2, ("事业单位", "", "", "否", "", "", "")),
    ("KH21120008", "盘锦市第二人民医院", "机构业务部", "双台子支行", 4, ("医院", "", "", "否", "AA", "", "")),
    ("KH21120009", "盘锦市大洼区教育局", "机构业务部", "大洼支行", 3, ("机关", "", "", "否", "", "", "")),
    ("KH21130001", "盘锦辽河湾置业有限公司", "房地产信贷部", "大洼支行", 1, ("房地产开发", "", "3亿", "否", "A+", "", "")),
    ("KH21130002", "盘锦锦绣华府房地产开发有限公司", "房地产信贷部", "兴隆台支行", 1, ("房地产开发", "", "4.5亿", "否", "A", "", "")),
    ("KH21130003", "盘锦滨河房地产开发有限公司", "房地产信贷部", "双台子支行", 1, ("房地产开发", "", "1.2亿", "否", "A", "", "")),
    ("KH21130004", "碧水湾（盘锦）置业有限公司", "房地产信贷部", "大洼支行", 1, ("房地产开发", "", "8000万", "否", "AA", "", "45")),
    ("KH21130005", "盘锦石化新村建设开发有限公司", "房地产信贷部", "兴隆台支行", 1, ("房地产开发", "", "0", "否", "A-", "", "168")),
]
CLIENT_COLUMNS = ["client_id", "name", "type", "tax_rank", "credit_line", "listed", "rating", "annual_sales",
                  "national_rank"]

# Target-list changes during the year (art. 8: 目标客户名单应定期调整补充).
ADDED = {"KH21110009": date(2026, 5, 1), "KH21120008": date(2026, 3, 1)}
REMOVED = {"KH21110011": date(2026, 6, 30)}
TWO_SPELLS = {"KH21110012": [(date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 9, 1), YEAR_END)]}
NOT_LISTED = "KH21110010"  # on the register, never on the list

# Housing projects (art. 20): project_id, name, developer, outlet, dev_loan, share, total, deals, sales months
PROJECTS = [
    ("PJ-LHW-01", "辽河湾·金域蓝湾", "KH21130001", "大洼支行", "exclusive", "", 24, 22, (1, 12)),      # 91.7% ≥ 85%
    ("PJ-JXH-02", "兴隆台·锦绣华府", "KH21130002", "兴隆台支行", "exclusive", "", 40, 25, (3, 12)),    # 62.5% < 85%
    ("PJ-BHM-03", "双台子·滨河名苑", "KH21130003", "双台子支行", "partial", "40%", 45, 21, (2, 11)),  # 46.7% ≥ 40%
    ("PJ-BSW-04", "大洼·碧水湾凤凰城", "KH21130004", "大洼支行", "partial", "0.6", 30, 11, (4, 12)),   # 36.7% < 60%
    ("PJ-SHX-05", "石化新村二期", "KH21130005", "兴隆台支行", "none", "", 80, 12, (1, 10)),           # no rule applies
]

INDICATORS = [("代发工资", "15000"), ("信用卡", "3000"), ("电子银行", "2000")]  # next year's product-line indicators

DEAL_COLUMNS = ["deal_id", "date", "product", "quantity", "amount", "client_id", "customer", "participants",
                "staff", "outlet", "project_id", "activated", "fee_income", "new_deposits", "manager", "note"]
HOSTS = {"个人住房贷款": "个人金融部", "MORTGAGE": "个人金融部", "代发工资": "个人金融部", "PAYROLL": "个人金融部",
         "个人理财": "个人金融部", "WEALTH": "个人金融部", "贵宾客户": "个人金融部", "VIP": "个人金融部",
         "信用卡": "信用卡中心", "CARD": "信用卡中心", "电子银行": "电子银行部", "EBANK": "电子银行部"}
MARKETERS = {"公司业务部": ["韩立", "宋佳", "唐宁", "冯涛"], "机构业务部": ["董欣", "萧然", "程远"],
             "房地产信贷部": ["曹磊", "袁媛"], "个人金融部": ["邓丽", "许诺", "傅强", "沈静"],
             "电子银行部": ["曾毅", "彭程"], "信用卡中心": ["吕洁", "苏航"]}
"""The marketers of each department (invented), named in the ledger's `staff` column (第二十一条)."""


def panjin_clients() -> list[Client]:
    clients = []
    for client_id, name, department, outlet, size, register in CLIENTS:
        windows = list(ALL_YEAR)
        if client_id in ADDED:
            windows = [(ADDED[client_id], YEAR_END)]
        if client_id in REMOVED:
            windows = [(YEAR_START, REMOVED[client_id])]
        if client_id in TWO_SPELLS:
            windows = TWO_SPELLS[client_id]
        if client_id == NOT_LISTED:
            windows = []
        clients.append(Client(client_id, name, department, outlet, size, windows,
                              dict(zip(CLIENT_COLUMNS[2:], register))))
    return clients


def other_participants(rng: random.Random, client: Client, host: str, extra: list[tuple[str, float]]) -> list[str]:
    """The client's corporate department, and sometimes a retail department that helped (never the host)."""
    names = [client.department]
    for name, chance in extra:
        if name != host and name not in names and rng.random() < chance:
            names.append(name)
    return names


class Ledger:
    """Rows of the ledger before ids are given; `sort_day` orders rows whose `date` cell is deliberately bad."""

    def __init__(self, rng: random.Random, prefix: str):
        self.rng = rng
        self.prefix = prefix
        self.rows: list[dict] = []

    def add(self, day: date, **cells) -> dict:
        row = {"date": day.isoformat(), "_day": day, "_seq": len(self.rows), **cells}
        self.rows.append(row)
        return row

    def numbered(self) -> list[dict]:
        """Sorted by day, with deal ids in that order (as a core-banking export would have them)."""
        self.rows.sort(key=lambda row: (row["_day"], row["_seq"]))
        for number, row in enumerate(self.rows, 1):
            row.setdefault("deal_id", f"{self.prefix}{number:05d}")
        return self.rows


def manager(rng: random.Random, department: str) -> str:
    prefix = {"公司业务部": "GS", "机构业务部": "JG", "房地产信贷部": "FD"}.get(department, "LS")
    return f"{prefix}{rng.randint(1, 24):03d}"


def panjin_deals(rng: random.Random, clients: list[Client]) -> list[dict]:
    ledger = Ledger(rng, "PJ2026-")
    by_id = {client.client_id: client for client in clients}
    staff = [client for client in clients if client.size > 0 and client.department != "房地产信贷部"]
    weights = [client.size for client in staff]

    # 第二十条: mortgages of the housing projects, the developer being the target client.
    for project_id, _, developer, outlet, _, _, _, count, (first, last) in PROJECTS:
        client = by_id[developer]
        windows = [(date(YEAR, first, 1), date(YEAR, last, 28))]
        for _ in range(count):
            loan = rng.randrange(25, 115) * 10000
            extra = [("电子银行部", 0.25)]
            ledger.add(random_day(rng, windows), product=product_label(rng, "个人住房贷款"),
                       quantity="" if rng.random() < 0.5 else "1",
                       amount=f"{loan // 10000}万" if rng.random() < 0.15 else str(loan),
                       client_id=developer, customer=masked_name(rng),
                       participants=join(rng, other_participants(rng, client, "个人金融部", extra)),
                       outlet=outlet, project_id=project_id, fee_income="0.00",
                       new_deposits=money(rng.randrange(0, 60) * 1000), manager=manager(rng, "房地产信贷部"))

    def staff_deal(product: str, host: str, extra, **cells):
        client = rng.choices(staff, weights)[0]
        day = random_day(rng, client.windows)
        return ledger.add(day, product=product_label(rng, product), client_id=client.client_id,
                          customer=masked_name(rng), participants=join(rng, other_participants(rng, client, host, extra)),
                          outlet=client.outlet, manager=manager(rng, client.department), **cells)

    # 代发工资: a unit signs payroll for a batch of its staff (户); payroll cards open e-banking too.
    for _ in range(62):
        households = rng.randrange(6, 40)
        staff_deal("代发工资", "个人金融部", [("电子银行部", 0.35), ("信用卡中心", 0.15)],
                   quantity=str(households), amount=money(households * rng.randrange(45, 95) * 100),
                   fee_income=money(households * 2), new_deposits=money(households * rng.randrange(20, 80) * 100))
    # 个人理财: per deal, points by amount.
    for _ in range(115):
        amount = rng.choice([5, 8, 10, 20, 30, 50, 50, 80, 100, 100, 150, 200, 300]) * 10000
        text = f"{amount // 10000}万" if rng.random() < 0.1 else (f"{amount:,.2f}" if rng.random() < 0.15 else str(amount))
        staff_deal("个人理财", "个人金融部", [("电子银行部", 0.2)], quantity="1", amount=text,
                   fee_income=money(amount * rng.choice([0.003, 0.005, 0.008, 0.012])),
                   new_deposits=money(amount * rng.choice([0, 0, 0.1, 0.2])))
    # 信用卡: a batch of cards at a unit's marketing day; only activated cards count (a `when` condition).
    for _ in range(128):
        activated = "否" if rng.random() < 0.1 else "是"
        staff_deal("信用卡", "信用卡中心", [("个人金融部", 0.3)], quantity=str(rng.randrange(1, 7)),
                   activated=activated, fee_income=money(rng.choice([0, 0, 0, 100, 200])), new_deposits="0.00")
    # 电子银行: 网银/手机银行 households signed at the unit.
    for _ in range(70):
        households = rng.randrange(1, 9)
        staff_deal("电子银行", "电子银行部", [("个人金融部", 0.25), ("信用卡中心", 0.1)], quantity=str(households),
                   fee_income=money(households * rng.choice([0, 0, 50])), new_deposits=money(households * 2000))
    # 贵宾客户: few this year — below half the target of 40 at year end (第二十二条).
    for _ in range(16):
        assets = rng.randrange(50, 300) * 10000
        staff_deal("贵宾客户", "个人金融部", [], quantity="1", amount=str(assets), fee_income="0.00",
                   new_deposits=money(assets * rng.choice([0.2, 0.3, 0.5])))

    normal = list(ledger.rows)
    _panjin_rejects(rng, ledger, by_id, normal)
    rows = ledger.numbered()
    _duplicates(rng, rows)
    return rows


def _panjin_rejects(rng: random.Random, ledger: Ledger, by_id: dict, normal: list[dict]) -> None:
    """Rows that must be rejected, one reason code each (their `note` says which and why)."""
    oil, hospital, mall = by_id["KH21110006"], by_id["KH21120002"], by_id["KH21110008"]

    def card(day, client, note, **cells):
        base = dict(product="信用卡", quantity="2", client_id=client.client_id, customer=masked_name(rng),
                    participants=client.department, outlet=client.outlet, activated="是", fee_income="0.00",
                    new_deposits="0.00", manager=manager(rng, client.department), note=note)
        base.update(cells)
        return ledger.add(day, **base)

    # R002 bad or missing date
    card(date(2026, 2, 27), oil, "R002 日期有误（2月无30日）").update(date="2026-02-30")
    card(date(2026, 5, 12), hospital, "R002 日期缺失").update(date="")
    card(date(2026, 7, 8), mall, "R002 日期格式无法识别").update(date="2026年7月")
    # R003 outside the effective period: a late entry from last year, an early one from next year
    card(date(2025, 12, 29), oil, "R003 上年业务补录")
    card(date(2027, 1, 4), hospital, "R003 次年业务")
    # R004 unknown product, and catalogue products these rules do not configure
    card(date(2026, 3, 16), oil, "R004 非目录产品", product="基金定投")
    card(date(2026, 4, 9), hospital, "R004 本行细则未配置第三方存管", product="第三方存管", activated="")
    card(date(2026, 6, 18), mall, "R004 本行细则未配置个人贷款", product="PLOAN", activated="", amount="200000")
    card(date(2026, 10, 13), oil, "R004 本行细则未配置企业联名卡", product="企业联名卡")
    # R005 bad quantity
    card(date(2026, 3, 23), hospital, "R005 数量为0", quantity="0")
    card(date(2026, 8, 20), oil, "R005 数量为负（冲正应另行处理）", quantity="-2")
    # R006 client not on the target list at the deal's date
    card(date(2026, 2, 10), by_id["KH21110009"], "R006 客户5月1日才列入名单")
    card(date(2026, 8, 5), by_id["KH21110011"], "R006 客户6月30日已移出名单")
    card(date(2026, 6, 15), by_id["KH21110012"], "R006 客户4月至8月不在名单")
    card(date(2026, 9, 22), by_id[NOT_LISTED], "R006 客户不在目标客户名单")
    # R007 no participating department
    card(date(2026, 4, 27), mall, "R007 未填参与部门", participants="")
    ledger.add(date(2026, 11, 3), product="代发工资", quantity="12", amount="96000.00", client_id=oil.client_id,
               customer="", participants="", outlet=oil.outlet, fee_income="24.00", new_deposits="36000.00",
               manager=manager(rng, "个人金融部"), note="R007 主办部门独立营销，非交叉销售")
    # R008 the host named as participant; a participant that is not a department
    card(date(2026, 5, 26), oil, "R008 主办部门信用卡中心不能同时为参与部门", participants="信用卡中心、公司业务部")
    card(date(2026, 9, 9), hospital, "R008 网点不是部门", participants="机构业务部、兴隆台支行")
    # R011 points not computable: a wealth deal whose amount was never filled in
    ledger.add(date(2026, 7, 21), product="个人理财", quantity="1", amount="待补录", client_id=oil.client_id,
               customer=masked_name(rng), participants="公司业务部", outlet=oil.outlet, fee_income="",
               new_deposits="", manager=manager(rng, "公司业务部"), note="R011 金额待补录，积分无法计算")
    # R012 points condition false: a card whose activation is not recorded (the others are ordinary rows)
    card(date(2026, 12, 7), mall, "R012 激活状态未登记", activated="")


def _duplicates(rng: random.Random, rows: list[dict]) -> None:
    """R001: two rows keyed in twice (a later copy with the same deal_id); the first is kept."""
    for wanted, gap in ((41, 3), (330, 7)):
        source_index = next(i for i in range(wanted, len(rows)) if not rows[i].get("note"))
        copy = dict(rows[source_index])
        copy["note"] = "R001 重复录入"
        rows.insert(source_index + gap, copy)


def with_staff(rows: list[dict]) -> None:
    """第二十一条: the project team names who worked most deals and, where two shared one department's part,
    their percentages (`韩立@公司业务部:60;宋佳@公司业务部:40`). Drawn with a random generator of its own, so
    the other cells are those the ledger always had. Two rows name staff that cannot be used (their `note`
    says why): they still count, the department's share stays unassigned."""
    rng = random.Random(SEED + 21)
    for row in rows:
        participants = [name for name in row["participants"].replace(";", "、").split("、") if name in MARKETERS]
        if not participants or rng.random() < 0.2:
            continue
        entries = _team(rng, participants[0], rng.random() < 0.3)
        for department in [HOSTS.get(row["product"]), *participants[1:]]:
            if department in MARKETERS and rng.random() < 0.6:
                entries += _team(rng, department, False)
        row["staff"] = ("、" if rng.random() < 0.7 else ";").join(entries)
    for index, (staff, note) in zip((60, 250), (("韩立@公司业务部:60;宋佳@公司业务部:30", "W303 分成比例合计不等于100"),
                                              ("冯涛@公司部", "W301 部门名称有误"))):
        row = next(row for row in rows[index:] if not row.get("note") and row.get("activated") != "否"
                   and row["participants"].startswith("公司业务部"))
        row["staff"], row["note"] = staff, note


def _team(rng: random.Random, department: str, pair: bool) -> list[str]:
    """One marketer of `department`, or two sharing its part equally or by percentages."""
    if not pair:
        return [f"{rng.choice(MARKETERS[department])}@{department}"]
    first, second = rng.sample(MARKETERS[department], 2)
    split = rng.choice([None, (60, 40), (70, 30), (50, 50)])
    if split is None:
        return [f"{first}@{department}", f"{second}@{department}"]
    return [f"{first}@{department}:{split[0]}", f"{second}@{department}:{split[1]}"]


def panjin_audit(rng: random.Random, rows: list[dict]) -> tuple[list[dict], str]:
    """Art. 21 spot checks: a few verdicts per quarter; one deal is rejected."""
    candidates = [row for row in rows if not row.get("note") and row["product"] in ("个人理财", "WEALTH", "代发工资", "PAYROLL")
                  and not row.get("project_id")]
    picked = [candidates[i] for i in sorted(rng.sample(range(len(candidates)), 9))]
    audit = []
    for index, row in enumerate(picked):
        day = row["_day"]  # audited in the monthly review after the month's statement (第二十一条)
        audited_on = date(day.year + day.month // 12, day.month % 12 + 1, rng.randrange(8, 16)).isoformat()
        if index == 4:
            audit.append({"deal_id": row["deal_id"], "verdict": "rejected", "audited_on": audited_on,
                          "note": "回访客户未确认购买，营销人员无法提供签约凭证"})
            row["note"] = "R010 审计抽查不属实"
            rejected = row["deal_id"]
        else:
            audit.append({"deal_id": row["deal_id"], "verdict": "confirmed", "audited_on": audited_on,
                          "note": "回访属实"})
    return audit, rejected


def target_list_rows(clients: list[Client]) -> list[dict]:
    rows = []
    for client in clients:
        for start, end in client.windows:
            rows.append({"client_id": client.client_id, "name": client.name, "department": client.department,
                         "from": start.isoformat(), "to": "" if end == YEAR_END else end.isoformat()})
    return rows


def write_registers(folder: Path, client_columns: list[str], clients: list[Client], projects: list[tuple],
                    indicators: list[tuple[str, str]]) -> None:
    """The clients register, the housing projects and the product-line indicators of a workspace."""
    write_csv(folder / "clients.csv", client_columns,
              [{"client_id": c.client_id, "name": c.name, **c.register} for c in clients])
    write_csv(folder / "projects.csv", ["project_id", "name", "developer", "dev_loan", "dev_loan_share",
                                        "total_mortgages"],
              [{"project_id": p[0], "name": p[1], "developer": p[2], "dev_loan": p[4], "dev_loan_share": p[5],
                "total_mortgages": p[6]} for p in projects])
    write_csv(folder / "indicators.csv", ["product", "indicator"],
              [{"product": name, "indicator": value} for name, value in indicators])


WORKSPACE_YAML = """\
# 盘锦分行 2026: a year of cross-sales under 盘锦分行公私联动交叉营销实施细则.
# Regenerate the tables with `python examples/make_panjin.py`; see README.md for what each row shows.
rules: ../../policies/branches/panjin.xm
tables:
  deals: deals.csv
  clients: clients.csv
  target_list: target_list.csv
  projects: projects.csv
  indicators: indicators.csv
  audit: audit.csv
period: {from: 2026-01-01, to: 2026-12-31}
"""


def make_panjin(folder: Path = HERE / "panjin-2026") -> dict:
    rng = random.Random(SEED)
    clients = panjin_clients()
    rows = panjin_deals(rng, clients)
    audit, audit_rejected = panjin_audit(rng, rows)
    with_staff(rows)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "workspace.yaml").write_text(WORKSPACE_YAML, encoding="utf-8")
    write_csv(folder / "deals.csv", DEAL_COLUMNS, rows, bom=True)  # as exported for Excel
    write_registers(folder, CLIENT_COLUMNS, clients, PROJECTS, INDICATORS)
    write_csv(folder / "target_list.csv", ["client_id", "name", "department", "from", "to"], target_list_rows(clients))
    write_csv(folder / "audit.csv", ["deal_id", "verdict", "audited_on", "note"], audit)
    return {"rows": len(rows), "audit_rejected": audit_rejected}


if __name__ == "__main__":
    summary = make_panjin()
    print(f"examples/panjin-2026: {summary['rows']} ledger rows; audit rejects {summary['audit_rejected']}")
