"""Text → AST. Syntax errors come out as diagnostics in words, never as Lark's terminal names.

After a syntax error the parser resynchronises at the next line that starts a declaration, so a
file with several broken lines reports all of them in one run.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError
from lark.lexer import PatternStr

from ..semantics.vocabulary import OPERATORS
from . import ast
from .diagnostics import Diagnostic, DiagnosticError
from .literals import LiteralError, date_value, number_value, string_value
from .source import SourceFile, Span

MAX_NESTING = 64  # brackets within brackets
MAX_DEPTH = 300  # syntax tree levels: a chain of 250 `+` is still fine, 1,000 would exhaust the stack
DECLARATION_KEYWORDS = (
    "department", "outlet", "param", "set", "let", "catalog", "product", "targets",
    "split", "gate", "reward", "audit", "statement", "attribute",
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


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="basic", propagate_positions=True, start=["start", "declarations"],
                maybe_placeholders=True)


def parse(source: SourceFile) -> ast.Program:
    """Parse a whole file; raise `DiagnosticError` with every syntax problem found."""
    problems = _nesting_problems(source)
    if problems:
        raise DiagnosticError(problems)
    try:
        tree = _lark().parse(source.text, start="start")
    except UnexpectedInput as first:
        raise DiagnosticError(_all_syntax_errors(source, first)) from None
    too_deep = _too_deep(tree, source.name)
    if too_deep:
        raise DiagnosticError([too_deep])
    builder = AstBuilder(source.name)
    try:
        program = builder.transform(tree)
    except VisitError as exc:  # a bug of ours, not of the user: still say where
        raise DiagnosticError([Diagnostic("E100", f"internal error while reading this file: {exc.orig_exc}",
                                          Span.whole_file(source.name))]) from exc
    if builder.problems:
        raise DiagnosticError(builder.problems)
    comments = [ast.Comment(text, span=span) for text, span in _comments(source)]
    return ast.Program(program.header, program.declarations, tuple(comments), span=program.span)


def _comments(source: SourceFile):
    """Comments with their spans, from the parser's own (basic) lexer, so `#` inside a text is not one."""
    for token in _lark().lex(source.text, dont_ignore=True):
        if token.type == "COMMENT":
            yield token.value, _token_span(source.name, token)


# ---- syntax errors in words --------------------------------------------------------------------


def _all_syntax_errors(source: SourceFile, first: UnexpectedInput) -> list[Diagnostic]:
    found = [_describe(source, first)]
    text = source.text
    position = _error_offset(source, first)
    while True:
        sync = _next_sync_point(text, position)
        if sync is None:
            break
        masked = re.sub(r"[^\n]", " ", text[:sync]) + text[sync:]
        try:
            _lark().parse(masked, start="declarations")
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
    span = _token_span(source.name, token)
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
        pattern = _lark().get_terminal(name).pattern
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


def _too_deep(tree: Tree, file: str) -> Diagnostic | None:
    """Every later stage walks expressions recursively: refuse trees deeper than MAX_DEPTH levels
    (a chain of `+` nests as deep as it is long). Walked without recursion."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            meta = node.meta
            return Diagnostic("E105", f"this expression is too long or nested too deeply "
                                      f"(more than {MAX_DEPTH} levels)",
                              Span(file, meta.line, meta.column, meta.line, meta.column + 1),
                              help="split it into smaller parts with `let` names")
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return None


def _nesting_problems(source: SourceFile) -> list[Diagnostic]:
    """Refuse absurd bracket nesting before Lark's tree walks recurse on it."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[(\[\])]', source.text):
        token = match.group()
        if token in ("(", "["):
            depth += 1
            if depth > MAX_NESTING:
                line = source.text.count("\n", 0, match.start()) + 1
                column = match.start() - source.text.rfind("\n", 0, match.start())
                return [Diagnostic("E105", f"this expression is nested more than {MAX_NESTING} levels deep",
                                   Span(source.name, line, column, line, column + 1),
                                   help="split it into smaller parts with `let` names")]
        elif token in (")", "]"):
            depth = max(0, depth - 1)
    return []


# ---- tree → AST --------------------------------------------------------------------------------


def _token_span(file: str, token: Token) -> Span:
    return Span(file, token.line, token.column, token.end_line, token.end_column)


class AstBuilder(Transformer):
    """Lark tree → `ast` dataclasses, every node with its span."""

    def __init__(self, file: str):
        super().__init__()
        self.file = file
        self.problems: list[Diagnostic] = []

    def _span(self, meta) -> Span:
        return Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column)

    def _ident(self, token: Token) -> ast.Ident:
        return ast.Ident(str(token), span=_token_span(self.file, token))

    # headers
    @v_args(meta=True)
    def start(self, meta, children):
        header, *declarations = children
        return ast.Program(header, tuple(declarations), span=self._span(meta))

    @v_args(meta=True)
    def measure_header(self, meta, children):
        name, version, *items = children
        return ast.MeasureHeader(string_value(name), string_value(version), tuple(items), span=self._span(meta))

    @v_args(meta=True)
    def rules_header(self, meta, children):
        name, *items = children
        return ast.RulesHeader(string_value(name), tuple(items), span=self._span(meta))

    def _setting(self, key, meta, values):
        return ast.Setting(key, tuple(values), span=self._span(meta))

    @v_args(meta=True)
    def issuer(self, meta, children):
        return self._setting("issuer", meta, [string_value(children[0])])

    @v_args(meta=True)
    def schema_ref(self, meta, children):
        return self._setting("schema", meta, [string_value(children[0])])

    @v_args(meta=True)
    def implements(self, meta, children):
        return self._setting("implements", meta, [string_value(c) for c in children])

    @v_args(meta=True)
    def branch(self, meta, children):
        return self._setting("branch", meta, [string_value(children[0])])

    @v_args(meta=True)
    def effective(self, meta, children):
        return self._setting("effective", meta, [self._date(c) for c in children])

    def measure_item(self, children):
        return children[0]

    rules_item = catalog_attr = product_item = split_item = gate_item = measure_item
    reward_item = audit_item = statement_item = measure_item

    @v_args(meta=True)
    def cite(self, meta, children):
        return ast.Cite(string_value(children[0]), span=self._span(meta))

    # declarations
    @v_args(meta=True)
    def department(self, meta, children):
        name, kind, cite = children
        return ast.Department(self._ident(name), str(kind), cite, span=self._span(meta))

    def dept_kind(self, children):
        return str(children[0])

    per_what = split_method = scope = allocate_method = rounding_mode = dept_kind

    @v_args(meta=True)
    def outlet(self, meta, children):
        name, cite = children
        return ast.Outlet(self._ident(name), cite, span=self._span(meta))

    def _binding(self, keyword, meta, children):
        name, value, cite = children
        return ast.Binding(keyword, self._ident(name), value, cite, span=self._span(meta))

    @v_args(meta=True)
    def param(self, meta, children):
        return self._binding("param", meta, children)

    @v_args(meta=True)
    def set(self, meta, children):
        return self._binding("set", meta, children)

    @v_args(meta=True)
    def let(self, meta, children):
        return self._binding("let", meta, children)

    @v_args(meta=True)
    def catalog(self, meta, children):
        *entries, cite = children
        return ast.Catalog(tuple(entries), cite, span=self._span(meta))

    @v_args(meta=True)
    def catalog_entry(self, meta, children):
        name, *items = children
        return ast.CatalogEntry(self._ident(name), tuple(items), span=self._span(meta))

    @v_args(meta=True)
    def code(self, meta, children):
        return self._setting("code", meta, [string_value(children[0])])

    @v_args(meta=True)
    def host(self, meta, children):
        return self._setting("host", meta, [self._ident(children[0])])

    @v_args(meta=True)
    def unit(self, meta, children):
        return self._setting("unit", meta, [string_value(children[0])])

    @v_args(meta=True)
    def product(self, meta, children):
        name, *items, cite = children
        return ast.Product(self._ident(name), tuple(items), cite, span=self._span(meta))

    @v_args(meta=True)
    def points(self, meta, children):
        expr, per, when = children
        return ast.Points(expr, per, when, span=self._span(meta))

    @v_args(meta=True)
    def target(self, meta, children):
        return self._setting("target", meta, children)

    @v_args(meta=True)
    def targets(self, meta, children):
        department, *criteria, cite = children
        return ast.Targets(self._ident(department), tuple(criteria), cite, span=self._span(meta))

    @v_args(meta=True)
    def criterion(self, meta, children):
        label, expr, cite = children
        return ast.Criterion(string_value(label), expr, cite, span=self._span(meta))

    def _block(self, keyword, meta, children):
        *items, cite = children
        return ast.Block(keyword, tuple(items), cite, span=self._span(meta))

    @v_args(meta=True)
    def split(self, meta, children):
        return self._block("split", meta, children)

    @v_args(meta=True)
    def reward(self, meta, children):
        return self._block("reward", meta, children)

    @v_args(meta=True)
    def audit(self, meta, children):
        return self._block("audit", meta, children)

    @v_args(meta=True)
    def statement(self, meta, children):
        return self._block("statement", meta, children)

    @v_args(meta=True)
    def split_host(self, meta, children):
        return self._setting("host", meta, children)

    @v_args(meta=True)
    def split_participants(self, meta, children):
        return self._setting("participants", meta, children)

    @v_args(meta=True)
    def split_by(self, meta, children):
        return self._setting("by", meta, children)

    @v_args(meta=True)
    def pool(self, meta, children):
        return self._setting("pool", meta, children)

    @v_args(meta=True)
    def allocate(self, meta, children):
        return self._setting("allocate", meta, children)

    @v_args(meta=True)
    def rounding(self, meta, children):
        return self._setting("rounding", meta, children)

    @v_args(meta=True)
    def spot_check(self, meta, children):
        return self._setting("spot_check", meta, children)

    @v_args(meta=True)
    def seed(self, meta, children):
        return self._setting("seed", meta, [string_value(children[0])])

    @v_args(meta=True)
    def publish(self, meta, children):
        return self._setting("publish", meta, children)

    @v_args(meta=True)
    def gate(self, meta, children):
        name, scope, product, at_end, *items, cite = children
        return ast.Gate(self._ident(name), scope, product, at_end is not None, tuple(items), cite,
                        span=self._span(meta))

    def gate_for(self, children):
        return self._ident(children[0])

    def gate_at(self, children):
        return True

    @v_args(meta=True)
    def clause_when(self, meta, children):
        return ast.Clause(children[0], children[1], span=self._span(meta))

    @v_args(meta=True)
    def clause(self, meta, children):
        return ast.Clause(None, children[0], span=self._span(meta))

    @v_args(meta=True)
    def otherwise_zero(self, meta, children):
        return ast.Otherwise("zero", None, span=self._span(meta))

    @v_args(meta=True)
    def otherwise_scale(self, meta, children):
        return ast.Otherwise("scale", children[0], span=self._span(meta))

    @v_args(meta=True)
    def attribution(self, meta, children):
        *items, cite = children
        return ast.Attribution(tuple(items), cite, span=self._span(meta))

    # expressions
    @v_args(meta=True)
    def if_expr(self, meta, children):
        return ast.IfExpr(*children, span=self._span(meta))

    def _binary(self, op, meta, left, right):
        return ast.Binary(op, left, right, span=self._span(meta))

    @v_args(meta=True)
    def or_op(self, meta, children):
        return self._binary("or", meta, *children)

    @v_args(meta=True)
    def and_op(self, meta, children):
        return self._binary("and", meta, *children)

    @v_args(meta=True)
    def in_op(self, meta, children):
        return self._binary("in", meta, *children)

    @v_args(meta=True)
    def not_in_op(self, meta, children):
        return self._binary("not_in", meta, *children)

    @v_args(meta=True)
    def compare(self, meta, children):
        left, op, right = children
        return self._binary(str(op), meta, left, right)

    arith = compare

    @v_args(meta=True)
    def not_op(self, meta, children):
        return ast.Unary("not", children[0], span=self._span(meta))

    @v_args(meta=True)
    def negate(self, meta, children):
        return ast.Unary("neg", children[-1], span=self._span(meta))

    @v_args(meta=True)
    def number(self, meta, children):
        text = str(children[0])
        try:
            value = number_value(text)
        except LiteralError as exc:
            self.problems.append(Diagnostic("E106", str(exc), self._span(meta),
                                            help="amounts in the rules need at most 30 digits; "
                                                 "write large amounts with 万 or 亿"))
            value = number_value("0")
        return ast.Number(value, text, span=self._span(meta))

    @v_args(meta=True)
    def date(self, meta, children):
        return ast.DateLit(self._date(children[0]), span=self._span(meta))

    def _date(self, token: Token):
        try:
            return date_value(str(token))
        except LiteralError as exc:
            self.problems.append(Diagnostic("E107", str(exc), _token_span(self.file, token),
                                            help="write dates as YYYY-MM-DD, e.g. 2026-01-01"))
            return date_value("2000-01-01")

    @v_args(meta=True)
    def string(self, meta, children):
        return ast.String(string_value(children[0]), span=self._span(meta))

    @v_args(meta=True)
    def true(self, meta, children):
        return ast.Bool(True, span=self._span(meta))

    @v_args(meta=True)
    def false(self, meta, children):
        return ast.Bool(False, span=self._span(meta))

    @v_args(meta=True)
    def null(self, meta, children):
        return ast.Null(span=self._span(meta))

    @v_args(meta=True)
    def list(self, meta, children):
        return ast.ListLit(tuple(c for c in children if c is not None), span=self._span(meta))

    @v_args(meta=True)
    def call(self, meta, children):
        name, *args = children
        return ast.Call(str(name), tuple(a for a in args if a is not None), span=self._span(meta))

    @v_args(meta=True)
    def name(self, meta, children):
        return ast.Name(str(children[0]), span=self._span(meta))

    @v_args(meta=True)
    def field(self, meta, children):
        scope, name = str(children[0]).split(".", 1)
        return ast.Field(scope, name, span=self._span(meta))
