"""Head office's filing register (art. 24): every filing of a branch's rules, append-only and hash-chained.

One SQLite file with two tables. `filings` holds one record per filing; each record carries the hash of
the record before it (`prev_hash`) and its own `hash`, the SHA-256 of all its other fields serialised
canonically (`chain_hash`). `meta` names the format and its version and holds the head of the chain
(the last record's id and hash), so `verify` also notices when the last records are removed.

Each filing records the SHA-256 of the measure and of the schema it was checked against; the `pins`
table holds, for each measure name and version, the only measure and schema head office accepts
(`pins.py`). `verify` checks every filing's hashes against its measure's pin.

A filing is one `BEGIN IMMEDIATE` transaction: check the measure against its pin (pinning the shipped one
when head office pinned none), look for the same text already filed, read the head, insert, move the head. Concurrent filers wait for each other (busy timeout) instead of forking the chain,
and a filing interrupted half-way leaves the register as it was.

Format versions: 1 had neither the hashes nor the pins. A version 1 register is read as it is (its filings
show no hashes and verify as before) and is brought to version 2 the first time crossmarket writes to it:
the two columns and the `pins` table are added, the filings already there keep no hashes (they were hashed
without them, so their hashes still hold), and the shipped measure is pinned at the next filing unless
head office pins its own with `register init`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from ..core.errors import EXIT_INPUT, EXIT_USAGE, UserError
from ..language import ast
from ..language.diagnostics import render_report_json
from ..language.pipeline import Compiled
from .pins import Pin, check_pinned, implemented, not_pinned, stamped

FORMAT = "crossmarket-register"
VERSION = "2"
READABLE = ("1", VERSION)  # version 1 is read as it is and brought to version 2 when written to
GENESIS = "0" * 64  # the predecessor hash of record 1
BUSY_TIMEOUT_SECONDS = 60
DEFAULT_PATH = Path("register.sqlite")

PINS_TABLE = """
CREATE TABLE pins (
    measure_name TEXT NOT NULL,
    measure_version TEXT NOT NULL,
    measure_file TEXT NOT NULL,
    measure_sha256 TEXT NOT NULL,
    schema_file TEXT NOT NULL,
    schema_sha256 TEXT NOT NULL,
    pinned_at TEXT NOT NULL,
    pinned_by TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (measure_name, measure_version)
)"""
MIGRATION = ["ALTER TABLE filings ADD COLUMN measure_sha256 TEXT", "ALTER TABLE filings ADD COLUMN schema_sha256 TEXT",
             PINS_TABLE, f"UPDATE meta SET value = '{VERSION}' WHERE key = 'version'"]

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE filings (
    id INTEGER PRIMARY KEY,
    branch TEXT,
    rules_name TEXT,
    measure_name TEXT,
    measure_version TEXT,
    schema_name TEXT,
    file TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    sha256 TEXT NOT NULL,
    source TEXT NOT NULL,
    ir TEXT,
    diagnostics TEXT NOT NULL,
    measure_sha256 TEXT,
    schema_sha256 TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX filings_by_text ON filings (sha256, branch);
""" + PINS_TABLE



class RegisterError(UserError):
    """The register cannot be used. `file_level`: the file itself is wrong (exit 2), not its content (exit 1)."""

    def __init__(self, code: str, message: str, help: str | None = None, file_level: bool = True):
        super().__init__(code, message, help=help, exit_status=EXIT_USAGE if file_level else EXIT_INPUT)
        self.file_level = file_level


@dataclass(frozen=True)
class Filing:
    """One record. `ir` is the compiled IR with its source map (JSON), None when the file did not compile."""

    id: int | None
    branch: str | None
    rules_name: str | None
    measure_name: str | None
    measure_version: str | None
    schema_name: str | None
    file: str
    filed_at: str
    filed_by: str
    status: str
    sha256: str
    source: str
    ir: str | None
    diagnostics: str
    measure_sha256: str | None = None  # None: filed before format 2, or no measure could be read for the file
    schema_sha256: str | None = None
    prev_hash: str = GENESIS
    hash: str = ""

    @property
    def summary(self) -> dict:
        """`{"errors": N, "warnings": M}` of the diagnostics filed with it."""
        return json.loads(self.diagnostics)["summary"]


def chain_hash(record: Filing) -> str:
    """SHA-256 of every field but `hash` itself, as sorted compact JSON: the same bytes on every machine."""
    fields = asdict(record)
    del fields["hash"]
    for name in _PINNED:  # filings of format 1 were hashed without them: their hashes still hold
        if fields[name] is None:
            del fields[name]
    return _digest(fields)


def pin_hash(pin: Pin) -> str:
    """A pin's own hash, over every field but itself: a pin changed by hand is named by `verify`."""
    fields = asdict(pin)
    del fields["hash"]
    return _digest(fields)


def _digest(fields: dict) -> str:
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draft_filing(compiled: Compiled, filed_by: str, ir_json: str | None, checked: Pin | None = None) -> Filing:
    """A filing of a checked file, not yet numbered nor chained. `compiled.sources` starts with the file itself;
    `checked` is the measure and schema it was checked against."""
    source = next(iter(compiled.sources.values()))
    header = _header_facts(compiled.program)
    measure = (compiled.ir or {}).get("header", {}).get("measure", {})
    return Filing(
        id=None, branch=header.get("branch"), rules_name=header.get("name"),
        measure_name=measure.get("name", header.get("measure")),
        measure_version=measure.get("version", header.get("version")),
        schema_name=_schema_name(compiled), file=source.name,
        filed_at=datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        filed_by=filed_by, status="accepted" if compiled.ok else "rejected",
        sha256=hashlib.sha256(source.text.encode("utf-8")).hexdigest(), source=source.text, ir=ir_json,
        diagnostics=render_report_json(compiled.report),
        measure_sha256=checked.measure_sha256 if checked else None,
        schema_sha256=(checked.schema_sha256 or None) if checked else None)


def _header_facts(program: ast.Program | None) -> dict:
    """Branch, rules name and the measure it implements, as written (known even when the measure is not found)."""
    if program is None or program.kind != "rules":
        return {}
    values = {item.key: item.values for item in program.header.items if isinstance(item, ast.Setting)}
    measure, version = implemented(program) or (None, None)
    branch = values.get("branch", (None,))
    return {"name": program.header.name, "branch": branch[0] if isinstance(branch[0], str) else None,
            "measure": measure, "version": version}


def _schema_name(compiled: Compiled) -> str | None:
    """The schema the file was checked against: the file given or found, else the name the measure gives."""
    if compiled.schema_path is not None:
        return compiled.schema_path.name.removesuffix(".json").removesuffix(".schema")
    return (compiled.ir or {}).get("header", {}).get("measure", {}).get("schema")


class Register:
    """An open register. Use `open_register`; close it (or use `with`) when done."""

    def __init__(self, path: Path, connection: sqlite3.Connection):
        self.path = path
        self.connection = connection
        self.read_only = False  # on read-only media: read as it lies, nothing written
        self.version = VERSION  # a version 1 register read as it lies has no hashes nor pins

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc) -> None:
        self.connection.close()

    def file(self, draft: Filing, checked: Pin | None = None, default: Pin | None = None) -> tuple[Filing, bool]:
        """Append a filing; `(record, True)`, or `(earlier record, False)` when this branch filed this text before.
        `checked`, the measure and schema the filing was checked against, must be its measure's pin, or
        `default` when the register pins none for it (`default` is pinned then)."""
        with self._errors(), self._transaction():
            if checked is not None:
                check_pinned(self._pin_for(checked, default and stamped(default, draft.filed_at, draft.filed_by)),
                             checked)
            earlier = self._read("WHERE sha256 = ? AND branch IS ?", (draft.sha256, draft.branch))
            if earlier and isinstance(earlier[0], DamagedRecord):
                raise earlier[0]
            if earlier:
                return earlier[0], False
            head_id, head_hash = self._head()
            record = Filing(**{**asdict(draft), "id": head_id + 1, "prev_hash": head_hash, "hash": ""})
            record = Filing(**{**asdict(record), "hash": chain_hash(record)})
            fields = asdict(record)
            self.connection.execute(f"INSERT INTO filings ({', '.join(fields)}) VALUES "
                                    f"({', '.join('?' for _ in fields)})", tuple(fields.values()))
            self.connection.executemany("UPDATE meta SET value = ? WHERE key = ?",
                                        [(str(record.id), "head_id"), (record.hash, "head_hash")])
        return record, True

    def _pin_for(self, checked: Pin, default: Pin | None) -> Pin:
        pin = self.pins().get(checked.key)
        if pin is None and default is None:
            raise not_pinned(*checked.key)
        if pin is None:
            self.pin(default)
        return pin or default

    def pin(self, pin: Pin) -> None:
        fields = asdict(replace(pin, hash=pin_hash(pin)))
        self.connection.execute(f"INSERT INTO pins ({', '.join(fields)}) VALUES ({', '.join('?' for _ in fields)})",
                                tuple(fields.values()))

    def pin_once(self, pin: Pin) -> tuple[Pin, bool]:
        """Pin a measure and its schema: `(pin, True)`, or `(the pin already there, False)` when this measure
        name and version are pinned (to these texts or, F117 is the caller's to say, to others)."""
        with self._errors(), self._transaction():
            pinned = self.pins().get(pin.key)
            if pinned is None:
                self.pin(pin)
        return pinned or pin, pinned is None

    def pins(self) -> dict[tuple[str, str], Pin]:
        """Head office's pins by measure name and version; a damaged pin is an error naming it."""
        pins, problems = self._pins()
        if problems:
            raise RegisterError("F114", f"`{self.path}` is damaged: {problems[0]}", file_level=False, help=RESTORE_HELP)
        return pins

    def _pins(self) -> tuple[dict[tuple[str, str], Pin], list[str]]:
        if self.version == "1":
            return {}, []
        with self._errors():
            rows = self.connection.execute(f"SELECT {', '.join(PIN_FIELDS)} FROM pins").fetchall()
        pins, problems = {}, []
        for row in rows:
            pin = Pin(*row) if all(isinstance(value, str) for value in row) else None
            if pin is not None:
                pins[pin.key] = pin  # the filings are still compared with it, changed or not
            if pin is not None and pin.hash != pin_hash(pin):
                problems.append(f"the pin of `{pin.measure_name}` version `{pin.measure_version}` was changed: "
                                "its hash does not match its content")
            elif pin is None:
                problems.append(f"a pin of head office's measure is not what crossmarket wrote: "
                                f"{', '.join(_kind(value) for value in row[:2])}")
        return pins, problems

    def records(self, branch: str | None = None, status: str | None = None) -> list[Filing]:
        """The records, oldest first; a damaged one is a `DamagedRecord` error naming it."""
        read = self._read("WHERE (? IS NULL OR branch = ?) AND (? IS NULL OR status = ?)", (branch, branch, status, status))
        return [_trusted(self.path, record) for record in read]

    def intact(self) -> list[Filing]:
        """The records that can be read at all (`verify` names the others)."""
        return [record for record in self._read() if isinstance(record, Filing)]

    def get(self, record_id: int) -> Filing | None:
        found = self._read("WHERE id = ?", (record_id,))
        return _trusted(self.path, found[0]) if found else None

    def _read(self, where: str = "", parameters: tuple = ()) -> list[Filing | DamagedRecord]:
        """Every record as a `Filing`, or as the `DamagedRecord` error saying what is wrong with it. Only the
        columns crossmarket made are read: a column added by hand changes nothing (`verify` names it)."""
        columns = [f"NULL AS {name}" if self.version == "1" and name in _PINNED else name for name in FIELDS]
        with self._errors():
            rows = self.connection.execute(f"SELECT {', '.join(columns)} FROM filings {where} ORDER BY id",
                                           parameters).fetchall()
        return [_filing(self.path, tuple(row)) for row in rows]

    def head(self) -> tuple[int, str]:
        """The last record's id and hash, as the register itself remembers them."""
        with self._errors():
            return self._head()

    def verify(self) -> tuple[int, list[str]]:
        """The number of records and every problem of the chain, each naming the record concerned."""
        records = self._read()
        head_id, head_hash = self.head()
        pins, problems = self._pins()
        problems, previous = self._extra_columns() + problems, None
        for record in records:
            if isinstance(record, DamagedRecord):
                problems.append(record.message)
                previous = record.link  # the next record's link is still checked against what is left of it
                continue
            if record.id > head_id:
                problems.append(f"record {record.id} was added outside crossmarket: "
                                f"the register's last filing is record {head_id}")
                continue
            problems += _record_problems(record, previous) + _pin_problems(record, pins)
            previous = record
        return len(records), problems + _head_problems(previous, head_id, head_hash)

    def _extra_columns(self) -> list[str]:
        with self._errors():
            columns = [row[1] for row in self.connection.execute("PRAGMA table_info(filings)")]
        extra = [name for name in columns if name not in FIELDS]
        return [f"the filings have a column crossmarket did not make: {', '.join(f'`{name}`' for name in extra)}"] \
            if extra else []

    def _head(self) -> tuple[int, str]:
        meta = dict(self.connection.execute("SELECT key, value FROM meta WHERE key IN ('head_id', 'head_hash')"))
        head_id, head_hash = meta.get("head_id"), meta.get("head_hash")
        if not (isinstance(head_id, str) and head_id.isdigit() and isinstance(head_hash, str)):
            raise RegisterError("F114", f"`{self.path}` is damaged: the register's record of its last filing is "
                                        f"{_kind(head_id)}", file_level=False, help=RESTORE_HELP)
        return int(head_id), head_hash

    @contextmanager
    def _transaction(self):
        """`BEGIN IMMEDIATE` takes the write lock first, so no other filer reads the same head in between."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    @contextmanager
    def _errors(self):
        try:
            yield
        except sqlite3.IntegrityError as exc:
            raise RegisterError("F101", f"`{self.path}` is damaged: {exc}", file_level=False,
                                help="run `crossmarket register verify` to see which records were touched") from None
        except sqlite3.OperationalError as exc:
            if _busy(exc):
                raise RegisterError("F102", f"`{self.path}` is busy: another filing held it for over "
                                    f"{BUSY_TIMEOUT_SECONDS} seconds", help="try again") from None
            raise _unusable(self.path, exc) from None
        except (sqlite3.DatabaseError, KeyError, ValueError, TypeError) as exc:
            raise _unusable(self.path, exc) from None


FIELDS = tuple(name for name in Filing.__dataclass_fields__)
PIN_FIELDS = tuple(name for name in Pin.__dataclass_fields__)
_PINNED = ("measure_sha256", "schema_sha256")
_OPTIONAL = {"branch", "rules_name", "measure_name", "measure_version", "schema_name", "ir", *_PINNED}
RESTORE_HELP = "restore the register from a backup; `crossmarket register verify` names every damaged record"


class DamagedRecord(RegisterError):
    """A record whose fields are not what crossmarket wrote: binary data, a number where text belongs, JSON
    that does not parse. `link` keeps its number and hash, when they can be read, for the next record's link."""

    def __init__(self, path: Path, record_id: object, problem: str, link: object = None):
        name = f"record {record_id}" if type(record_id) is int else f"a record numbered {_kind(record_id)}"
        super().__init__("F114", f"{name} of `{path}` is damaged: {problem}", help=RESTORE_HELP, file_level=False)
        self.link = link


@dataclass(frozen=True)
class _Link:
    id: int
    hash: str


def _filing(path: Path, row: tuple) -> Filing | DamagedRecord:
    """A row as a `Filing`, or the `DamagedRecord` saying which field is not what crossmarket wrote."""
    values = dict(zip(FIELDS, row))
    record_id = values["id"]
    link = _Link(record_id, values["hash"] if isinstance(values["hash"], str) else "") \
        if type(record_id) is int else None
    if type(record_id) is not int:
        return DamagedRecord(path, record_id, "its number is not a whole number", link)
    for name, value in values.items():
        if name != "id" and not isinstance(value, str) and not (value is None and name in _OPTIONAL):
            return DamagedRecord(path, record_id, f"its `{name}` is {_kind(value)}, not text", link)
    for name, check in (("diagnostics", _diagnostics_json), ("ir", _ir_json)):
        if values[name] is not None and not check(values[name]):
            return DamagedRecord(path, record_id, f"its `{name}` is not the JSON crossmarket wrote", link)
    return Filing(**values)


def _trusted(path: Path, record: Filing | DamagedRecord) -> Filing:
    """A record as filed, for list, show and diff: one whose fields cannot be read, or no longer match its
    hash, is named (`verify` tells the whole story)."""
    if isinstance(record, DamagedRecord):
        raise record
    if chain_hash(record) != record.hash:
        raise DamagedRecord(path, record.id, "it was changed after it was filed: its content does not match its hash")
    return record


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


_DIAGNOSTIC = {"file": str, "line": int, "column": int, "end_line": int, "end_column": int, "severity": str,
               "code": str, "message": str}


def _diagnostics_json(text: str) -> bool:
    """The diagnostics as `check --format json` writes them, each with every field `show` renders."""
    document = _json(text)
    summary = document.get("summary") if isinstance(document, dict) else None
    diagnostics = document.get("diagnostics") if isinstance(document, dict) else None
    return isinstance(summary, dict) and all(type(summary.get(key)) is int for key in ("errors", "warnings")) \
        and isinstance(diagnostics, list) and all(_diagnostic_json(d) for d in diagnostics)


def _diagnostic_json(item: object) -> bool:
    return isinstance(item, dict) and all(type(item.get(key)) is kind for key, kind in _DIAGNOSTIC.items()) \
        and (item.get("help") is None or isinstance(item.get("help"), str))


_LOCATION = re.compile(r".*:\d+:\d+")


def _ir_json(text: str) -> bool:
    """An IR document with its source map, JSON Pointer → `file:line:column`, as `compile` writes it."""
    document = _json(text)
    source_map = document.get("source_map") if isinstance(document, dict) else None
    return isinstance(source_map, dict) and all(isinstance(where, str) and _LOCATION.fullmatch(where)
                                                for where in source_map.values())


def _kind(value: object) -> str:
    """What a damaged value is, in words; never its raw bytes."""
    if value is None:
        return "empty"
    if isinstance(value, bytes):
        return f"binary data ({len(value)} bytes)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"`{str(value)[:40]}`"


def _record_problems(record: Filing, previous: Filing | None) -> list[str]:
    """What is wrong with one record and its link to the record before it."""
    problems = []
    if chain_hash(record) != record.hash:
        problems.append(f"record {record.id} was changed: its hash does not match its content")
    expected = previous.id + 1 if previous else 1
    if record.id > expected:
        problems.append(f"{_records(expected, record.id - 1)} missing: "
                        f"record {record.id} points to a predecessor that is not there")
    elif previous is None and record.prev_hash != GENESIS:
        problems.append(f"record {record.id} was changed: it does not start the chain")
    elif previous is not None and record.prev_hash != previous.hash:
        problems.append(f"record {previous.id} was changed: record {record.id} points to a different version of it")
    return problems


def _pin_problems(record: Filing, pins: dict[tuple[str, str], Pin]) -> list[str]:
    """A filing's hashes against head office's pin of its measure (filings of format 1 have none)."""
    if record.measure_sha256 is None and record.schema_sha256 is None:
        return []
    pin = pins.get((record.measure_name, record.measure_version))
    if pin is None:
        return [f"record {record.id} was checked against the measure `{record.measure_name}` version "
                f"`{record.measure_version}`, which the register does not pin"]
    return [f"record {record.id} was checked against the {what} sha256 {found}, but the register pins {expected} "
            f"for `{pin.measure_name}` version `{pin.measure_version}`"
            for what, found, expected in (("measure", record.measure_sha256, pin.measure_sha256),
                                          ("schema", record.schema_sha256, pin.schema_sha256))
            if found is not None and found != expected]


def _head_problems(last: Filing | None, head_id: int, head_hash: str) -> list[str]:
    """Removing the last records breaks no link; the head in `meta` still names the last filing."""
    last_id = last.id if last else 0
    if head_id > last_id:
        return [f"{_records(last_id + 1, head_id)} missing: the register's last filing is record {head_id}"]
    if isinstance(last, Filing) and last.hash != head_hash and chain_hash(last) == last.hash:
        return [f"record {last_id} was changed: it is not the last filing the register remembers"]
    return []


def _records(first: int, last: int) -> str:
    return f"record {first} is" if first == last else f"records {first} to {last} are"


def _unusable(path: Path, exc: Exception) -> RegisterError:
    reason = str(exc)
    if "not a database" in reason:
        return RegisterError("F103", f"`{path}` is not a register: it is not an SQLite database",
                             help="name the register with `--register PATH`")
    return RegisterError("F104", f"`{path}` cannot be used as a register: {reason}",
                         help="restore the register from a backup, then run `crossmarket register verify`")


def open_register(path: Path = DEFAULT_PATH, create: bool = False) -> Register:
    """Open (with `create`, make) a register, checking that the file is one and of this format version."""
    path = Path(path)
    if path.is_dir():
        raise RegisterError("F105", f"`{path}` is a folder, not a register",
                            help="name the register file with `--register PATH`")
    if not create and not path.exists():
        raise RegisterError("F106", f"there is no register at `{path}`",
                            help="file rules first with `crossmarket register file RULES --by NAME`, "
                                 "or name the register with `--register PATH`")
    try:
        mode = _mode(path, create)
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True,
                                     timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as exc:
        raise RegisterError("F107", f"`{path}` cannot be opened: {exc}", help="check the path and its permissions") from None
    connection.row_factory = sqlite3.Row
    register = Register(path, connection)
    register.read_only = mode.startswith("mode=ro")
    try:
        with register._errors():
            _prepare(register, create)
    except BaseException:
        connection.close()
        raise
    return register


def _mode(path: Path, create: bool) -> str:
    """How to open the file. A register on read-only media (a backup disc, a write-protected share) is read as
    it lies: SQLite cannot make the lock files a WAL register is otherwise read with, and nothing is written."""
    if create:
        return "mode=rwc"
    writable = os.access(path, os.W_OK) and os.access(path.resolve().parent, os.W_OK)
    return "mode=rw" if writable else "mode=ro&immutable=1"


def _prepare(register: Register, create: bool) -> None:
    """Make a new register's tables (once, even with several filers at the same time) and check the format."""
    connection = register.connection
    if create and not _tables(connection):
        _switch_to_wal(connection)
        with register._transaction():
            if not _tables(connection):
                for statement in SCHEMA.split(";"):  # not executescript: it would commit the transaction
                    connection.execute(statement)
                connection.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                                       [("format", FORMAT), ("version", VERSION), ("head_id", "0"),
                                        ("head_hash", GENESIS)])
    register.version = _check_format(register.path, connection)
    if create and register.version != VERSION:
        _migrate(register)


def _migrate(register: Register) -> None:
    """Bring a version 1 register to version 2 (once, even with several writers at the same time)."""
    with register._transaction():
        if _check_format(register.path, register.connection) != VERSION:
            for statement in MIGRATION:
                register.connection.execute(statement)
    register.version = VERSION


def _switch_to_wal(connection: sqlite3.Connection) -> None:
    """WAL lets `list` and `verify` read while someone files. When several filers open a new register at
    the same moment, SQLite refuses the switch at once (`database is locked`) without waiting for the busy
    timeout, so it is tried again, every 50 ms, until the timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _check_format(path: Path, connection: sqlite3.Connection) -> str:
    tables = _tables(connection)
    if not {"meta", "filings"} <= tables:
        what = "an empty SQLite database" if not tables else "an SQLite database of something else"
        raise RegisterError("F108", f"`{path}` is not a register: it is {what} (no `meta` and `filings` tables)",
                            help="name the register with `--register PATH`")
    meta = dict(connection.execute("SELECT key, value FROM meta"))
    if meta.get("format") != FORMAT:
        raise RegisterError("F109", f"`{path}` is not a register: its format is `{meta.get('format')}`, not `{FORMAT}`",
                            help="name the register with `--register PATH`")
    if meta.get("version") not in READABLE:
        raise RegisterError("F110", f"`{path}` is a register of format version `{meta.get('version')}`; "
                            f"this crossmarket reads versions {' and '.join(f'`{v}`' for v in READABLE)}",
                            help="use the crossmarket version that wrote it")
    return meta["version"]
