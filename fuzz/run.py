"""The long fuzz run: thousands of inputs a category, counts of each outcome printed by category.

    python fuzz/run.py --examples 2000                  # every category
    python fuzz/run.py --examples 500 --category ledgers

Exits 1 when any property failed, after printing the failing inputs (the first few of each kind).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from fuzz import properties, strategies  # noqa: E402
from fuzz.harness import PropertyFailed, Tally  # noqa: E402

CATEGORIES = {
    "rules": (strategies.rules_mutants(), properties.rules),
    "ledgers": (strategies.ledgers(), properties.ledger),
    "workspace.yaml": (strategies.workspace_files(), properties.workspace_yaml),
    "policy tests": (strategies.test_files(), properties.policy_test),
    "register": (strategies.tamperings(), properties.register),
}


def campaign(category: str, examples: int, tally: Tally, folder: Path) -> None:
    strategy, check = CATEGORIES[category]

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def one(example):
        try:
            outcome = check(example, folder / "case")
        except PropertyFailed as failure:
            outcome = f"FAILED: {str(failure).splitlines()[0][:120]}"
            if len(tally.failures) < 20:
                tally.failures.append(f"[{category}] {failure}\n    input: {example!r}"[:2000])
        tally.add(category, outcome)

    one()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=200, help="inputs a category (default 200)")
    parser.add_argument("--category", choices=sorted(CATEGORIES), action="append", help="only these categories")
    arguments = parser.parse_args()
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="crossmarket-fuzz-") as folder:
        for category in arguments.category or list(CATEGORIES):
            started = time.monotonic()
            campaign(category, arguments.examples, tally, Path(folder))
            print(f"[{category}: {time.monotonic() - started:.0f} s]", file=sys.stderr)
    tally.print()
    for failure in tally.failures:
        print(failure)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
