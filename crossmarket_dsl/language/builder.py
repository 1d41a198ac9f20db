"""Lark's parse tree of grammar.lark → the AST, every node with its span (the reference the fast reader is
held to)."""

from __future__ import annotations

from lark import Token, Transformer, Tree, v_args

from . import ast
from .diagnostics import Diagnostic
from .grammar import token_span
from .literals import LiteralError, date_value, number_value, string_value
from .source import Span

MAX_DEPTH = 300  # syntax tree levels: a chain of 250 `+` is still fine, 1,000 would exhaust the stack


def too_deep_tree(tree: Tree, file: str) -> Diagnostic | None:
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


class AstBuilder(Transformer):
    """Lark tree → `ast` dataclasses, every node with its span."""

    def __init__(self, file: str):
        super().__init__()
        self.file = file
        self.problems: list[Diagnostic] = []

    def _span(self, meta) -> Span:
        return Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column)

    def _ident(self, token: Token) -> ast.Ident:
        return ast.Ident(str(token), span=token_span(self.file, token))

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
    reward_item = audit_item = statement_item = award_item = objective_item = measure_item

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

    per_what = split_method = scope = allocate_method = rounding_mode = award_scope = adjust_kind = dept_kind

    @v_args(meta=True)
    def outlet(self, meta, children):
        name, cite = children
        return ast.Outlet(self._ident(name), cite, span=self._span(meta))

    @v_args(meta=True)
    def article(self, meta, children):
        name, text = children
        return ast.Article(self._ident(name), string_value(text), span=self._span(meta))

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

    @v_args(meta=True)
    def award(self, meta, children):
        name, scope, key, *items, cite = children
        return ast.Award(self._ident(name), scope, string_value(key), tuple(items), cite, span=self._span(meta))

    @v_args(meta=True)
    def award_when(self, meta, children):
        return self._setting("when", meta, children)

    @v_args(meta=True)
    def award_to(self, meta, children):
        department, points = children
        return ast.AwardTo(self._ident(department), points, span=self._span(meta))

    @v_args(meta=True)
    def objective(self, meta, children):
        department, *items, cite = children
        return ast.Objective(self._ident(department), tuple(items), cite, span=self._span(meta))

    @v_args(meta=True)
    def objective_target(self, meta, children):
        return self._setting("target", meta, children)

    @v_args(meta=True)
    def tier(self, meta, children):
        op, threshold, kind, amount, of_points = children
        return ast.Tier(str(op), threshold, kind, amount, of_points is not None, span=self._span(meta))

    def of_points(self, children):
        return True

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
            self.problems.append(Diagnostic("E107", str(exc), token_span(self.file, token),
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
