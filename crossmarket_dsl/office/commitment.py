"""Internal control's secret (art. 21): committed before the month is sealed, revealed when the sample is drawn.

`commit` writes a fresh random secret to a file only 内控合规部 keeps and records its SHA-256 in the
register; it is refused once the month is sealed, and a month has one commitment only, so the secret cannot
be chosen after the ledger is known. `reveal` draws the sample over the sealed ledger with the secret
and records the secret itself, so anyone can draw again (`redraw`) and compare.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from decimal import Decimal
from pathlib import Path

from ..core.errors import EXIT_USAGE, UserError
from ..io.files import atomic_write_text
from .keys import SigningKey
from .records import Record, Records, draft
from .sample import Population, Sample, draw

SECRET_BYTES = 32


def read_secret(path: Path) -> bytes:
    try:
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        return bytes.fromhex(next(line for line in lines if line and not line.startswith("#")))
    except (OSError, UnicodeDecodeError, StopIteration, ValueError):
        raise UserError("A124", f"`{path}` is not a secret written by `crossmarket audit commit`", file=str(path),
                        help="name the secret file internal control kept", exit_status=EXIT_USAGE) from None


def commit(records: Records, branch: str, month: str, method: str, secret_path: Path, key: SigningKey,
           by: str) -> Record:
    """A new secret in `secret_path` and its commitment in the register, or neither."""
    if secret_path.exists():
        raise UserError("A124", f"`{secret_path}` already exists: a secret file is never overwritten",
                        file=str(secret_path), help="name a new file for this month's secret", exit_status=EXIT_USAGE)
    secret = secrets.token_bytes(SECRET_BYTES)
    record = draft("commitment", branch, month, key, by,
                   {"secret_sha256": hashlib.sha256(secret).hexdigest(), "method": method})
    secret_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(secret_path, f"# 内控合规部 {branch} {month} 抽样密钥 · spot-check secret: keep it with "
                                   f"internal control until the sample is drawn\n{secret.hex()}\n")
    os.chmod(secret_path, 0o600)
    try:
        return records.append(record, key, lambda earlier: _may_commit(earlier, month))
    except BaseException:
        secret_path.unlink(missing_ok=True)  # no commitment, so the secret means nothing
        raise


def _may_commit(earlier: list[Record], month: str) -> None:
    """The seal first: a sealed month has its commitment, and it is the seal that makes a new one unfair."""
    kinds = {}
    for record in earlier:
        kinds.setdefault(record.kind, record)
    if "seal" in kinds:
        record = kinds["seal"]
        raise UserError("A121", f"month `{month}` was sealed at {record.made_at} (record {record.id}): "
                                "a commitment after the seal could be chosen knowing the ledger",
                        help="commit before the committee seals the month")
    if "commitment" in kinds:
        record = kinds["commitment"]
        raise UserError("A120", f"internal control already committed to a secret for `{month}` at "
                                f"{record.made_at} (record {record.id})",
                        help="a month has one secret: draw the sample with the secret file kept then")


def commitment_of(records: Records, branch: str, month: str) -> Record:
    found = records.of(branch, month, "commitment")
    if not found:
        raise UserError("A122", f"internal control has not committed to a secret for `{month}`",
                        help=f"内控合规部 runs `crossmarket audit commit WORKSPACE --month {month}` before the seal")
    return found[0]


def reveal(records: Records, branch: str, people: Population, ratio: Decimal, sealed_ledger: str, secret: bytes,
           key: SigningKey, by: str) -> tuple[Sample, Record]:
    """Draw with the committed secret over the sealed ledger and record the secret and the sample."""
    commitment = commitment_of(records, branch, people.month)
    if hashlib.sha256(secret).hexdigest() != commitment.facts["secret_sha256"]:
        raise UserError("A123", f"this secret is not the one internal control committed to for `{people.month}` "
                                f"(record {commitment.id})",
                        help="use the secret file written by `crossmarket audit commit` for this month")
    check_ledger(people, sealed_ledger)
    sample = draw(people, ratio, secret, commitment.facts["method"])
    facts = {"secret": secret.hex(), "method": sample.method, "ratio": str(ratio), "ledger_sha256": sample.ledger_hash,
             "population": sample.population, "deals": [deal.deal_id for deal in sample.deals],
             "fingerprint": sample.fingerprint, "commitment": commitment.id}
    record = draft("sample", branch, people.month, key, by, facts)
    return sample, records.append(record, key, lambda earlier: _not_drawn(earlier, people.month))


def _not_drawn(earlier: list[Record], month: str) -> None:
    drawn = [record for record in earlier if record.kind == "sample"]
    if drawn:
        raise UserError("A125", f"the sample of `{month}` was already drawn (record {drawn[0].id})",
                        help="run `crossmarket sample` without `--secret` to draw it again from the register")


def sample_of(records: Records, branch: str, month: str) -> Record | None:
    found = records.of(branch, month, "sample")
    return found[0] if found else None


def redraw(record: Record, people: Population) -> Sample:
    """The recorded sample drawn again from the revealed secret: anyone can check it."""
    facts = record.facts
    check_ledger(people, facts["ledger_sha256"])
    sample = draw(people, Decimal(facts["ratio"]), bytes.fromhex(facts["secret"]), facts["method"])
    if [deal.deal_id for deal in sample.deals] != facts["deals"]:
        raise UserError("A126", f"drawn again, the sample of `{people.month}` is not the one recorded "
                                f"(record {record.id})", help="run `crossmarket register verify` on the register")
    return sample


def check_ledger(people: Population, sealed: str) -> None:
    if people.ledger_hash != sealed:
        raise UserError("A132", f"the ledger of `{people.month}` changed after the month was sealed "
                                f"(sealed {sealed[:16]}…, now {people.ledger_hash[:16]}…)",
                        help="the sample is drawn over the sealed ledger: restore the ledger as it was sealed; "
                             "a correction is published as a restatement by the next statement")
