"""The engines side by side on synthetic Panjin workspaces (`generate.py`): for each size, in fresh processes,

- `crossmarket evaluate WS --format json --engine E` for each engine: wall time and peak memory;
- the DuckDB floor: `SELECT count(*), sum(quantity) FROM read_csv(…)` on the same `deals.csv`, in a Python
  process that imports DuckDB (start-up counts, as it does for the CLI);
- the hand-written DuckDB SQL of the same rules (`handwritten.sql`, run by `handwritten.py`);

and prints each engine's ratio to the floor. It checks that the engines' JSON results are byte for byte the
same. Targets on 2 cores (benchmarks/README.md): 1,000,000 deals within 3× the floor and ahead of the
hand-written script; 10,000,000 deals under 2 GB of peak memory.

    python benchmarks/engines.py                                  # 1,000,000 and 10,000,000 deals
    python benchmarks/engines.py --sizes 1000000 --engines duckdb,python --repeat 3
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from run import ROOT, best_of, evaluate_command, workspace_for

HERE = Path(__file__).resolve().parent
FLOOR = r"""
import sys, duckdb
print(duckdb.sql(f"SELECT count(*), sum(TRY_CAST(quantity AS DECIMAL(38, 12))) "
                 f"FROM read_csv('{sys.argv[1]}', header = true, all_varchar = true)").fetchall())
"""
TARGET_RATIO, TARGET_PEAK_MB = 3.0, 2048.0


def bench(n: int, seed: int, engines: list[str], repeat: int) -> list[dict]:
    workspace = workspace_for(n, seed, cents=False)
    floor = best_of(repeat, [sys.executable, "-c", FLOOR, str(workspace / "deals.csv")], workspace / "floor.txt")
    rows = [{"n": n, "what": "DuckDB floor", **floor}]
    hand = best_of(repeat, [sys.executable, str(HERE / "handwritten.py"), str(workspace)], workspace / "hand.txt")
    rows.append({"n": n, "what": "hand-written SQL", **hand})
    results = {}
    for engine in engines:
        output = workspace / f"result-{engine}.json"
        run = best_of(repeat, [*evaluate_command(workspace, "cli"), "--engine", engine], output)
        rows.append({"n": n, "what": f"evaluate --engine {engine}", **run})
        results[engine] = output.read_bytes() if run["rc"] == 0 else None
    for row in rows:
        row["ratio"] = row["wall"] / floor["wall"]
    same = len({result for result in results.values()}) == 1 and None not in results.values()
    rows.append({"n": n, "what": "same JSON on every engine: " + ("yes" if same else "NO"), "rc": 0 if same else 1})
    return rows


def table(rows: list[dict]) -> str:
    lines = [f"{'deals':>11}  {'what':<28} {'wall s':>8} {'peak MB':>8} {'× floor':>8}"]
    for row in rows:
        if "wall" not in row:
            lines.append(f"{row['n']:>11,}  {row['what']}")
            continue
        failed = "" if row["rc"] == 0 else f"  (failed: {row.get('stderr', '').strip().splitlines()[-1:]})"
        lines.append(f"{row['n']:>11,}  {row['what']:<28} {row['wall']:>8.2f} {row['peak'] / 2**20:>8.0f} "
                     f"{row['ratio']:>8.1f}{failed}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--engines", default="duckdb,python")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args(argv)
    rows = []
    for n in (int(size) for size in options.sizes.split(",")):
        rows += bench(n, options.seed, options.engines.split(","), options.repeat)
        print(table(rows), end="\n\n", flush=True)
    return 0 if all(row["rc"] == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
