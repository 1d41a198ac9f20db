"""The code registry: every code the product emits is in the catalogue, every entry is used, and
`docs/codes.md` is generated from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from crossmarket_dsl.core.codes import CODES, SECTIONS, markdown

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r"^[A-Z]\d{3}$")


def codes_in_source() -> dict[str, str]:
    """Every string literal of the package that looks like a code, and every `x-code` of the schemas, with
    where it stands."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "crossmarket_dsl").rglob("*.py")):
        if path.name == "codes.py" and path.parent.name == "core":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
                found.setdefault(node.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    for path in sorted((ROOT / "schemas").glob("*.json")):  # head office's bounds name their codes as `x-code`
        for code in re.findall(r'"x-code"\s*:\s*"([A-Z]\d{3})"', path.read_text(encoding="utf-8")):
            found.setdefault(code, str(path.relative_to(ROOT)))
    return found


def test_every_emitted_code_is_in_the_catalogue():
    unknown = {code: where for code, where in codes_in_source().items() if code not in CODES}
    assert unknown == {}


def test_every_catalogue_entry_is_emitted_somewhere():
    emitted = set(codes_in_source())
    assert sorted(set(CODES) - emitted) == []


def test_entries_are_complete_and_worded_as_messages():
    for entry in CODES.values():
        assert entry.meaning and entry.example and entry.fix, entry.code
        assert not entry.meaning[0].isupper(), entry.code
        assert not entry.meaning.endswith("."), entry.code
        assert entry.article is None or re.fullmatch(r"第[一二三四五六七八九十]+条", entry.article), entry.code


def test_every_code_has_a_section():
    assert all(any(code.startswith(prefix) for prefix, _ in SECTIONS) for code in CODES)


def test_the_code_index_is_generated_from_the_catalogue(golden):
    golden(ROOT / "docs" / "codes.md", markdown())
