"""A synthetic workspace for 盘锦分行's rules with N deals, for the benchmark.

    python benchmarks/generate.py 1000000 benchmarks/data/panjin-1000000 [--seed 1]

Writes `workspace.yaml` (pointing at `policies/branches/panjin.xm` by a relative path), `deals.csv`,
`clients.csv`, `target_list.csv`, `projects.csv`, `indicators.csv` and `audit.csv`.

Deterministic for a given N and seed. The ledger is shaped like a real one — sorted by date, months weighted,
products mixed as a branch sells them, clients of very different sizes, mortgages spread over housing
projects of which some miss the art. 20 share — and about 2% of its rows must be rejected, spread over the
reason codes R001–R008, R010–R012 (R009 needs `by declared`, which Panjin does not use).

Speed: every random choice is drawn up front (`random.choices(..., k=N)`), row contents come from a
precomputed pool of formatted tails, and `csv.writer` writes them: a million rows take a few seconds.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import shutil
import sys
import time
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "policies" / "branches" / "panjin.xm"
YEAR = 2026
MONTH_WEIGHTS = [13, 8, 11, 9, 8, 9, 7, 7, 9, 8, 8, 10]
OUTLETS = ["兴隆台支行", "双台子支行", "大洼支行"]
CODES = {"个人住房贷款": "MORTGAGE", "代发工资": "PAYROLL", "个人理财": "WEALTH", "信用卡": "CARD",
         "电子银行": "EBANK", "贵宾客户": "VIP"}
# share of accepted rows by product (Panjin configures these six)
MIX = {"信用卡": 0.26, "个人理财": 0.20, "个人住房贷款": 0.15, "电子银行": 0.14, "代发工资": 0.12, "贵宾客户": 0.13}
HOSTS = {"个人住房贷款": "个人金融部", "代发工资": "个人金融部", "个人理财": "个人金融部", "贵宾客户": "个人金融部",
         "信用卡": "信用卡中心", "电子银行": "电子银行部"}
HELPERS = ["个人金融部", "电子银行部", "信用卡中心"]
REJECT_SHARE = 0.02
REJECT_CODES = ["R001", "R002", "R003", "R004", "R005", "R006", "R007", "R008", "R010", "R011", "R012"]
DEAL_COLUMNS = ["deal_id", "date", "product", "quantity", "amount", "client_id", "participants", "outlet",
                "project_id", "activated", "fee_income", "new_deposits"]
CLIENT_COLUMNS = ["client_id", "name", "type", "tax_rank", "credit_line", "listed", "rating", "annual_sales",
                  "national_rank"]
TAIL_POOL = 20_000  # distinct formatted staff-deal tails (product … new_deposits)


def days_and_weights() -> tuple[list[str], list[int]]:
    days, weights = [], []
    day = date(YEAR, 1, 1)
    while day.year == YEAR:
        if day.weekday() != 6:
            days.append(day.isoformat())
            weights.append(MONTH_WEIGHTS[day.month - 1])
        day += timedelta(days=1)
    return days, weights


def make_clients(rng: random.Random, n: int) -> tuple[list[dict], list[float], list[dict]]:
    """Register rows, the relative size of each client, and a few register-only (unlisted) clients."""
    clients, sizes = [], []
    kinds = ["公司业务部", "机构业务部", "公司业务部", "房地产信贷部", "公司业务部", "机构业务部", "公司业务部",
             "机构业务部", "公司业务部", "房地产信贷部", "公司业务部", "机构业务部", "公司业务部", "机构业务部",
             "公司业务部", "房地产信贷部", "公司业务部", "机构业务部", "公司业务部", "公司业务部"]  # 55% / 30% / 15%
    inst_types = ["机关", "政府", "事业单位", "医院", "大学", "部队"]
    for i in range(n):
        department = kinds[i % len(kinds)]
        client_id = f"BK{i + 1:07d}"
        row = {"client_id": client_id, "department": department, "outlet": OUTLETS[rng.randrange(3)],
               "type": "", "tax_rank": "", "credit_line": "", "listed": "否", "rating": "", "annual_sales": "",
               "national_rank": ""}
        if department == "公司业务部":
            row.update(name=f"盘锦合成企业{i + 1:05d}有限公司", type=rng.choice(["石化", "制造", "港口", "农业", "商业零售"]),
                       tax_rank=str(rng.randrange(1, 200)), credit_line=f"{rng.randrange(1, 60) / 10:g}亿",
                       listed=rng.choice(["是", "否", "否"]), rating=rng.choice(["AAA", "AA+", "AA", "A+"]),
                       annual_sales=f"{rng.randrange(11, 600) / 10:g}亿")
        elif department == "机构业务部":
            row.update(name=f"盘锦合成单位{i + 1:05d}", type=rng.choice(inst_types), rating=rng.choice(["AA+", "AA", ""]))
        else:
            row.update(name=f"盘锦合成置业{i + 1:05d}有限公司", type="房地产开发",
                       credit_line=str(rng.randrange(5, 50) * 10_000_000), national_rank=str(rng.randrange(1, 400)))
        clients.append(row)
        sizes.append(rng.paretovariate(1.3))
    unlisted = [{"client_id": f"BX{i + 1:05d}", "name": f"盘锦名单外企业{i + 1:03d}有限公司", "department": "公司业务部",
                 "outlet": OUTLETS[i % 3], "type": "物流", "tax_rank": "", "credit_line": "2000万", "listed": "否",
                 "rating": "BBB", "annual_sales": "6000万", "national_rank": ""} for i in range(max(3, n // 500))]
    return clients, sizes, unlisted


def participants(rng: random.Random, department: str, host: str, chance: float) -> str:
    names = [department]
    if rng.random() < chance:
        helper = rng.choice([h for h in HELPERS if h != host])
        names.append(helper)
    return (";" if rng.random() < 0.2 else "、").join(names)


def staff_tail(rng: random.Random, product: str, client: dict) -> tuple:
    """(product, quantity, amount, client_id, participants, outlet, project_id, activated, fee_income, new_deposits)"""
    label = CODES[product] if rng.random() < 0.15 else product
    parts = participants(rng, client["department"], HOSTS[product], 0.25)
    cid, outlet = client["client_id"], client["outlet"]
    if product == "代发工资":
        q = rng.randrange(5, 60)
        return (label, str(q), f"{q * rng.randrange(45, 95) * 100}.00", cid, parts, outlet, "", "",
                f"{q * 2}.00", f"{q * rng.randrange(20, 80) * 100}.00")
    if product == "个人理财":
        amount = rng.choice([5, 8, 10, 20, 30, 50, 80, 100, 150, 200, 300]) * 10_000
        text = f"{amount // 10_000}万" if rng.random() < 0.1 else str(amount)
        return (label, "1", text, cid, parts, outlet, "", "", f"{amount * 0.006:.2f}", "0.00")
    if product == "信用卡":
        return (label, str(rng.randrange(1, 7)), "", cid, parts, outlet, "", "是", "0.00", "0.00")
    if product == "电子银行":
        q = rng.randrange(1, 9)
        return (label, str(q), "", cid, parts, outlet, "", "", "0.00", f"{q * 2000}.00")
    assets = rng.randrange(50, 300) * 10_000  # 贵宾客户
    return (label, "1", str(assets), cid, parts, outlet, "", "", "0.00", f"{assets // 3}.00")


def with_cents(rng: random.Random, tail: tuple) -> tuple:
    """The tail with its amount, fee income and new deposits to the cent, each row its own: a ledger whose
    amounts hardly repeat, the hard case for anything that converts each distinct cell once."""
    cells = list(tail)
    for index in (2, 8, 9):  # amount, fee_income, new_deposits
        if cells[index].replace(".", "", 1).isdigit():
            cells[index] = f"{Decimal(cells[index]) + Decimal(rng.randrange(1, 100_000)) / 100:.2f}"
    return tuple(cells)


def generate(n: int, out: Path, seed: int = 1, cents: bool = False) -> dict:
    rng = random.Random(seed)
    cents_rng = random.Random(seed + 1_000_003)  # apart from `rng`, so that without cents nothing changes
    out.mkdir(parents=True, exist_ok=True)
    clients, sizes, unlisted = make_clients(rng, max(60, n // 200))
    developers = [c for c in clients if c["department"] == "房地产信贷部"]
    staff = [c for c in clients if c["department"] != "房地产信贷部"]
    staff_weights = [sizes[i] for i, c in enumerate(clients) if c["department"] != "房地产信贷部"]

    # housing projects: about one for every 1,500 deals
    n_projects = max(5, n // 1500)
    projects = []
    for i in range(n_projects):
        developer = developers[i % len(developers)]
        projects.append({"project_id": f"HP{i + 1:05d}", "name": f"合成楼盘{i + 1:05d}", "developer": developer,
                         "dev_loan": ["exclusive", "exclusive", "partial", "partial", "none"][i % 5]})

    # the pool of tails, each with its weight
    tails: list[tuple] = []
    weights: list[float] = []
    non_mortgage = [p for p in MIX if p != "个人住房贷款"]
    per_product = max(1, TAIL_POOL // len(non_mortgage))
    for product in non_mortgage:
        chosen = rng.choices(staff, staff_weights, k=per_product)
        for client in chosen:
            tails.append(staff_tail(rng, product, client))
            weights.append(MIX[product] / per_product)
    mortgage_first = len(tails)
    variants = 4
    for project in projects:
        developer = project["developer"]
        for _ in range(variants):
            loan = rng.randrange(25, 115) * 10_000
            label = "MORTGAGE" if rng.random() < 0.15 else "个人住房贷款"
            tails.append((label, "1", str(loan), developer["client_id"],
                          participants(rng, "房地产信贷部", "个人金融部", 0.25), developer["outlet"],
                          project["project_id"], "", "0.00", f"{rng.randrange(0, 60) * 1000}.00"))
            weights.append(MIX["个人住房贷款"] / (len(projects) * variants))

    days, day_weights = days_and_weights()
    dates = rng.choices(days, day_weights, k=n)
    dates.sort()
    picks = rng.choices(range(len(tails)), weights, k=n)

    # rejectable rows: even positions only, so that a duplicate's source row (the one before) is never one
    n_rejects = int(n * REJECT_SHARE)
    positions = sorted(2 * p for p in rng.sample(range(1, max(2, n // 2)), min(n_rejects, max(1, n // 2 - 1))))
    rejects = {pos: REJECT_CODES[k % len(REJECT_CODES)] for k, pos in enumerate(positions)}
    base_client = staff[0]
    card = ("信用卡", "2", "", base_client["client_id"], base_client["department"], base_client["outlet"], "", "是",
            "0.00", "0.00")
    fixed = {
        "R004": [("基金定投",) + card[1:], ("第三方存管",) + card[1:], ("PLOAN",) + card[1:]],
        "R005": [card[:1] + ("0",) + card[2:], card[:1] + ("-1",) + card[2:]],
        "R006": [card[:3] + (c["client_id"],) + card[4:] for c in unlisted],
        "R007": [card[:4] + ("",) + card[5:]],
        "R008": [card[:4] + ("信用卡中心、" + base_client["department"],) + card[5:],
                 card[:4] + ("营业部",) + card[5:]],
        "R011": [("个人理财", "1", "待补录") + card[3:7] + ("", "", "")],
        "R012": [card[:7] + ("否",) + card[8:]],
    }
    bad_dates = {"R002": ["2026-02-30", "", "2026/13/01"], "R003": ["2025-12-31", "2027-01-02"]}

    audit_rejected: list[str] = []
    counted: Counter = Counter()
    payroll_households = 0
    deals_path = out / "deals.csv"
    with open(deals_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(DEAL_COLUMNS)
        for i in range(n):
            deal_id = f"D{i + 1:08d}"
            day = dates[i]
            code = rejects.get(i)
            if code is None or code in ("R001", "R010"):
                tail = tails[picks[i]]
                if code is None:
                    if picks[i] >= mortgage_first:
                        counted[tail[6]] += 1
                    elif tail[0] in ("代发工资", "PAYROLL"):
                        payroll_households += int(tail[1])
                elif code == "R001":
                    deal_id = f"D{i:08d}"  # the previous row's id
                else:
                    audit_rejected.append(deal_id)
                if cents:
                    tail = with_cents(cents_rng, tail)
            elif code in bad_dates:
                tail = tails[picks[i]]
                day = bad_dates[code][i % len(bad_dates[code])]
            else:
                options = fixed[code]
                tail = options[i % len(options)]
            writer.writerow((deal_id, day, *tail))

    # projects: totals chosen so that about two in three meet the art. 20 share
    project_rows = []
    for k, project in enumerate(projects):
        ours = counted[project["project_id"]]
        share = ""
        if project["dev_loan"] == "exclusive":
            ratio = rng.uniform(0.75, 0.99)
        elif project["dev_loan"] == "partial":
            required = rng.choice([0.3, 0.4, 0.5, 0.6])
            share = f"{int(required * 100)}%"
            ratio = rng.uniform(required - 0.1, required + 0.2)
        else:
            ratio = rng.uniform(0.2, 0.8)
        total = max(ours, math.ceil(ours / ratio)) if ours else rng.randrange(20, 200)
        project_rows.append({"project_id": project["project_id"], "name": project["name"],
                             "developer": project["developer"]["client_id"], "dev_loan": project["dev_loan"],
                             "dev_loan_share": share, "total_mortgages": total})

    write(out / "clients.csv", CLIENT_COLUMNS, clients + unlisted)
    write(out / "target_list.csv", ["client_id", "department", "from", "to"],
          [{"client_id": c["client_id"], "department": c["department"], "from": f"{YEAR}-01-01", "to": ""}
           for c in clients])
    write(out / "projects.csv", ["project_id", "name", "developer", "dev_loan", "dev_loan_share", "total_mortgages"],
          project_rows)
    indicator = max(100, round(payroll_households / 0.1 / 1.1))  # the payroll target is 10% of it: ~110% done
    write(out / "indicators.csv", ["product", "indicator"], [{"product": "代发工资", "indicator": indicator}])
    confirmed = [f"D{p + 2:08d}" for p in sorted(rng.sample(range(0, n - 1, 2), min(max(1, n // 2000), n // 2)))]
    confirmed = [d for d in confirmed if d not in set(audit_rejected)]
    audit = [{"deal_id": d, "verdict": "confirmed", "note": "回访属实"} for d in confirmed] + \
            [{"deal_id": d, "verdict": "rejected", "note": "抽查不属实"} for d in audit_rejected]
    write(out / "audit.csv", ["deal_id", "verdict", "note"], audit)
    shutil.copy(RULES, out / RULES.name)  # a workspace's files lie inside it (or inside its repository)
    rules = RULES.name
    (out / "workspace.yaml").write_text(
        f"# synthetic benchmark workspace: {n} deals, seed {seed} (benchmarks/generate.py)\n"
        f"rules: {rules}\n"
        "tables:\n  deals: deals.csv\n  clients: clients.csv\n  target_list: target_list.csv\n"
        "  projects: projects.csv\n  indicators: indicators.csv\n  audit: audit.csv\n"
        f"period: {{from: {YEAR}-01-01, to: {YEAR}-12-31}}\n", encoding="utf-8")
    return {"deals": n, "rejectable": len(rejects), "clients": len(clients), "projects": len(projects),
            "by_code": dict(sorted(Counter(rejects.values()).items()))}


def write(path: Path, header: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(column, "") for column in header])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of ledger rows")
    parser.add_argument("out_dir", type=Path, help="the workspace folder to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cents", action="store_true",
                        help="amounts, fee income and deposits to the cent, so that they hardly repeat")
    args = parser.parse_args(argv)
    if args.n < 100:
        parser.error("N must be at least 100")
    started = time.perf_counter()
    summary = generate(args.n, args.out_dir, args.seed, args.cents)
    print(f"wrote {args.out_dir}: {summary['deals']:,} deals ({summary['rejectable']:,} to be rejected), "
          f"{summary['clients']:,} clients, {summary['projects']:,} projects "
          f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
