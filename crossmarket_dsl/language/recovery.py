"""Syntax errors in words, and recovery after them.

Lark's terminal names never reach a user: what the parser expected is said in a clerk's words (the operators'
tokens come from the vocabulary). After a syntax error the parser resynchronises at the next line that starts
a declaration, so a file with several broken lines reports all of them in one run.
"""

from __future__ import annotations

import difflib
import re

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

from ..semantics.vocabulary import OPERATORS
from .diagnostics import Diagnostic
from .grammar import lark_parser, token_span
from .source import SourceFile, Span

DECLARATION_KEYWORDS = (
    "department", "outlet", "article", "param", "set", "let", "catalog", "product", "targets",
    "split", "gate", "reward", "audit", "statement", "attribute", "award", "objective",
)
_SYNC_LINE = re.compile(r"^[ \t]*(%s)\b" % "|".join(DECLARATION_KEYWORDS), re.MULTILINE)

# Named terminals in the words a bank clerk reads.
TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a quoted text ("…")',
    "DATE": "a date (2026-01-01)",
    "FIELD": "a field such as `deal.amount`",
    "COMPARE": "a comparison (`==`, `<`, `>=` …)",
    "$END": "the end of the file",
}
EXPRESSION_STARTS = {"NUMBER", "NAME", "STRING", "FIELD", "DATE"}
OPERATOR_TERMINALS = {operator.terminal for operator in OPERATORS.values()}


def all_syntax_errors(source: SourceFile, first: UnexpectedInput) -> list[Diagnostic]:
    found = [_describe(source, first)]
    text = source.text
    position = _error_offset(source, first)
    while True:
        sync = _next_sync_point(text, position)
        if sync is None:
            break
        masked = re.sub(r"[^\n]", " ", text[:sync]) + text[sync:]
        try:
            lark_parser().parse(masked, start="declarations")
            break
        except UnexpectedInput as err:
            found.append(_describe(source, err))
            new_position = _error_offset(source, err)
            if new_position <= position:
                break
            position = new_position
    return found


def _error_offset(source: SourceFile, err: UnexpectedInput) -> int:
    if isinstance(err, UnexpectedToken) and err.token.type == "$END":
        return len(source.text)
    return getattr(err, "pos_in_stream", None) or 0


def _next_sync_point(text: str, position: int) -> int | None:
    line_end = text.find("\n", position)
    if line_end < 0:
        return None
    match = _SYNC_LINE.search(text, line_end + 1)
    return match.start(1) if match else None


def _describe(source: SourceFile, err: UnexpectedInput) -> Diagnostic:
    if isinstance(err, UnexpectedCharacters):
        return _unexpected_character(source, err)
    assert isinstance(err, UnexpectedToken)
    token = err.token
    expected = _expected_words(_acceptable(err))
    if token.type == "$END":
        if not re.sub(r"#[^\n]*", "", source.text).strip():  # nothing but comments
            return Diagnostic("E102", "the file is empty", source.end_span(),
                              help='a rules file starts with `rules "…实施细则" { implements "…" version "…" … }`; '
                                   "`crossmarket init BRANCH` writes one for you")
        return Diagnostic("E102", f"expected {expected}, found the end of the file", source.end_span(),
                          help=_unclosed_brace_help(source.text))
    span = token_span(source.name, token)
    message = f"expected {expected}, found {_found_words(token)}"
    help_text = _keyword_suggestion(token, err.expected)
    if help_text is None and "RBRACE" in err.expected:
        help_text = _unclosed_brace_help(source.text[: token.start_pos])
    return Diagnostic("E103", message, span, help=help_text)


def _unexpected_character(source: SourceFile, err: UnexpectedCharacters) -> Diagnostic:
    span = Span(source.name, err.line, err.column, err.line, err.column + 1)
    if err.char == '"':
        line_text = source.line_text(err.line)
        end = len(line_text) + 1
        return Diagnostic("E104", "this text is not closed: the `\"` has no partner on its line",
                          Span(source.name, err.line, err.column, err.line, end),
                          help='close the text with `"` before the end of the line; write `\\"` for a quote inside it')
    if err.char == ".":
        return Diagnostic("E101", "unexpected `.`", span,
                          help="fields are written `deal.X`, `client.X`, `project.X`, `product.X`, "
                               "`department.name` or `outlet.name`")
    return Diagnostic("E101", f"unexpected character `{err.char}`", span,
                      help="remove it, or put it inside a quoted text")


def _acceptable(err: UnexpectedToken) -> set[str]:
    """What the parser would really accept here. LALR's own `expected` also lists look-aheads of
    reductions that cannot happen (`allocate` after an expression), which would mislead."""
    try:
        accepted = err.interactive_parser.accepts() - {"$END"} if err.token.type != "$END" \
            else err.interactive_parser.accepts()
    except Exception:  # pragma: no cover - an older Lark without interactive parsers
        return set(err.expected)
    return accepted or set(err.expected)


def _expected_words(names: set[str]) -> str:
    names = set(names)
    words: list[str] = []
    if EXPRESSION_STARTS <= names | {"DATE"} and "NUMBER" in names:
        words.append("an expression (a number, a name, a field or a text)")
        names -= EXPRESSION_STARTS | {"LPAR", "LSQB", "MINUS", "NOT", "IF", "TRUE", "FALSE", "NULL"}
    declarations = {name for name in names if _terminal_word(name).strip("`") in DECLARATION_KEYWORDS}
    if len(declarations) >= 3:
        words.append("a declaration (`product`, `targets`, `gate`, `set` …)")
        names -= declarations
    if len(names & OPERATOR_TERMINALS) >= 2:
        words.append("an operator")
        names -= OPERATOR_TERMINALS
    words += sorted(_terminal_word(name) for name in names)
    if len(words) > 8:
        words = words[:8] + ["…"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _terminal_word(name: str) -> str:
    if name in TERMINAL_WORDS:
        return TERMINAL_WORDS[name]
    try:
        pattern = lark_parser().get_terminal(name).pattern
    except KeyError:
        return name.lower()
    if isinstance(pattern, PatternStr):
        return f"`{pattern.value}`"
    return name.lower()


def _found_words(token: Token) -> str:
    if token.type == "NAME":
        return f"the name `{token}`"
    if token.type == "STRING":
        return f"the text `{token}`"
    if token.type in ("NUMBER", "DATE"):
        return f"`{token}`"
    if token.type == "FIELD":
        return f"the field `{token}`"
    if token.value.isalpha():
        return f"the keyword `{token}`"
    return f"`{token}`"


def _keyword_suggestion(token: Token, expected: set[str]) -> str | None:
    if token.type != "NAME":
        return None
    keywords = [w.strip("`") for w in map(_terminal_word, expected) if w.startswith("`") and w[1:-1].isalpha()]
    close = difflib.get_close_matches(str(token), keywords, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def _unclosed_brace_help(text: str) -> str | None:
    opened: list[int] = []
    for match in re.finditer(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[{}]', text):
        if match.group() == "{":
            opened.append(match.start())
        elif match.group() == "}" and opened:
            opened.pop()
    if not opened:
        return None
    line = text.count("\n", 0, opened[-1]) + 1
    return f"the `{{` opened on line {line} is not closed with `}}`"
