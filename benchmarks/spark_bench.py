"""The Spark engine in local mode beside the others, on the synthetic Panjin workspaces of `generate.py`.

    python benchmarks/spark_bench.py                          # 1,000,000 deals: spark, duckdb, python
    python benchmarks/spark_bench.py --sizes 100000 --engines spark,python --repeat 3

For each size and engine, in a fresh process: `crossmarket evaluate WS --format json --engine E`, its wall
time and the peak memory of the whole process tree — the Python process and, for Spark, the Java process
it starts (spark-submit's, with the driver and its executors in local mode). `getrusage` would give the
largest single process only, so the tree's resident memory is summed from /proc every 50 ms (Linux). The JSON results of the engines must be the same, byte
for byte. Spark's time includes starting Java and Spark (about 10 s on 2 cores), as a user's command does.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from run import ROOT, evaluate_command, workspace_for

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> int:
    """The resident bytes of `root` and every process below it."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1]: the parent
        rss[pid] = int(fields[21]) * PAGE  # fields[21]: resident pages
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def measured(command: list[str], output: Path) -> dict:
    """Wall time and peak resident memory of the process tree of one run."""
    started = time.perf_counter()
    with open(output, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, cwd=ROOT,
                                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        peak = 0
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.05)
        wall = time.perf_counter() - started
        stderr = process.stderr.read().decode("utf-8", "replace")
    return {"rc": process.returncode, "wall": wall, "peak": peak, "stderr": stderr[-2000:]}


def bench(n: int, seed: int, engines: list[str], repeat: int) -> list[dict]:
    workspace = workspace_for(n, seed, cents=False)
    rows, results = [], {}
    for engine in engines:
        output = workspace / f"result-{engine}.json"
        runs = [measured([*evaluate_command(workspace, "cli"), "--engine", engine], output) for _ in range(repeat)]
        failed = [run for run in runs if run["rc"] != 0]
        best = failed[0] if failed else min(runs, key=lambda run: run["wall"])
        rows.append({"n": n, "engine": engine, **best, "peak": max(run["peak"] for run in runs)})
        results[engine] = output.read_bytes() if not failed else None
    same = None not in results.values() and len(set(results.values())) == 1
    rows.append({"n": n, "engine": "same JSON on every engine: " + ("yes" if same else "NO"), "rc": 0 if same else 1})
    return rows


def table(rows: list[dict]) -> str:
    lines = [f"{'deals':>11}  {'engine':<10} {'wall s':>8} {'deals/s':>9} {'peak MB (tree)':>15}"]
    for row in rows:
        if "wall" not in row:
            lines.append(f"{row['n']:>11,}  {row['engine']}")
            continue
        failed = "" if row["rc"] == 0 else f"  (failed: {row['stderr'].strip().splitlines()[-1:]})"
        lines.append(f"{row['n']:>11,}  {row['engine']:<10} {row['wall']:>8.2f} {row['n'] / row['wall']:>9,.0f} "
                     f"{row['peak'] / 2**20:>15,.0f}{failed}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000")
    parser.add_argument("--engines", default="spark,duckdb,python")
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
