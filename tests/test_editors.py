"""The editor package: the highlighting knows every keyword of the language, the manifest points at files
that exist, and the functions highlighted are the language's."""

from __future__ import annotations

import json
import re
from pathlib import Path

from crossmarket_dsl.semantics.vocabulary import FUNCTIONS

ROOT = Path(__file__).resolve().parents[1]
VSCODE = ROOT / "editors" / "vscode"
GRAMMAR = json.loads((VSCODE / "syntaxes" / "crossmarket.tmLanguage.json").read_text(encoding="utf-8"))


def alternatives(rule: str) -> set[str]:
    """The words of a `\\b(a|b|c)\\b`-style pattern of the TextMate grammar."""
    match = re.search(r"\(((?:[a-z_]+\|)*[a-z_]+)\)", GRAMMAR["repository"][rule]["match"])
    return set(match.group(1).split("|"))


def test_every_keyword_of_the_language_is_highlighted():
    grammar = (ROOT / "crossmarket_dsl" / "language" / "grammar.lark").read_text(encoding="utf-8")
    keywords = set(re.findall(r'"([a-z_]+)"', grammar))
    highlighted = alternatives("keyword") | alternatives("constant") | alternatives("operator-word") \
        | alternatives("field")
    assert sorted(keywords - highlighted) == []


def test_every_function_of_the_vocabulary_is_highlighted():
    assert set(FUNCTIONS) <= alternatives("function")


def test_the_manifest_names_files_that_exist():
    manifest = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    contributed = manifest["contributes"]
    paths = [manifest["main"], *(g["path"] for g in contributed["grammars"]),
             *(language["configuration"] for language in contributed["languages"])]
    assert all((VSCODE / path).is_file() for path in paths)
    assert contributed["grammars"][0]["scopeName"] == GRAMMAR["scopeName"]
    assert contributed["configuration"]["properties"]["crossmarket.command"]["default"] == ["crossmarket", "lsp"]
    json.loads((VSCODE / "language-configuration.json").read_text(encoding="utf-8"))
