"""A fast reader of well-formed files: text → the very AST, spans included, that the Lark parser of
`grammar.lark` builds, in a fraction of its time (Lark's LALR parser and tree builder in pure Python cost
about a quarter of a millisecond a line, most of what `check` of a large file spends).

It reads by recursive descent, following grammar.lark rule by rule, with the grammar's own token patterns.
At the first thing it does not expect — a syntax error, a literal with no value, an expression deep enough
for the parser's depth limit — it gives up (`read` returns None): the Lark parser then reads the file and
reports every problem in words. Tests hold the two to the same trees and spans on every sample, every
diagnostic case, generated expressions and mutated files.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..semantics.vocabulary import AND, OPERATORS, OR, SUM, TERM
from . import ast
from .literals import LiteralError, date_value, number_value, string_value
from .source import SourceFile, Span
from .tokens import literals, terminals

BLANKS = " \t\f\r\n\u3000\ufeff"  # the grammar's `%ignore`d whitespace
DEEPEST = 200  # expression levels the reader builds; deeper ones are left to the parser and its limit


class GiveUp(Exception):
    """Something the reader does not expect: the Lark parser reads the file instead."""


@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern, frozenset[str]]:
    """One regular expression for the blanks before a token and the token, its alternatives in the order
    Lark's basic lexer tries them (its priorities first: fields before names, dates before numbers), and the
    keywords, which Lark's lexer tells from names the same way: a name spelt as a keyword is the keyword."""
    patterns = terminals()
    keywords, symbols = literals()
    alternatives = "|".join([
        *(f"(?P<{name}>{patterns[name]})" for name in ("COMMENT", "FIELD", "DATE", "NUMBER", "STRING", "NAME",
                                                       "COMPARE")),
        "(?P<symbol>" + "|".join(map(re.escape, sorted(symbols, key=len, reverse=True))) + ")",
    ])
    return re.compile(f"[{BLANKS}]*(?:{alternatives})"), keywords


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, text, line, column) of every token; a keyword's kind is its own text, a symbol's too."""
    scanner, keywords = _lexicon()
    found = []
    line, line_start, counted, position = 1, 0, 0, 0
    for match in scanner.finditer(text):
        if match.start() != position:
            raise GiveUp  # a character no token takes
        position = match.end()
        kind = match.lastgroup
        if kind == "COMMENT":
            continue
        start = match.start(kind)
        newlines = text.count("\n", counted, start)
        if newlines:
            line += newlines
            line_start = text.rindex("\n", counted, start) + 1
        counted = start
        value = match.group(kind)
        if kind == "symbol" or kind == "NAME" and value in keywords:
            kind = value
        found.append((kind, value, line, start - line_start + 1))
    if text[position:].strip(BLANKS):
        raise GiveUp
    found.append(("$END", "", line, 0))  # never part of a span: taking it is giving up
    return found


def read(source: SourceFile) -> ast.Program | None:
    """The AST of a well-formed file, or None when the parser must read it (see the module's docstring)."""
    try:
        return _Reader(source.name, _tokens(source.text)).program()
    except (GiveUp, LiteralError, RecursionError, IndexError):
        return None


class _Reader:
    def __init__(self, file: str, tokens):
        self.file = file
        self.tokens = tokens
        self.at = 0

    # ---- tokens -----------------------------------------------------------------------------------

    def kind(self) -> str:
        return self.tokens[self.at][0]

    def take(self, kind: str):
        token = self.tokens[self.at]
        if token[0] != kind:
            raise GiveUp
        self.at += 1
        return token

    def accept(self, kind: str):
        token = self.tokens[self.at]
        if token[0] != kind:
            return None
        self.at += 1
        return token

    def span(self, start: tuple[int, int]) -> Span:
        """From `start` to the end of the last token taken."""
        _, text, line, column = self.tokens[self.at - 1]
        return Span(self.file, start[0], start[1], line, column + len(text))

    def ident(self, token) -> ast.Ident:
        return ast.Ident(token[1], span=self.token_span(token))

    def token_span(self, token) -> Span:
        return Span(self.file, token[2], token[3], token[2], token[3] + len(token[1]))

    @staticmethod
    def start(token) -> tuple[int, int]:
        return token[2], token[3]

    def cite(self) -> ast.Cite | None:
        keyword = self.accept("cite")
        if keyword is None:
            return None
        return ast.Cite(string_value(self.take("STRING")[1]), span=self.span(self.start(keyword)))

    def word(self, *choices: str) -> str:
        """One of the keywords of a `!rule` (`corporate`, `half_up` …)."""
        kind = self.kind()
        if kind not in choices:
            raise GiveUp
        self.at += 1
        return kind

    # ---- file and header ----------------------------------------------------------------------------

    def program(self) -> ast.Program:
        header = self.header()
        declarations = []
        while self.kind() != "$END":
            declarations.append(self.declaration())
        start = (header.span.line, header.span.column)
        return ast.Program(header, tuple(declarations), span=self.span(start))

    def header(self) -> ast.Header:
        first = self.tokens[self.at]
        if self.accept("measure"):
            name = string_value(self.take("STRING")[1])
            self.take("version")
            version = string_value(self.take("STRING")[1])
            items = self.header_items(("issuer", "schema", "effective"))
            return ast.MeasureHeader(name, version, items, span=self.span(self.start(first)))
        self.take("rules")
        name = string_value(self.take("STRING")[1])
        items = self.header_items(("implements", "branch", "effective"))
        return ast.RulesHeader(name, items, span=self.span(self.start(first)))

    def header_items(self, keys: tuple[str, ...]) -> tuple:
        self.take("{")
        items = []
        while not self.accept("}"):
            items.append(self.cite() or self.header_setting(keys))
        return tuple(items)

    def header_setting(self, keys: tuple[str, ...]) -> ast.Setting:
        keyword = self.tokens[self.at]
        key = self.word(*keys)
        if key == "effective":
            start_date = self.date()
            self.take("to")
            values = (start_date, self.date())
        elif key == "implements":
            name = self.text()
            self.take("version")
            values = (name, self.text())
        else:
            values = (self.text(),)
        return ast.Setting(key, values, span=self.span(self.start(keyword)))

    def text(self) -> str:
        return string_value(self.take("STRING")[1])

    def date(self):
        return date_value(self.take("DATE")[1])

    # ---- declarations -----------------------------------------------------------------------------

    def declaration(self):
        keyword = self.tokens[self.at]
        start = self.start(keyword)
        kind = keyword[0]
        self.at += 1
        if kind == "department":
            name = self.ident(self.take("NAME"))
            department_kind = self.word("corporate", "retail", "support")
            cite = self.cite()
            return ast.Department(name, department_kind, cite, span=self.span(start))
        if kind == "outlet":
            name = self.ident(self.take("NAME"))
            cite = self.cite()
            return ast.Outlet(name, cite, span=self.span(start))
        if kind == "article":
            name = self.ident(self.take("NAME"))
            return ast.Article(name, self.text(), span=self.span(start))
        if kind in ("param", "set", "let"):
            name = self.ident(self.take("NAME"))
            self.take("=")
            value = self.expr()
            cite = self.cite()
            return ast.Binding(kind, name, value, cite, span=self.span(start))
        if kind == "catalog":
            entries = self.block(self.catalog_entry)
            cite = self.cite()
            return ast.Catalog(entries, cite, span=self.span(start))
        if kind == "product":
            name = self.ident(self.take("NAME"))
            items = self.block(self.product_item)
            cite = self.cite()
            return ast.Product(name, items, cite, span=self.span(start))
        if kind == "targets":
            self.take("for")
            department = self.ident(self.take("NAME"))
            criteria = self.block(self.criterion)
            cite = self.cite()
            return ast.Targets(department, criteria, cite, span=self.span(start))
        if kind in BLOCK_ITEMS:
            items = self.block(lambda: self.cite() or self.block_setting(BLOCK_ITEMS[kind]))
            cite = self.cite()
            return ast.Block(kind, items, cite, span=self.span(start))
        if kind == "gate":
            return self.gate(start)
        if kind == "award":
            return self.award(start)
        if kind == "objective":
            department = self.ident(self.take("NAME"))
            items = self.block(self.objective_item)
            cite = self.cite()
            return ast.Objective(department, items, cite, span=self.span(start))
        if kind == "attribute":
            self.take("to")
            self.take("outlet")
            items = self.block(self.criterion)
            cite = self.cite()
            return ast.Attribution(items, cite, span=self.span(start))
        raise GiveUp

    def block(self, item) -> tuple:
        """`{ item* }`."""
        self.take("{")
        items = []
        while not self.accept("}"):
            items.append(item())
        return tuple(items)

    def catalog_entry(self) -> ast.CatalogEntry:
        name_token = self.take("NAME")
        items = []
        while self.kind() in ("code", "host", "unit", "cite"):
            items.append(self.cite() or self.catalog_attr())
        return ast.CatalogEntry(self.ident(name_token), tuple(items), span=self.span(self.start(name_token)))

    def catalog_attr(self) -> ast.Setting:
        keyword = self.tokens[self.at]
        key = self.word("code", "host", "unit")
        value = self.ident(self.take("NAME")) if key == "host" else string_value(self.take("STRING")[1])
        return ast.Setting(key, (value,), span=self.span(self.start(keyword)))

    def product_item(self):
        keyword = self.tokens[self.at]
        if keyword[0] == "cite":
            return self.cite()
        key = self.word("points", "target")
        expr = self.expr()
        if key == "target":
            return ast.Setting("target", (expr,), span=self.span(self.start(keyword)))
        self.take("per")
        per = self.word("unit", "deal")
        when = self.expr() if self.accept("when") else None
        return ast.Points(expr, per, when, span=self.span(self.start(keyword)))

    def criterion(self) -> ast.Criterion:
        label = self.take("STRING")
        self.take(":")
        expr = self.expr()
        cite = self.cite()
        return ast.Criterion(string_value(label[1]), expr, cite, span=self.span(self.start(label)))

    def block_setting(self, keys: dict[str, tuple]) -> ast.Setting:
        """A setting of `split`, `reward`, `audit` or `statement`: its key, then what BLOCK_ITEMS lists."""
        keyword = self.tokens[self.at]
        key = self.word(*keys)
        values = []
        for part in keys[key]:
            if part == "expr":
                values.append(self.expr())
            elif part == "STRING":
                values.append(string_value(self.take("STRING")[1]))
            elif isinstance(part, tuple):
                values.append(self.word(*part))
            else:  # a keyword that only closes the setting (`days`)
                self.take(part)
        return ast.Setting(key, tuple(values), span=self.span(self.start(keyword)))

    def gate(self, start) -> ast.Gate:
        name = self.ident(self.take("NAME"))
        self.take("on")
        scope = self.word("deal", "client", "project", "product", "department", "outlet")
        product = self.ident(self.take("NAME")) if self.accept("for") else None
        at_end = self.accept("at") is not None
        if at_end:
            self.take("period_end")
        items = self.block(self.gate_item)
        cite = self.cite()
        return ast.Gate(name, scope, product, at_end, items, cite, span=self.span(start))

    def gate_item(self):
        keyword = self.tokens[self.at]
        kind = keyword[0]
        if kind == "cite":
            return self.cite()
        self.at += 1
        if kind == "when":
            when = self.expr()
            self.take("require")
            return ast.Clause(when, self.expr(), span=self.span(self.start(keyword)))
        if kind == "require":
            return ast.Clause(None, self.expr(), span=self.span(self.start(keyword)))
        if kind == "otherwise":
            if self.accept("zero"):
                return ast.Otherwise("zero", None, span=self.span(self.start(keyword)))
            self.take("scale")
            return ast.Otherwise("scale", self.expr(), span=self.span(self.start(keyword)))
        raise GiveUp

    def award(self, start) -> ast.Award:
        name = self.ident(self.take("NAME"))
        self.take("for")
        scope = self.word("project", "client")
        key = self.text()
        items = self.block(self.award_item)
        cite = self.cite()
        return ast.Award(name, scope, key, items, cite, span=self.span(start))

    def award_item(self):
        keyword = self.tokens[self.at]
        kind = keyword[0]
        if kind == "cite":
            return self.cite()
        self.at += 1
        if kind == "when":
            return ast.Setting("when", (self.expr(),), span=self.span(self.start(keyword)))
        if kind == "to":
            department = self.ident(self.take("NAME"))
            return ast.AwardTo(department, self.expr(), span=self.span(self.start(keyword)))
        raise GiveUp

    def objective_item(self):
        keyword = self.tokens[self.at]
        kind = keyword[0]
        if kind == "cite":
            return self.cite()
        self.at += 1
        if kind == "target":
            return ast.Setting("target", (self.expr(),), span=self.span(self.start(keyword)))
        if kind != "completion":
            raise GiveUp
        op = self.take("COMPARE")[1]
        threshold = self.expr()
        adjust = self.word("deduct", "award")
        amount = self.expr()
        of_points = self.accept("of") is not None
        if of_points:
            self.take("points")
        return ast.Tier(op, threshold, adjust, amount, of_points, span=self.span(self.start(keyword)))

    # ---- expressions --------------------------------------------------------------------------------
    # A node's span runs from its first token to the last token taken, as the parser's spans do: parentheses
    # around the node itself are left out, parentheses around its first operand are taken in.

    def expr(self, depth: int = 0):
        if depth > DEEPEST:
            raise GiveUp
        first = self.tokens[self.at]
        if first[0] != "if":
            return self.climb(LOGIC, self.not_expr, OR, depth)
        self.at += 1
        condition = self.expr(depth + 1)
        self.take("then")
        then = self.expr(depth + 1)
        self.take("else")
        otherwise = self.expr(depth + 1)
        return ast.IfExpr(condition, then, otherwise, span=self.span(self.start(first)))

    def climb(self, levels: dict[str, int], operand, lowest: int, depth: int):
        """Left-associative binary operators among `levels` that bind at least as tightly as `lowest`, between
        `operand`s: precedence climbing, with the vocabulary's binding strengths."""
        first = self.tokens[self.at]
        left = operand(depth)
        while True:
            op = self.tokens[self.at][0]
            level = levels.get(op)
            if level is None or level < lowest:
                return left
            self.at += 1
            depth += 1
            if depth > DEEPEST:
                raise GiveUp
            right = self.climb(levels, operand, level + 1, depth)
            left = ast.Binary(op, left, right, span=self.span(self.start(first)))

    def not_expr(self, depth: int):
        if depth > DEEPEST:
            raise GiveUp
        token = self.accept("not")
        if token is None:
            return self.comparison(depth)
        operand = self.not_expr(depth + 1)
        return ast.Unary("not", operand, span=self.span(self.start(token)))

    def comparison(self, depth: int):
        """Comparisons do not chain: `sum OP sum`, with `in` and `not in` among the operators."""
        first = self.tokens[self.at]
        left = self.climb(ARITHMETIC, self.unary, SUM, depth)
        kind = self.kind()
        if kind in ("COMPARE", "in"):
            op = self.tokens[self.at][1]
            self.at += 1
        elif kind == "not":
            self.at += 1
            self.take("in")
            op = "not_in"
        else:
            return left
        right = self.climb(ARITHMETIC, self.unary, SUM, depth + 1)
        return ast.Binary(op, left, right, span=self.span(self.start(first)))

    def unary(self, depth: int):
        if depth > DEEPEST:
            raise GiveUp
        token = self.accept("-")
        if token is None:
            return self.atom(depth)
        operand = self.unary(depth + 1)
        return ast.Unary("neg", operand, span=self.span(self.start(token)))

    def atom(self, depth: int):
        token = self.tokens[self.at]
        kind = token[0]
        self.at += 1
        if kind == "(":
            inner = self.expr(depth + 1)
            self.take(")")
            return inner
        if kind == "NAME" and self.kind() == "(":
            self.at += 1
            return ast.Call(token[1], self.expressions(")", depth), span=self.span(self.start(token)))
        if kind == "[":
            return ast.ListLit(self.expressions("]", depth), span=self.span(self.start(token)))
        return self.leaf(kind, token[1], self.token_span(token))

    def expressions(self, closing: str, depth: int) -> tuple:
        """`[expr ("," expr)*]` up to `closing`."""
        items = []
        if not self.accept(closing):
            items.append(self.expr(depth + 1))
            while self.accept(","):
                items.append(self.expr(depth + 1))
            self.take(closing)
        return tuple(items)

    @staticmethod
    def leaf(kind: str, text: str, span: Span):
        if kind == "NUMBER":
            return ast.Number(number_value(text), text, span=span)
        if kind == "NAME":
            return ast.Name(text, span=span)
        if kind == "FIELD":
            scope, name = text.split(".", 1)
            return ast.Field(scope, name, span=span)
        if kind == "STRING":
            return ast.String(string_value(text), span=span)
        if kind == "DATE":
            return ast.DateLit(date_value(text), span=span)
        if kind in ("true", "false"):
            return ast.Bool(kind == "true", span=span)
        if kind == "null":
            return ast.Null(span=span)
        raise GiveUp


# Settings of the blocks, as grammar.lark writes them: the key, then its parts in order ("expr", "STRING",
# a tuple of keywords to choose from, or a keyword that only closes the setting).
BLOCK_ITEMS = {
    "split": {"host": ("expr",), "participants": ("expr",), "by": (("equal", "declared"),)},
    "reward": {"pool": ("expr",), "allocate": (("pro_rata",),), "rounding": ("expr", ("half_up", "half_even", "down"))},
    "audit": {"spot_check": ("expr",), "seed": ("STRING",)},
    "statement": {"publish": ("expr", "days")},
}

# The left-associative binary operators, by binding strength: `or` and `and` join `not`-expressions,
# `+ - * /` join signed operands; comparisons stand between the two and do not chain.
LOGIC = {name: op.level for name, op in OPERATORS.items() if op.level in (OR, AND)}
ARITHMETIC = {name: op.level for name, op in OPERATORS.items() if op.level in (SUM, TERM) and op.arity == 2}
