"""Benchmark `crossmarket evaluate` on synthetic Panjin workspaces of several sizes.

    python benchmarks/run.py                           # 10,000, 100,000 and 1,000,000 deals
    python benchmarks/run.py --sizes 10000,100000 --repeat 3
    python benchmarks/run.py --sizes 1000000 --cents      # amounts to the cent: they hardly repeat

For each size N it generates the workspace once (cached under `benchmarks/data/`, which git ignores;
regenerated when `generate.py` changes), then, each in its own fresh subprocess:

- runs `crossmarket evaluate WS --format json` and measures its wall time and peak memory;
- runs a bare `csv.reader` pass over the same ledger, the floor any evaluator has to read through;

and prints wall time, deals per second, peak RSS, the csv.reader time and the ratio of the two.
Peak memory is `getrusage(RUSAGE_CHILDREN).ru_maxrss` read by a small wrapper process whose only child is
the measured command, so each figure is that run's own peak.

Targets (benchmarks/README.md): 1,000,000 deals in under 20 s, ratio under 10, peak under 1 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
TARGET_SECONDS, TARGET_RATIO, TARGET_PEAK_MB = 20.0, 10.0, 1024.0

# Runs argv[1:] as its only child; prints the child's exit code, wall time and peak RSS as JSON on stderr.
WRAPPER = r"""
import json, resource, subprocess, sys, time
started = time.perf_counter()
with open(sys.argv[1], "wb") as out:
    code = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE)
wall = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, kilobytes on Linux
sys.stderr.write(json.dumps({"rc": code.returncode, "wall": wall, "peak": peak * scale,
                             "stderr": code.stderr.decode("utf-8", "replace")[-2000:]}))
"""

CSV_PASS = r"""
import csv, sys
rows = 0
with open(sys.argv[1], encoding="utf-8", newline="") as handle:
    for row in csv.reader(handle):
        rows += 1
print(rows)
"""

# Until the CLI imports, the same evaluation through the API (what `evaluate --format json` does).
API_EVALUATE = r"""
import sys
from crossmarket_dsl.engine.session import open_session
from crossmarket_dsl.io.jsonout import dumps
from crossmarket_dsl.reports.render import to_json
session = open_session(sys.argv[1])
print(dumps(to_json(session.evaluate(), session.rules_info())))
"""


def generator_digest() -> str:
    return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:16]


def workspace_for(n: int, seed: int, cents: bool) -> Path:
    """The cached workspace of N deals; generated when missing or made by another version of generate.py."""
    folder = DATA / f"panjin-{n}-s{seed}{'-cents' if cents else ''}"
    stamp = folder / ".generator"
    if stamp.is_file() and stamp.read_text() == generator_digest() and (folder / "deals.csv").is_file():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    subprocess.run([sys.executable, str(HERE / "generate.py"), str(n), str(folder), "--seed", str(seed),
                    *(["--cents"] if cents else [])], check=True)
    stamp.write_text(generator_digest())
    return folder


def cli_available() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import crossmarket_dsl.cli"], capture_output=True, cwd=ROOT)
    return probe.returncode == 0


def evaluate_command(workspace: Path, via: str) -> list[str]:
    if via == "api":
        return [sys.executable, "-c", API_EVALUATE, str(workspace)]
    script = shutil.which("crossmarket")
    command = [script] if script else [sys.executable, "-c", "from crossmarket_dsl.cli import main; main()"]
    return [*command, "evaluate", str(workspace), "--format", "json"]


def measured(command: list[str], output: Path) -> dict:
    """Run `command` under the wrapper in a fresh process; its exit code, wall time (s) and peak RSS (bytes)."""
    wrapper = subprocess.run([sys.executable, "-c", WRAPPER, str(output), *command], capture_output=True, cwd=ROOT,
                             env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    try:
        return json.loads(wrapper.stderr.decode("utf-8").strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise SystemExit(f"the measuring wrapper failed: {wrapper.stderr.decode('utf-8', 'replace')[-2000:]}")


def best_of(repeat: int, command: list[str], output: Path) -> dict:
    runs = [measured(command, output) for _ in range(repeat)]
    failed = [run for run in runs if run["rc"] != 0]
    if failed:
        return failed[0]
    return {"rc": 0, "wall": min(run["wall"] for run in runs), "peak": max(run["peak"] for run in runs), "stderr": ""}


def bench(n: int, seed: int, via: str, repeat: int, cents: bool) -> dict:
    workspace = workspace_for(n, seed, cents)
    result_file = workspace / "result.json"
    evaluation = best_of(repeat, evaluate_command(workspace, via), result_file)
    row = {"n": n, "via": via, "rc": evaluation["rc"], "wall": evaluation["wall"], "peak_mb": evaluation["peak"] / 2**20}
    if evaluation["rc"] != 0:
        row["error"] = evaluation["stderr"].strip().splitlines()[-1:] or ["(no message)"]
        return row
    try:
        document = json.loads(result_file.read_text(encoding="utf-8"))
        row["accepted"], row["rejected"] = document["deals"]["accepted"], document["deals"]["rejected"]
    except (ValueError, KeyError):
        row["accepted"] = row["rejected"] = None
    baseline = best_of(repeat, [sys.executable, "-c", CSV_PASS, str(workspace / "deals.csv")],
                       workspace / "csv_pass.txt")
    row["csv_wall"] = baseline["wall"]
    row["ratio"] = row["wall"] / baseline["wall"] if baseline["wall"] else None
    row["per_second"] = n / row["wall"] if row["wall"] else None
    return row


def table(rows: list[dict]) -> str:
    header = ["deals", "evaluate s", "deals/s", "peak MB", "csv.reader s", "ratio", "accepted", "rejected"]
    lines = []
    for row in rows:
        if row["rc"] != 0:
            lines.append([f"{row['n']:,}", f"failed (exit {row['rc']}): {' '.join(row['error'])}"])
            continue
        lines.append([f"{row['n']:,}", f"{row['wall']:.2f}", f"{row['per_second']:,.0f}", f"{row['peak_mb']:,.0f}",
                      f"{row['csv_wall']:.2f}", f"{row['ratio']:.1f}",
                      f"{row['accepted']:,}" if row["accepted"] is not None else "?",
                      f"{row['rejected']:,}" if row["rejected"] is not None else "?"])
    widths = [max(len(str(r[i])) for r in [header, *lines] if i < len(r)) for i in range(len(header))]
    out = ["  ".join(h.rjust(w) for h, w in zip(header, widths))]
    for line in lines:
        if len(line) == 2:
            out.append(f"{line[0].rjust(widths[0])}  {line[1]}")
        else:
            out.append("  ".join(cell.rjust(w) for cell, w in zip(line, widths)))
    return "\n".join(out)


def verdicts(rows: list[dict]) -> list[str]:
    """The README's targets, judged on the 1,000,000-deal run when there is one."""
    million = next((row for row in rows if row["n"] == 1_000_000 and row["rc"] == 0), None)
    if million is None:
        return ["targets are for 1,000,000 deals: run with --sizes 1000000 to judge them"]
    checks = [("wall time", million["wall"], TARGET_SECONDS, "s"), ("ratio to csv.reader", million["ratio"], TARGET_RATIO, "×"),
              ("peak memory", million["peak_mb"], TARGET_PEAK_MB, " MB")]
    return [f"{'ok  ' if value < limit else 'MISS'} {name}: {value:,.1f}{unit} (target under {limit:,.0f}{unit})"
            for name, value, limit, unit in checks]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="benchmark `crossmarket evaluate` on synthetic workspaces")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated deal counts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the best wall time is reported")
    parser.add_argument("--via", choices=["auto", "cli", "api"], default="auto",
                        help="`cli` runs `crossmarket evaluate`; `api` the same evaluation through the Python API "
                             "(for when the CLI cannot be imported); `auto` prefers the CLI")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--cents", action="store_true",
                        help="ledgers whose amounts, fees and deposits are to the cent (they hardly repeat)")
    args = parser.parse_args(argv)
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    via = args.via
    if via == "auto":
        via = "cli" if cli_available() else "api"
        if via == "api":
            print("note: `crossmarket_dsl.cli` does not import; measuring the same evaluation through the API",
                  file=sys.stderr)
    rows = []
    for n in sizes:
        print(f"… {n:,} deals", file=sys.stderr, flush=True)
        rows.append(bench(n, args.seed, via, max(1, args.repeat), args.cents))
    print(f"crossmarket evaluate ({via}), Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
          + (", amounts to the cent" if args.cents else ""))
    print(table(rows))
    for line in verdicts(rows):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0 if all(row["rc"] == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
