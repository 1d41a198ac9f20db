"""One function a category: run crossmarket on one generated input, check the properties, and name the
outcome (`ok`, `exit 1 E511` …) for the tallies. A property that does not hold raises `PropertyFailed`."""

from __future__ import annotations

import csv
import io
import random
import shutil
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path

from .harness import PropertyFailed, evaluated, order_free, run, workspace
from .strategies import ledger_bytes

# ---- nothing is read outside the workspace ----

_OPENED: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes, Path)):
        _OPENED.append(str(args[0]))


sys.addaudithook(_audit)  # once a process; it only listens while `reads_watched` runs


@contextmanager
def reads_watched(outside: Path):
    """Fail when a file of `outside` (the folder holding the workspace and its secrets) is opened, other
    than those inside the workspace itself."""
    global _OPENED
    _OPENED = []
    try:
        yield
    finally:
        opened, _OPENED = _OPENED, None
    for path in opened:
        found = Path(path).resolve()
        if found.name.startswith("secret.") and outside.resolve() in found.parents:
            raise PropertyFailed(f"read a file outside the workspace: {path}")


# ---- rules ----

def rules(text: str, folder: Path) -> str:
    """check never crashes and reports only coded diagnostics; rules that pass check evaluate cleanly, every
    row accepted or rejected, the rewards adding up to the pool."""
    ws = workspace(folder, rules=text)
    checked = run("check", ws / "rules.xm")
    if checked.status != 0:
        return f"check {checked.outcome()}"
    found, _ = evaluated(ws)
    return f"evaluate {found.outcome()}"


# ---- ledgers ----

def ledger(example: dict, folder: Path, seed: int = 0) -> str:
    """A ledger is read or refused with a coded, located error; every record a CSV reader finds comes out
    accepted or rejected, none lost; the results are the same in any order of the rows."""
    data = example["data"] if "data" in example else ledger_bytes(example, example["rows"])
    ws = workspace(folder, deals=data, deals_name=example["name"])
    found, document = evaluated(ws)
    if document is None:
        return f"evaluate {found.outcome()}"
    if example["form"] in ("csv", "raw") and document["deals"]["rows"] != _records(data):
        raise PropertyFailed(f"{_records(data)} rows written, {document['deals']['rows']} read")
    if "data" not in example:  # generated: the same rows in another order
        rows = list(example["rows"])
        random.Random(seed).shuffle(rows)
        _, other = evaluated(workspace(folder / "shuffled", deals=ledger_bytes(example, rows),
                                       deals_name=example["name"]))
        if other is None or order_free(other) != order_free(document):
            raise PropertyFailed("the results depend on the order of the ledger's rows")
    return f"evaluate ok ({'some' if document['deals']['rejected'] else 'no'} rows rejected)"


def _records(data: bytes) -> int:
    """The data records Python's CSV reader finds in a file, blank ones not counted: what a reader must keep."""
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    records = list(csv.reader(io.StringIO(text, newline="")))[1:]
    return sum(1 for record in records if any(record))


# ---- workspace.yaml and policy tests ----

def workspace_yaml(text: str, folder: Path) -> str:
    """Any workspace.yaml: a coded error or a run, and nothing read from outside the workspace."""
    ws = workspace(folder)
    _links(ws, folder)
    (ws / "workspace.yaml").write_text(text.replace("{outside}", str(folder)), encoding="utf-8")
    with reads_watched(folder):
        found = run("evaluate", ws, "--format", "json")
    return f"evaluate {found.outcome()}"


def policy_test(text: str, folder: Path) -> str:
    ws = workspace(folder)
    (ws / "fuzz.test.yaml").write_text(text, encoding="utf-8")
    with reads_watched(folder):
        found = run("test", ws / "fuzz.test.yaml")
    return f"test {found.outcome()}"


def _links(ws: Path, folder: Path) -> None:
    for name, target in (("link.xm", "secret.xm"), ("link.csv", "secret.csv")):
        (ws / name).symlink_to(folder / target)
    shutil.copy(folder / "secret.xm", ws / "secret-copy.txt")


# ---- the register ----

_PRISTINE: dict[str, bytes] = {}


def register(statements: list[str], folder: Path) -> str:
    """A register changed by hand: verify names it (exit 1) whenever its content changed; verify, list, show
    and diff never crash."""
    path = folder / "register.sqlite"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_pristine(folder))
    before = _dump(path)
    refused = _tamper(path, statements)
    changed = _dump(path) != before
    verified = run("register", "verify", "--register", path)
    for command in (["list"], ["show", "1"], ["show", "2"], ["diff", "1", "2"], ["list", "--format", "json"]):
        run("register", *command, "--register", path)
    by_hand = not any(statement.startswith("BYTES ") for statement in statements)  # bytes may hit free pages
    if changed and by_hand and verified.status == 0:
        raise PropertyFailed(f"a changed register passes verify: {statements}")
    if refused:
        return f"tamper refused by SQLite, verify {verified.outcome()}"
    return f"verify {verified.outcome()}" + ("" if changed else " (nothing changed)")


def _pristine(folder: Path) -> bytes:
    """A register of two filings of Panjin's rules, made once a process."""
    if "register" not in _PRISTINE:
        ws = workspace(folder / "pristine")
        text = (ws / "rules.xm").read_text(encoding="utf-8")
        (ws / "b.xm").write_text(text.replace("pool 200万", "pool 300万"), encoding="utf-8")
        path = folder / "pristine.sqlite"
        path.unlink(missing_ok=True)
        for rules_file in (ws / "rules.xm", ws / "b.xm"):
            filed = run("register", "file", rules_file, "--by", "张三", "--register", path)
            if filed.status != 0:
                raise PropertyFailed(f"the sample rules cannot be filed: {filed.output[-300:]}")
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode = DELETE")
        _PRISTINE["register"] = path.read_bytes()
    return _PRISTINE["register"]


def _tamper(path: Path, statements: list[str]) -> bool:
    refused = False
    for statement in statements:
        if statement.startswith("BYTES "):
            _, offset, length = statement.split()
            data = bytearray(path.read_bytes())
            start = int(offset) % max(len(data), 1)
            data[start:start + int(length)] = bytes(random.Random(statement).randrange(256) for _ in range(int(length)))
            path.write_bytes(bytes(data))
            continue
        try:
            with sqlite3.connect(path) as connection:
                connection.execute(statement)
            connection.close()
        except (sqlite3.DatabaseError, UnicodeDecodeError):  # or damaged by an earlier flip of its bytes
            refused = True
    return refused


def _dump(path: Path) -> str | bytes:
    try:
        connection = sqlite3.connect(path)
        try:
            return "\n".join(connection.iterdump())
        finally:
            connection.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError):  # damaged beyond SQLite's reading: compare the bytes
        return path.read_bytes()
