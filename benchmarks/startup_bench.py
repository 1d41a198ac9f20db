"""What `crossmarket evaluate` costs before and after the rows: start-up on an example workspace, the imports,
and, on the 1,000,000-deal result, opening the session and writing the JSON — for this build and, in the same
run, for another build beside it (`--before`, a checkout of an earlier commit), so the two are compared under
the same load.

    python benchmarks/startup_bench.py [--repeat 7] [--deals 1000000] [--before DIR]

- `evaluate WS --format json` on `examples/panjin-2026` (506 deals), whole process, with each engine, beside
  the floor of a Python process that does nothing: best wall and processor time of the runs;
- imports: the sum of every module's own import time under `python -X importtime` for that command, each
  module's best of the runs (the interpreter's own modules, the same for both builds, included);
- on the generated workspace of `--deals` deals, through the Python API in one process a build: opening the
  session (workspace, rules, measure, schema, tables), then, on the evaluated result, its JSON document
  written (`io/jsonout.dumps`) and made safe for the terminal (`cli/terminal.printable`), as `evaluate
  --format json` does: processor time, best of the runs.

The timed processes use a bytecode cache of their own, as `check_bench.py` explains.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from check_bench import installed_like, timed
from run import workspace_for

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "panjin-2026"

# Run with a build's folder first on the path: the session of the large workspace opened, evaluated once, and
# the fixed costs around the rows timed; prints the figures as JSON.
PHASES = r"""
import json, sys, time
from crossmarket_dsl.cli.terminal import printable
from crossmarket_dsl.engine.session import open_session
from crossmarket_dsl.io.jsonout import dumps
from crossmarket_dsl.reports.render import to_json

workspace, repeat = sys.argv[1], int(sys.argv[2])

def best(step):
    times = []
    for _ in range(repeat):
        started = time.process_time()
        value = step()
        times.append(time.process_time() - started)
    return min(times), value

session_s, session = best(lambda: open_session(workspace, engine="python"))
result = session.evaluate()
document = to_json(result, session.rules_info())
dumps_s, text = best(lambda: dumps(document))
printable_s, _ = best(lambda: printable(text))
print(json.dumps({"session": session_s, "dumps": dumps_s, "printable": printable_s, "bytes": len(text.encode()),
                  "rejected": len(result.rejected)}))
"""


def import_seconds(build: Path, args: list[str], repeat: int, env: dict[str, str]) -> float:
    """The sum over the modules a command imports of each one's own import time, its best of `repeat` runs."""
    best: dict[str, int] = {}
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "crossmarket_dsl", *args], cwd=build,
                              capture_output=True, text=True, env=env)
        for line in done.stderr.splitlines():
            if line.startswith("import time:") and "self [us]" not in line:
                own, _, name = line[len("import time:"):].split("|")
                best[name.strip()] = min(best.get(name.strip(), 1 << 62), int(own))
    return sum(best.values()) / 1e6


def measure(build: Path, workspace: Path, repeat: int, pycache: Path) -> dict:
    env = {**installed_like(pycache), "PYTHONPATH": str(build)}  # the build's package before any installed one
    figures = {"floor": timed([sys.executable, "-c", "pass"], repeat, env, cwd=build)}
    for engine in ("python", "duckdb"):
        args = ["evaluate", str(EXAMPLE), "--format", "json", "--engine", engine]
        figures[engine] = timed([sys.executable, "-m", "crossmarket_dsl", *args], repeat, env, cwd=build)
        figures[f"imports {engine}"] = import_seconds(build, args, repeat, env)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PHASES, str(workspace), str(min(repeat, 3))], cwd=build,
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{build}: the large workspace failed:\n{done.stderr[-2000:]}")
    figures["phases"] = json.loads(done.stdout)
    figures["phases seconds"] = time.perf_counter() - started
    return figures


def commit_of(build: Path) -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=build, capture_output=True,
                          text=True).stdout.strip() or "?"


def table(builds: list[tuple[str, dict]], deals: int) -> str:
    def row(name, cells):
        return f"{name.ljust(50)}" + "".join(f"{cell:>18}" for cell in cells)

    lines = [row("what (seconds)", [label for label, _ in builds])]
    for key, name in (("floor", "floor: python -c pass (wall / processor)"),
                      ("python", "evaluate example --engine python (wall / proc.)"),
                      ("duckdb", "evaluate example --engine duckdb (wall / proc.)")):
        lines.append(row(name, [f"{f[key][0]:.3f} / {f[key][1]:.3f}" for _, f in builds]))
    for engine in ("python", "duckdb"):
        lines.append(row(f"imports of evaluate --engine {engine}", [f"{f[f'imports {engine}']:.3f}" for _, f in builds]))
    for key, name in (("session", f"open the session, {deals:,} deals (processor)"),
                      ("dumps", "write the result's JSON (processor)"),
                      ("printable", "make it safe for the terminal (processor)")):
        lines.append(row(name, [f"{f['phases'][key]:.3f}" for _, f in builds]))
    sizes = {f"{f['phases']['bytes']:,} bytes, {f['phases']['rejected']:,} rejected rows" for _, f in builds}
    return "\n".join(lines + [f"the result's JSON: {', '.join(sorted(sizes))}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--before", type=Path, help="a checkout of an earlier build, measured beside this one")
    args = parser.parse_args()
    workspace = workspace_for(args.deals, args.seed, cents=False)
    builds = [(f"before {commit_of(args.before)}", args.before)] if args.before else []
    builds.append((f"this {commit_of(ROOT)}", ROOT))
    with tempfile.TemporaryDirectory() as folder:
        measured = [(label, measure(build.resolve(), workspace, args.repeat, Path(folder) / label.split()[0]))
                    for label, build in builds]
    print(f"best of {args.repeat} (the large workspace: best of {min(args.repeat, 3)})")
    print(table(measured, args.deals))


if __name__ == "__main__":
    main()
