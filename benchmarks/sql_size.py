"""The rows query's size in each dialect, and what it costs to build, render and plan: for the example
workspaces of 盘锦分行 and 大连分行.

    python benchmarks/sql_size.py [--repeat 5]

For each workspace it prints the query's size in bytes of UTF-8 (compact in each dialect, and pretty-printed
as `compile --sql` writes it), the least processor time of `sqlplan.rows_query` (building the tree) and of
rendering it in each dialect, and DuckDB's own planning of it on the example's tables (`PRAGMA
enable_profiling='json'` in the detailed mode: binding and planning, the optimizer, the physical planner; and
the whole statement), the least of `--repeat` runs each.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from crossmarket_dsl.engine.columnar import prepare
from crossmarket_dsl.engine.contract import Lookups
from crossmarket_dsl.engine.evaluate import product_info, target_test
from crossmarket_dsl.engine.session import open_session
from crossmarket_dsl.engine.sqlplan import rows_query
from crossmarket_dsl.engine.sqltext import DIALECTS, render

ROOT = Path(__file__).resolve().parent.parent
WORKSPACES = {"panjin": ROOT / "examples/panjin-2026", "dalian": ROOT / "examples/dalian-2026"}


def best(repeat: int, run) -> float:
    """The least processor time of `repeat` runs: on a shared machine, what the work itself costs."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def planning(session, query, repeat: int) -> dict[str, float]:
    """DuckDB's planning of the query, best of `repeat` (seconds by stage)."""
    inputs, plan = session.inputs, session.plan
    lookups = Lookups(inputs.clients, inputs.projects, product_info(plan, inputs), target_test(plan, inputs), {})
    prepared = prepare(plan, inputs.deals, lookups)  # its database lives as long as it does
    con = prepared.run.con
    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "profile.json"
        for _ in range(repeat):
            con.execute("PRAGMA enable_profiling='json'")
            con.execute("PRAGMA profiling_mode='detailed'")
            con.execute(f"PRAGMA profiling_output='{output}'")
            con.execute(f"CREATE OR REPLACE TABLE decided AS {query.sql('duckdb')}")
            con.execute("PRAGMA disable_profiling")
            profile = json.loads(output.read_text(encoding="utf-8"))
            stages = {"planner": profile["planner"]["total_time"], "optimizer": profile["optimizer"]["total_time"],
                      "physical": profile["physical_planner"]["total_time"],
                      "query": profile["query"]["total_time"]}
            found = {key: min(value, found.get(key, value)) for key, value in stages.items()}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    print(f"{'rules':8} {'what':28} {'figure':>12}")
    for name, workspace in WORKSPACES.items():
        session = open_session(workspace)
        window, columns = session.window(), session.inputs.deals.columns
        query = rows_query(session.plan, window, columns)
        figures = {f"{dialect} bytes": size(render(query.query, dialect)) for dialect in DIALECTS}
        figures.update({f"{dialect} pretty bytes": size(render(query.query, dialect, pretty=True))
                        for dialect in DIALECTS})
        figures["build ms"] = 1000 * best(repeat, lambda: rows_query(session.plan, window, columns))
        figures.update({f"render {dialect} ms": 1000 * best(repeat, lambda: render(query.query, dialect))
                        for dialect in DIALECTS})
        figures.update({f"duckdb {stage} ms": 1000 * seconds
                        for stage, seconds in planning(session, query, repeat).items()})
        for what, figure in figures.items():
            print(f"{name:8} {what:28} {figure:>12,.0f}" if "bytes" in what else
                  f"{name:8} {what:28} {figure:>12,.1f}")


if __name__ == "__main__":
    main()
