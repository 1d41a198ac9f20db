"""`fmt`: golden layouts, its three guarantees, the command, and parenthesisation as a property.

Cases are `tests/fmt/NAME.xm` with their golden `NAME.expected.xm`; `pytest --update-goldens` rewrites them.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from crossmarket_dsl.cli.fmt import fmt_command
from crossmarket_dsl.language import ast
from crossmarket_dsl.language.diagnostics import DiagnosticError
from crossmarket_dsl.language.fmt import expression, format_source
from crossmarket_dsl.language.grammar import lark_parser
from crossmarket_dsl.language.literals import number_value
from crossmarket_dsl.language.parser import parse
from crossmarket_dsl.language.source import SourceFile, read_source
from crossmarket_dsl.semantics.vocabulary import FUNCTIONS, OPERATORS

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = Path(__file__).resolve().parent / "fmt"
GOLDEN_SUFFIX = ".expected.xm"
CASES = sorted(p for p in CASES_DIR.glob("*.xm") if not p.name.endswith(GOLDEN_SUFFIX))
SAMPLES = [ROOT / "policies" / "measure" / "2026.xm", ROOT / "policies" / "branches" / "panjin.xm"]
MESSY = 'rules "r" {branch "b"}  let x=(1)   # one\n'


def _format(text: str) -> str:
    return format_source(SourceFile("formatted.xm", text))


def _comment_texts(text: str) -> Counter:
    return Counter(c.text.rstrip() for c in parse(SourceFile("c.xm", text)).comments)


# ---- layouts and guarantees --------------------------------------------------------------------


def test_cases_are_found():
    assert {p.stem for p in CASES} >= {"comments", "expressions", "measure", "rules"}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_golden_layout(case, golden):
    golden(case.with_name(case.stem + GOLDEN_SUFFIX), format_source(read_source(case)))


def _assert_guarantees(text: str) -> None:
    """Idempotent, same tree, every comment exactly as often, one final newline."""
    once = _format(text)
    assert _format(once) == once
    assert parse(SourceFile("f.xm", once)) == parse(SourceFile("t.xm", text))
    assert _comment_texts(once) == _comment_texts(text)
    assert once.endswith("\n") and not once.endswith("\n\n")


@pytest.mark.parametrize("path", CASES + SAMPLES, ids=lambda p: p.name)
def test_idempotent_same_ast_same_comments(path):
    _assert_guarantees(read_source(path).text)


COMMENT_FORMS = ("  # trailing {}\n", "\n# alone {}\n", "\n    # indented {}\n  ")


def _gaps(text: str) -> list[int]:
    """Offsets of the spaces between tokens (not inside a text or a comment)."""
    covered = {i for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*', text) for i in range(*m.span())}
    return [i for i, ch in enumerate(text) if ch == " " and i not in covered]


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_comments_anywhere_keep_the_guarantees(data):
    text = read_source(data.draw(st.sampled_from(CASES + SAMPLES), label="file")).text
    offsets = data.draw(st.lists(st.sampled_from(_gaps(text)), unique=True, max_size=6), label="offsets")
    for number, offset in enumerate(sorted(offsets, reverse=True)):
        form = data.draw(st.sampled_from(COMMENT_FORMS))
        text = text[:offset] + form.format(number) + text[offset + 1:]
    _assert_guarantees(text)


def test_crlf_becomes_lf_and_comments_lose_their_carriage_return():
    assert _format('rules "r" {\r\n}\r\nlet x = 1  # one\r\n') == 'rules "r" {\n}\n\nlet x = 1  # one\n'


def test_syntax_error_propagates():
    with pytest.raises(DiagnosticError):
        _format('rules "r" {}\nlet x = \n')


# ---- the command -------------------------------------------------------------------------------


def _run(*args: str):
    return CliRunner().invoke(fmt_command, list(args))


def test_fmt_rewrites_in_place_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "r.xm"
    path.write_text(MESSY, encoding="utf-8")
    result = _run(str(path))
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == _format(MESSY)
    assert [p.name for p in tmp_path.iterdir()] == ["r.xm"]


def test_check_reports_a_file_that_would_change_and_leaves_it(tmp_path):
    messy, tidy = tmp_path / "messy.xm", tmp_path / "tidy.xm"
    messy.write_text(MESSY, encoding="utf-8")
    tidy.write_text(_format(MESSY), encoding="utf-8")
    result = _run("--check", str(messy), str(tidy))
    assert result.exit_code == 1
    assert result.stdout == f"would reformat {messy}\n"
    assert messy.read_text(encoding="utf-8") == MESSY


def test_check_passes_on_formatted_files(tmp_path):
    path = tmp_path / "tidy.xm"
    path.write_text(_format(MESSY), encoding="utf-8")
    result = _run("--check", str(path))
    assert (result.exit_code, result.output) == (0, "")


def test_syntax_error_prints_diagnostics_and_leaves_the_file(tmp_path):
    broken = 'rules "r" {}\nlet x = \n'
    path = tmp_path / "broken.xm"
    path.write_text(broken, encoding="utf-8")
    result = _run(str(path))
    assert result.exit_code == 1
    assert f"{path}:3:1: error[E102]" in result.stdout
    assert path.read_text(encoding="utf-8") == broken


def test_unreadable_file_exits_2_and_the_others_are_still_formatted(tmp_path):
    path = tmp_path / "r.xm"
    path.write_text(MESSY, encoding="utf-8")
    result = _run(str(tmp_path / "missing.xm"), str(path))
    assert result.exit_code == 2
    assert "missing.xm: no such file" in result.stderr
    assert path.read_text(encoding="utf-8") == _format(MESSY)


# ---- parenthesisation, by property -------------------------------------------------------------

BINARY_OPS = sorted(name for name, operator in OPERATORS.items() if operator.arity == 2)
UNARY_OPS = sorted(name for name, operator in OPERATORS.items() if operator.arity == 1)
SCOPES = ("deal", "client", "project", "product", "department", "outlet")


def _number(integer: int, grouped: bool, fraction: str, suffix: str) -> ast.Number:
    text = (f"{integer:_}" if grouped else str(integer)) + fraction + suffix
    return ast.Number(number_value(text), text)


LEAVES = st.one_of(
    st.builds(_number, st.integers(0, 10**9), st.booleans(), st.sampled_from(["", ".5", ".125"]),
              st.sampled_from(["", "%", "万", "亿元", "元"])),
    st.builds(ast.Name, st.sampled_from(["a", "b", "基础分", "_x2"])),
    st.builds(ast.Field, st.sampled_from(SCOPES), st.sampled_from(["amount", "rating", "名称"])),
    st.builds(ast.String, st.text(st.characters(exclude_characters="\n", exclude_categories=("Cs",)), max_size=6)),
    st.builds(ast.DateLit, st.dates(date(1900, 1, 1), date(2100, 12, 31))),
    st.builds(ast.Bool, st.booleans()),
    st.just(ast.Null()),
)


def expressions(depth: int = 5):
    """Random expression trees, at most `depth` operators deep."""
    if depth == 0:
        return LEAVES
    sub = expressions(depth - 1)
    return st.one_of(
        LEAVES,
        st.builds(ast.Binary, st.sampled_from(BINARY_OPS), sub, sub),
        st.builds(ast.Unary, st.sampled_from(UNARY_OPS), sub),
        st.builds(ast.IfExpr, sub, sub, sub),
        st.builds(ast.Call, st.sampled_from([*FUNCTIONS, "f"]), st.lists(sub, max_size=3).map(tuple)),
        st.builds(ast.ListLit, st.lists(sub, max_size=3).map(tuple)),
    )


@settings(max_examples=150, deadline=None)
@given(expressions(), expressions())
def test_printed_expressions_parse_back_to_the_same_tree(value, condition):
    text = (f'rules "r" {{}}\nlet x = {expression(value)}\n'
            f"product p {{ points {expression(value)} per unit when {expression(condition)} }}\n"
            f'award a for project "P1" {{ when {expression(condition)}  to d {expression(value)} }}\n'
            f"objective d {{ target {expression(value)}  completion >= {expression(condition)} "
            f"deduct {expression(value)} of points }}\n")
    let, product, award, objective = parse(SourceFile("p.xm", text)).declarations
    assert let.value == value
    assert product.items[0] == ast.Points(value, "unit", condition)
    assert award.items == (ast.Setting("when", (condition,)), ast.AwardTo(ast.Ident("d"), value))
    assert objective.items[1] == ast.Tier(">=", condition, "deduct", value, True)
    formatted = _format(text)
    assert _format(formatted) == formatted


@pytest.mark.parametrize("path", CASES + SAMPLES, ids=lambda p: p.stem)
def test_comments_are_the_lexer_s(path):
    """The parser finds comments with one regular expression; Lark's lexer is the reference."""
    source = read_source(path)
    program = parse(source)
    lexed = [(token.value, (token.line, token.column, token.end_line, token.end_column))
             for token in lark_parser().lex(source.text, dont_ignore=True) if token.type == "COMMENT"]
    found = [(c.text, (c.span.line, c.span.column, c.span.end_line, c.span.end_column)) for c in program.comments]
    assert found == lexed and (found or "#" not in source.text)
