"""The corpus: inputs of every category that once broke crossmarket (`corpus/<category>/`), replayed through
the same properties as generated inputs."""

from __future__ import annotations

from pathlib import Path

from . import properties

CORPUS = Path(__file__).resolve().parent / "corpus"


def _ledger(path: Path) -> dict:
    return {"name": "deals" + path.suffix, "data": path.read_bytes(), "form": "corpus"}


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _rules(path: Path) -> str:
    """A rules file as its user saved it, in any encoding: written back as its text (UTF-8)."""
    data = path.read_bytes()
    return data.decode("utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8")


CATEGORIES = {
    "rules": (_rules, properties.rules),
    "ledgers": (_ledger, properties.ledger),
    "workspace": (_text, properties.workspace_yaml),
    "tests": (_text, properties.policy_test),
    "register": (lambda path: _text(path).splitlines(), properties.register),
}


def items() -> list[tuple[str, Path]]:
    """(category, file) of every corpus input."""
    return [(category, path) for category in CATEGORIES for path in sorted((CORPUS / category).iterdir())]


def replay(category: str, path: Path, folder: Path) -> str:
    read, check = CATEGORIES[category]
    return check(read(path), folder)
