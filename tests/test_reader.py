"""The fast reader builds the very AST, spans included, that the Lark parser of grammar.lark builds, or gives
up and leaves the file to the parser."""

from __future__ import annotations

import dataclasses
import re

import pytest
from lark.lexer import PatternStr
from hypothesis import HealthCheck, given, settings

from crossmarket_dsl.language import ast
from crossmarket_dsl.language.diagnostics import DiagnosticError
from crossmarket_dsl.language.fmt import expression
from crossmarket_dsl.language.grammar import lark_parser
from crossmarket_dsl.language.parser import parse_with_lark
from crossmarket_dsl.language.reader import read
from crossmarket_dsl.language.source import SourceFile, read_source
from crossmarket_dsl.language.tokens import literals, terminals

from .conftest import ROOT
from .test_diagnostics import mutations
from .test_fmt import expressions

WELL_FORMED = sorted(ROOT.glob("policies/**/*.xm")) + sorted((ROOT / "tests" / "fmt").glob("*.xm"))
ALL = WELL_FORMED + sorted((ROOT / "tests" / "diagnostics").glob("*.xm"))


def spans(node, found: list) -> list:
    """Every node with its span, in order (spans take no part in the AST's equality)."""
    if isinstance(node, ast.Node):
        found.append((type(node).__name__, node.span))
        for item in dataclasses.fields(node):
            if item.name != "span":
                spans(getattr(node, item.name), found)
    elif isinstance(node, tuple):
        for item in node:
            spans(item, found)
    return found


def assert_same_or_given_up(source: SourceFile) -> bool:
    """True when the reader read the file (and agreed with the parser in every node and span)."""
    fast = read(source)
    if fast is None:
        return False
    reference = parse_with_lark(source)  # the reader never reads what the parser refuses
    assert fast == reference
    assert spans(fast, []) == spans(reference, [])
    return True


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_files_read_as_the_parser_reads_them(path):
    source = read_source(path)
    try:
        parse_with_lark(source)
    except DiagnosticError:
        assert read(source) is None
        return
    assert assert_same_or_given_up(source) or path not in WELL_FORMED, "the reader gave up on a sample"


def _parsed_or_refused(text: str) -> None:
    source = SourceFile("rules.xm", text)
    try:
        assert_same_or_given_up(source)
    except DiagnosticError:
        pytest.fail("the reader read a file the parser refuses")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_mutated_files_read_alike_or_not_at_all(text):
    _parsed_or_refused(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions())
def test_generated_expressions_read_alike(expr):
    text = f'measure "m" version "1" {{ }}\nlet x = {expression(expr)}\nparam y = ({expression(expr)}) cite "第一条"\n'
    assert assert_same_or_given_up(SourceFile("m.xm", text))


def test_the_grammar_s_tokens_are_read_as_lark_reads_them():
    """`tokens.py` reads grammar.lark without Lark: the same keywords, signs and token patterns."""
    lark = lark_parser()
    keywords, symbols = literals()
    strings = {t.pattern.value for t in lark.terminals if isinstance(t.pattern, PatternStr)}
    assert keywords == {s for s in strings if s.isidentifier()}
    assert symbols == {s for s in strings if not s.isidentifier()}
    text = "".join(path.read_text(encoding="utf-8") for path in ALL)
    for name, pattern in terminals().items():
        ours, theirs = re.compile(pattern), re.compile(lark.get_terminal(name).pattern.to_regexp())
        for position in range(len(text)):
            found, expected = ours.match(text, position), theirs.match(text, position)
            assert (found and found.end()) == (expected and expected.end()), (name, text[position:position + 20])
