"""The records the money depends on (art. 21, 23, 24), kept in the register beside the filings.

Each record is one signed act of one office about one branch's month (or year): internal control's
commitment to its secret, the committee's seal of a statement, the sample drawn with the revealed secret,
each audit verdict, a department's objection and its resolution, the committee's approval of the year's
result, head office's signature of a filing. Records are never changed or removed: a verdict changed
later is a new record, the old one kept.

The `records` table is hash-chained like the filings (its own head in `meta`), and every record is signed
with the Ed25519 key of its office over its hash. `verify` checks each record's text against its hash,
the chain, and, with head office's trust file, each signature and that each kind of record comes from
the office entitled to make it — so a consistent rewrite of the table and its head without the offices'
keys is still caught.

A record is appended in one `BEGIN IMMEDIATE` transaction together with the check of what came before
(a second commitment for a month, a commitment after the seal, …), so two offices writing at the same
moment cannot both pass the same check.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from ..core.errors import EXIT_USAGE, UserError
from .keys import COMMITTEE, HEAD_OFFICE, INTERNAL_CONTROL, SigningKey, signature_holds
from .register import GENESIS, Filing, Register, open_register

RECORDS_TABLE = """
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    branch TEXT NOT NULL,
    month TEXT NOT NULL,
    office TEXT NOT NULL,
    made_by TEXT NOT NULL,
    made_at TEXT NOT NULL,
    body TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
)"""
TAMPERED = "K113"  # the code of every problem `verify` finds
KINDS = {  # kind → (the office that makes it, None: any office; its name for people)
    "commitment": (INTERNAL_CONTROL, "抽样密钥承诺"),
    "seal": (COMMITTEE, "公示封存"),
    "sample": (INTERNAL_CONTROL, "抽样（密钥公开）"),
    "verdict": (INTERNAL_CONTROL, "抽查结论"),
    "objection": (None, "异议"),
    "resolution": (COMMITTEE, "异议处理"),
    "approval": (COMMITTEE, "年终审批"),
    "filing": (HEAD_OFFICE, "备案签章"),
}


@dataclass(frozen=True)
class Record:
    id: int | None
    kind: str
    branch: str
    month: str  # YYYY-MM, or YYYY for the year's approval, or "" for a filing's signature
    office: str
    made_by: str
    made_at: str
    body: str  # the record's own facts, canonical JSON
    public_key: str = ""
    signature: str = ""
    prev_hash: str = GENESIS
    hash: str = ""

    @property
    def facts(self) -> dict:
        return json.loads(self.body)

    @property
    def title(self) -> str:
        return KINDS[self.kind][1] if self.kind in KINDS else self.kind


def canonical(document) -> str:
    """Sorted compact JSON: the same text, hence the same hash, on every machine."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_hash(record: Record) -> str:
    """SHA-256 of every field but the signature and the hash itself."""
    fields = asdict(record)
    del fields["hash"], fields["signature"]
    return sha256_text(canonical(fields))


def now() -> datetime:
    """The time records are stamped with (one place, so tests can move the clock)."""
    return datetime.now(timezone.utc)


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def draft(kind: str, branch: str, month: str, key: SigningKey, made_by: str, facts: dict) -> Record:
    entitled = KINDS[kind][0]
    if entitled is not None and key.office != entitled:
        raise UserError("K110", f"a {KINDS[kind][1]} ({kind}) is made by {entitled}, and this key is {key.office}'s",
                        help=f"sign with {entitled}'s key (`--key`)", exit_status=EXIT_USAGE)
    if not made_by.strip():
        raise UserError("K105", "give the name of the person who makes the record", help="`--by NAME`",
                        exit_status=EXIT_USAGE)
    return Record(None, kind, branch, month, key.office, made_by.strip(), stamp(now()), canonical(facts),
                  key.public_hex)


class Records:
    """The records of an open register. Use `open_records`."""

    def __init__(self, register: Register):
        self.register = register

    @property
    def path(self) -> Path:
        return self.register.path

    def append(self, record: Record, key: SigningKey, check: Callable[[list[Record]], None] = lambda _: None
               ) -> Record:
        """Sign and append `record` after `check` has seen the branch's month as it is inside the transaction."""
        connection = self.register.connection
        with self.register._errors(), self.register._transaction():
            check(self._select("branch = ? AND month = ?", (record.branch, record.month)))
            head_id, head_hash = self._head()
            record = Record(**{**asdict(record), "id": head_id + 1, "prev_hash": head_hash})
            digest = record_hash(record)
            record = Record(**{**asdict(record), "hash": digest, "signature": key.sign(digest)})
            fields = asdict(record)
            connection.execute(f"INSERT INTO records ({', '.join(fields)}) VALUES ({', '.join('?' for _ in fields)})",
                               tuple(fields.values()))
            connection.executemany("UPDATE meta SET value = ? WHERE key = ?",
                                   [(str(record.id), "records_head_id"), (record.hash, "records_head_hash")])
        return record

    def of(self, branch: str, month: str, kind: str | None = None) -> list[Record]:
        with self.register._errors():
            found = self._select("branch = ? AND month = ?", (branch, month))
        return [record for record in found if kind is None or record.kind == kind]

    def all(self) -> list[Record]:
        with self.register._errors():
            return self._select("1 = 1", ())

    def get(self, record_id: int) -> Record | None:
        with self.register._errors():
            found = self._select("id = ?", (record_id,))
        return found[0] if found else None

    def head(self) -> tuple[int, str]:
        with self.register._errors():
            return self._head()

    def _select(self, where: str, parameters: tuple) -> list[Record]:
        rows = self.register.connection.execute(f"SELECT * FROM records WHERE {where} ORDER BY id", parameters)
        return [Record(**dict(row)) for row in rows]

    def _head(self) -> tuple[int, str]:
        meta = dict(self.register.connection.execute(
            "SELECT key, value FROM meta WHERE key IN ('records_head_id', 'records_head_hash')"))
        return int(meta.get("records_head_id", 0)), meta.get("records_head_hash", GENESIS)  # none yet: the start


def open_records(path: Path, create: bool = False) -> Records:
    """The register at `path` (made when `create`), with its `records` table made on first use."""
    register = open_register(path, create)
    try:
        if not _has_records(register) and register.read_only:  # no records yet, and none can be written
            with register._errors():
                register.connection.execute(RECORDS_TABLE.replace("CREATE TABLE", "CREATE TEMP TABLE", 1))
        elif not _has_records(register):
            with register._errors(), register._transaction():
                register.connection.execute(RECORDS_TABLE)
                register.connection.executemany("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                                                [("records_head_id", "0"), ("records_head_hash", GENESIS)])
    except BaseException:
        register.connection.close()
        raise
    return Records(register)


def _has_records(register) -> bool:
    with register._errors():
        tables = {name for (name,) in register.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        heads = register.connection.execute(
            "SELECT count(*) FROM meta WHERE key IN ('records_head_id', 'records_head_hash')").fetchone()[0]
    return "records" in tables and heads == 2


def sign_filing(records: Records, filing: Filing, key: SigningKey, by: str) -> Record:
    """省分行's signature of a filing: a record naming the filing and its hash."""
    facts = {"filing": filing.id, "hash": filing.hash}
    return records.append(draft("filing", filing.branch or "", "", key, by, facts), key)


# ---- verification ----

def unsigned_filings(filings: list[Filing], signed: list[Record]) -> list[str]:
    """Filings no signature vouches for, or whose hash is not the one signed (rewritten consistently)."""
    vouched = {r.facts.get("filing"): r for r in signed if r.kind == "filing"}
    problems = []
    for filing in filings:
        signature = vouched.get(filing.id)
        if signature is None:
            problems.append(f"filing {filing.id} is not signed by {HEAD_OFFICE}")
        elif signature.facts.get("hash") != filing.hash:
            problems.append(f"filing {filing.id} was changed: it is not the filing {HEAD_OFFICE} signed "
                            f"(record {signature.id})")
    return problems


def verify(records: list[Record], head: tuple[int, str], trust: dict[str, str] | None) -> list[str]:
    """Every problem of the records: text against hash, chain, head, and (with a trust file) signatures."""
    problems, previous = [], None
    for record in records:
        problems += _text_and_link(record, previous)
        if trust is not None:
            problems += _signature_problems(record, trust)
        previous = record
    last_id = previous.id if previous else 0
    if head[0] > last_id:
        problems.append(f"record {last_id + 1} and after are missing: the register's last record is {head[0]}")
    elif previous is not None and head[0] < last_id:
        problems.append(f"record {head[0] + 1} and after were added outside crossmarket")
    elif previous is not None and previous.hash != head[1]:
        problems.append(f"record {last_id} was changed: it is not the last record the register remembers")
    return problems


def _text_and_link(record: Record, previous: Record | None) -> list[str]:
    name = f"record {record.id} ({record.title})"
    problems = []
    if record_hash(record) != record.hash:
        problems.append(f"{name} was changed: its text does not match its hash")
    expected = previous.id + 1 if previous else 1
    if record.id != expected:
        problems.append(f"{name} follows record {expected - 1}: the records in between are missing")
    elif record.prev_hash != (previous.hash if previous else GENESIS):
        problems.append(f"{name} does not follow the record before it: the chain was broken")
    return problems


def _signature_problems(record: Record, trust: dict[str, str]) -> list[str]:
    name = f"record {record.id} ({record.title}, {record.office})"
    entitled = KINDS.get(record.kind, ("?",))[0]
    if record.kind not in KINDS:
        return [f"{name} is of an unknown kind `{record.kind}`"]
    if entitled is not None and record.office != entitled:
        return [f"{name} is signed by {record.office}; only {entitled} makes it"]
    trusted = trust.get(record.office)
    if trusted is None or trusted != record.public_key:
        return [f"{name} is signed by a key the trust file does not list for {record.office}"]
    if not signature_holds(record.public_key, record.hash, record.signature):
        return [f"{name}: its signature does not hold: the record was changed or signed without {record.office}'s key"]
    return []
