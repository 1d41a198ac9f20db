"""Offices' signing keys (art. 24): Ed25519 key pairs, the trust file of offices' public keys, signatures.

A key file is a small YAML document an office keeps to itself: its name and its private key (base64).
The trust file is head office's list of every office's public key (hex); `register verify` checks each
signature of the register against it, so a register rewritten by someone without the offices' keys,
however consistently, is caught.

The offices are the measure's: the departments, and the committee (公私联动交叉营销委员会, art. 4) that
seals the monthly statements and approves the year-end distribution.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..core.errors import EXIT_USAGE, UserError
from ..io.files import atomic_write_text

if TYPE_CHECKING:  # cryptography is imported where a key is made, read or checked: reading a register needs none
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

COMMITTEE = "公私联动交叉营销委员会"
INTERNAL_CONTROL = "内控合规部"
HEAD_OFFICE = "省分行"  # files branches' rules (art. 24)
OFFICES = (COMMITTEE, "公司业务部", "机构业务部", "房地产信贷部", "个人金融部", "电子银行部", "信用卡中心",
           "人力资源部", "财务会计部", "科技部", INTERNAL_CONTROL, HEAD_OFFICE)


@dataclass(frozen=True)
class SigningKey:
    office: str
    private: Ed25519PrivateKey

    @property
    def public_hex(self) -> str:
        return public_hex(self.private.public_key())

    def sign(self, text: str) -> str:
        return self.private.sign(text.encode("utf-8")).hex()


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes_raw().hex()


def check_office(office: str) -> str:
    office = office.strip()
    if office not in OFFICES:
        raise UserError("K103", f"`{office}` is not an office that keeps records",
                        help=f"name one of: {'、'.join(OFFICES)}", exit_status=EXIT_USAGE)
    return office


def new_key(office: str, path: Path) -> SigningKey:
    """A fresh key pair for `office`, its private half written to `path` (never over an existing file)."""
    office = check_office(office)
    if path.exists():
        raise UserError("K102", f"`{path}` already exists: a key file is never overwritten", file=str(path),
                        help="choose another file name; an office's old key stays valid for what it signed",
                        exit_status=EXIT_USAGE)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = SigningKey(office, Ed25519PrivateKey.generate())
    raw = key.private.private_bytes_raw()
    text = (f"# crossmarket 签名密钥 · signing key of {office}: keep it secret, only {office} signs with it\n"
            + yaml.safe_dump({"office": office, "private_key": base64.b64encode(raw).decode("ascii"),
                              "public_key": key.public_hex}, allow_unicode=True, sort_keys=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
    os.chmod(path, 0o600)
    return key


def read_key(path: Path) -> SigningKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    document = _yaml(path, "K101", "key file")
    try:
        office = check_office(str(document["office"]))
        private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(document["private_key"], validate=True))
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError("K101", f"`{path}` is not a crossmarket key file ({exc})", file=str(path),
                        help="make one with `crossmarket keys new --office NAME --key FILE`",
                        exit_status=EXIT_USAGE) from None
    return SigningKey(office, private)


def read_trust(path: Path) -> dict[str, str]:
    """office → public key (hex) from head office's trust file."""
    offices = _yaml(path, "K104", "trust file").get("offices")
    if not isinstance(offices, dict) or not all(isinstance(v, str) for v in offices.values()):
        raise UserError("K104", f"`{path}` is not a trust file: it has no `offices:` map of office → public key",
                        file=str(path), help="add offices with `crossmarket keys new --office NAME --trust FILE`",
                        exit_status=EXIT_USAGE)
    return {str(office): key for office, key in offices.items()}


def trust(path: Path, key: SigningKey) -> None:
    """Add (or replace) an office's public key in the trust file, creating the file when needed."""
    offices = read_trust(path) if path.exists() else {}
    offices[key.office] = key.public_hex
    text = ("# crossmarket 信任文件 · trust file: each office's public signing key, kept by head office\n"
            + yaml.safe_dump({"offices": offices}, allow_unicode=True, sort_keys=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)


def signature_holds(public_key: str, text: str, signature: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(bytes.fromhex(signature),
                                                                             text.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return False
    return True


def _yaml(path: Path, code: str, what: str) -> dict:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(code, f"there is no {what} at `{path}`", file=str(path),
                        help="check the path", exit_status=EXIT_USAGE) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UserError(code, f"`{path}` cannot be read as a {what}: {type(exc).__name__}", file=str(path),
                        help="check the path", exit_status=EXIT_USAGE) from None
    if not isinstance(document, dict):
        raise UserError(code, f"`{path}` is not a {what}", file=str(path), help="check the path",
                        exit_status=EXIT_USAGE)
    return document
