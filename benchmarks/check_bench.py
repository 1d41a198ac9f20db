"""How long `crossmarket check` takes: on the largest sample rules file, and on a generated rules file of
about 5,000 lines (many outlets, constants and target criteria, every catalogue product, extra gates).

    python benchmarks/check_bench.py [--lines 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTS = ["个人住房贷款", "代发工资", "个人理财", "第三方存管", "贵宾客户", "个人贷款", "信用卡", "企业联名卡", "电子银行"]
DEPARTMENTS = ["公司业务部", "机构业务部", "房地产信贷部"]


def generated_rules(lines: int) -> str:
    """A valid rules file of roughly `lines` lines."""
    out = ['rules "基准测试分行公私联动交叉营销实施细则" {', '  implements "商业银行公私联动交叉营销管理办法" version "2026"',
           '  branch "基准测试分行"', "  effective 2026-01-01 to 2026-12-31", "}", ""]
    for product in PRODUCTS:
        out += [f"product {product} {{", "  points deal.amount / 1万 * 0.5 + 1 per deal", "  target 100", "}"]
    out += ["reward {", "  pool 200万", "  allocate pro_rata", "  rounding 0.01 half_up", "}",
            "audit {", "  spot_check 10%", '  seed "bench"', "}"]
    budget = max(0, lines - len(out))
    per_department = budget // 3 // 2
    for department in DEPARTMENTS:
        out.append(f"targets for {department} {{")
        out += [f'  "标准{department}{i}": client.score >= {i} and client.rating in ["AAA", "AA"] cite "第九条"'
                for i in range(per_department)]
        out.append("}")
    count = budget - len(out) + 6
    out += [f"let 常量{i} = {i} * 2 + 1" for i in range(max(0, count // 2))]
    out += [f"outlet 网点{i} cite \"第十条\"" for i in range(max(0, lines - len(out)))]
    return "\n".join(out) + "\n"


def timed_check(path: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "crossmarket_dsl", "check", str(path)], capture_output=True,
                                text=True)
        best = min(best, time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"check failed on {path}:\n{result.stdout}{result.stderr}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    samples = sorted((ROOT / "policies/branches").glob("*.xm"), key=lambda p: p.stat().st_size)
    largest = samples[-1]
    with tempfile.TemporaryDirectory() as folder:
        branch = Path(folder) / "policies/branches/bench.xm"
        branch.parent.mkdir(parents=True)
        (Path(folder) / "policies/measure").mkdir()
        (Path(folder) / "policies/measure/2026.xm").write_text((ROOT / "policies/measure/2026.xm").read_text("utf-8"),
                                                                 encoding="utf-8")
        (Path(folder) / "schemas").symlink_to(ROOT / "schemas")
        branch.write_text(generated_rules(args.lines), encoding="utf-8")
        generated_lines = len(branch.read_text(encoding="utf-8").splitlines())
        rows = [(f"{largest.relative_to(ROOT)} ({len(largest.read_text('utf-8').splitlines())} lines)",
                 timed_check(largest, args.repeat)),
                (f"generated rules ({generated_lines} lines)", timed_check(branch, args.repeat))]
    width = max(len(name) for name, _ in rows)
    print(f"{'file'.ljust(width)}  check (best of {args.repeat}, whole process)")
    for name, seconds in rows:
        print(f"{name.ljust(width)}  {seconds:.2f} s")


if __name__ == "__main__":
    main()
