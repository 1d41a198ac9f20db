"""Running crossmarket as its user does, and the properties every run keeps.

A command runs in this process through click's test runner, which hands back any exception a command did
not turn into a message: an exception that is not a clean exit is an internal error, the one outcome a
user must never see. Every message must carry a code of the registry.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from crossmarket_dsl.cli import cli
from crossmarket_dsl.core.codes import CODES

ROOT = Path(__file__).resolve().parent.parent
PANJIN = ROOT / "examples" / "panjin-2026"
RULES = {name: (ROOT / "policies" / "branches" / f"{name}.xm").read_text(encoding="utf-8")
         for name in ("panjin", "dalian", "anshan")}
SECRET = "SECRET-5f0e1c-never-printed"
CODE = re.compile(r"(?:error|warning)\[([A-Z]\d{3})\]")
TESTS_FAILED = re.compile(r"\d+ passed, \d+ failed")  # policy tests that ran and did not pass: no error


class PropertyFailed(AssertionError):
    """A property of crossmarket does not hold for this example."""


@dataclass
class Run:
    status: int
    output: str

    @property
    def codes(self) -> list[str]:
        return CODE.findall(self.output)

    def outcome(self) -> str:
        """`ok`, or the exit status with the first code it printed: `exit 1 E511`."""
        if self.status == 0:
            return "ok"
        return f"exit {self.status} {self.codes[0] if self.codes else ''}".strip()


def run(*args: object) -> Run:
    """One command; an internal error (an exception the command let through) fails the property."""
    result = CliRunner().invoke(cli, [str(arg) for arg in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        error = result.exception
        raise PropertyFailed(f"internal error {type(error).__name__}: {error} in `crossmarket "
                             f"{' '.join(map(str, args))}`") from error
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    found = Run(result.exit_code, output)
    if found.status not in (0, 1, 2):
        raise PropertyFailed(f"exit status {found.status}: {output[-300:]}")
    if "internal error" in output:
        raise PropertyFailed(f"internal error: {output[-300:]}")
    unknown = [code for code in found.codes if code not in CODES]
    if unknown:
        raise PropertyFailed(f"codes outside the registry: {unknown}")
    answered = found.codes or output.lstrip().startswith("{") or TESTS_FAILED.search(output)
    if found.status != 0 and not answered:
        raise PropertyFailed(f"a failure without a code: {output[-300:]}")
    if SECRET in output:
        raise PropertyFailed("text of a file outside the workspace was printed")
    return found


# ---- a workspace to run in ----

def workspace(folder: Path, rules: str | None = None, deals: bytes | None = None, deals_name: str = "deals.csv") -> Path:
    """The Panjin example in `folder` with its own rules (or `rules`) and ledger (or `deals`), and a secret
    beside it, outside it, that no run may print."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(PANJIN, folder / "ws")
    ws = folder / "ws"
    (ws / "rules.xm").write_text(RULES["panjin"] if rules is None else rules, encoding="utf-8")
    (folder / "secret.xm").write_text(f"# {SECRET}\n{SECRET}\n", encoding="utf-8")
    (folder / "secret.csv").write_text(f"deal_id\n{SECRET}\n", encoding="utf-8")
    text = (ws / "workspace.yaml").read_text(encoding="utf-8")
    text = text.replace("rules: ../../policies/branches/panjin.xm", "rules: rules.xm").replace("  audit: audit.csv\n", "")
    if deals is not None:
        (ws / "deals.csv").unlink()
        (ws / deals_name).write_bytes(deals)
        text = text.replace("deals: deals.csv", f"deals: {deals_name}")
    (ws / "workspace.yaml").write_text(text, encoding="utf-8")
    return ws


# ---- the properties of an evaluation ----

def evaluated(ws: Path, *options: object) -> tuple[Run, dict | None]:
    found = run("evaluate", ws, "--format", "json", *options)
    if found.status != 0:
        return found, None
    document = json.loads(found.output[found.output.index("{"):])
    money_adds_up(document)
    return found, document


def money_adds_up(document: dict) -> None:
    """Every row accepted or rejected; the rewards add up to the pool, none negative."""
    deals = document["deals"]
    if deals["rows"] != deals["accepted"] + deals["rejected"] or len(document["rejected"]) != deals["rejected"]:
        raise PropertyFailed(f"rows in {deals['rows']} != accepted {deals['accepted']} + rejected {deals['rejected']}")
    reward = document.get("reward")
    if not reward or document.get("provisional"):
        return
    rewards = [Decimal(d["reward"]) for d in document["departments"] if d.get("reward") is not None]
    if any(value < 0 for value in rewards):
        raise PropertyFailed(f"a negative reward: {rewards}")
    points = sum(Decimal(d["points"]) for d in document["departments"])
    if points > 0 and sum(rewards) != Decimal(reward["pool"]):
        raise PropertyFailed(f"rewards add up to {sum(rewards)}, not the pool {reward['pool']}")


def order_free(document: dict) -> dict:
    """What an evaluation decides, whatever the order of the ledger's rows: rows are named by deal id."""
    return {"departments": document["departments"], "products": document["products"],
            "rejected": sorted((r["deal_id"] or "", r["code"]) for r in document["rejected"]),
            "deals": document["deals"]}


@dataclass
class Tally:
    """Outcomes by category, and the first failing example of each kind."""

    counts: dict[str, Counter] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def add(self, category: str, outcome: str) -> None:
        self.counts.setdefault(category, Counter())[outcome] += 1

    def print(self, file=sys.stdout) -> None:
        for category, counter in self.counts.items():
            total = sum(counter.values())
            print(f"{category}: {total} inputs", file=file)
            for outcome, count in counter.most_common():
                print(f"  {count:6d}  {outcome}", file=file)
