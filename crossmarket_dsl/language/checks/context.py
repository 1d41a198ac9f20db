"""What every check reads: the measure and rules, their lowered IR, one symbol table, and where each
expression stands (`places`), with the small helpers the checks' messages share."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Iterable, Iterator

from .. import ast
from ..lower import Lowered
from ..source import Span
from .places import Place, places_of


@dataclass
class CheckContext:
    measure: ast.Program
    rules: ast.Program | None  # None when a measure is checked alone
    lowered: Lowered

    @property
    def programs(self) -> list[ast.Program]:
        return [p for p in (self.measure, self.rules) if p is not None]

    def declarations(self, kind=object) -> Iterator[tuple[ast.Program, object]]:
        for program in self.programs:
            for decl in program.declarations:
                if isinstance(decl, kind):
                    yield program, decl

    @cached_property
    def symbols(self) -> "Symbols":
        return Symbols.build(self)

    @cached_property
    def places(self) -> list[Place]:
        return [place for _, decl in self.declarations() for place in places_of(decl)]

    @cached_property
    def nodes(self) -> list[ast.Expr]:
        """Every node of every expression, walked once for all the checks that look at nodes one by one."""
        return [node for place in self.places for node in ast.walk(place.expr)]

    def span_of(self, pointer: str) -> Span | None:
        """The source span of an IR node, or of its nearest ancestor that has one."""
        while pointer:
            if pointer in self.lowered.source_map:
                return self.lowered.source_map[pointer]
            pointer = pointer.rsplit("/", 1)[0]
        return None


@dataclass
class Symbols:
    """Every declared name, first declaration first (duplicates are reported by `duplicates`)."""

    params: dict[str, ast.Binding]
    lets: dict[str, ast.Binding]
    departments: dict[str, ast.Department]
    catalog: dict[str, ast.CatalogEntry]
    products: dict[str, ast.Product]
    gates: dict[str, ast.Gate]

    @staticmethod
    def build(ctx: CheckContext) -> "Symbols":
        bindings = [d for _, d in ctx.declarations(ast.Binding)]
        return Symbols(
            params=_by_name(d for d in bindings if d.keyword == "param"),
            lets=_by_name(d for d in bindings if d.keyword == "let"),
            departments=_by_name(d for _, d in ctx.declarations(ast.Department)),
            catalog=_by_name(e for _, d in ctx.declarations(ast.Catalog) for e in d.entries),
            products=_by_name(d for _, d in ctx.declarations(ast.Product)),
            gates=_by_name(d for _, d in ctx.declarations(ast.Gate)),
        )

    @property
    def values(self) -> dict[str, ast.Binding]:
        return {**self.lets, **self.params}

    def of_kind(self, kind: str) -> list[str]:
        return [name for name, d in self.departments.items() if d.kind == kind]


def _by_name(decls) -> dict:
    found: dict = {}
    for decl in decls:
        found.setdefault(decl.name.text, decl)
    return found


# ---- small helpers -----------------------------------------------------------------------------


def did_you_mean(name: str, known: Iterable[str], otherwise: str | None = None) -> str | None:
    close = difflib.get_close_matches(name, list(dict.fromkeys(known)), n=1, cutoff=0.5)
    return f"did you mean `{close[0]}`?" if close else otherwise


def listing(names: Iterable[str]) -> str:
    return ", ".join(f"`{n}`" for n in names) or "none"


def head(span: Span, length: int) -> Span:
    """The first `length` characters of a span: a keyword, a function name, a label."""
    return Span(span.file, span.line, span.column, span.line, span.column + length)


def is_number(value) -> bool:
    return isinstance(value, Decimal)


DECL_KEYWORDS = {ast.Department: "department", ast.Outlet: "outlet", ast.Article: "article", ast.Catalog: "catalog",
                 ast.Product: "product", ast.Targets: "targets", ast.Gate: "gate", ast.Attribution: "attribute",
                 ast.Award: "award", ast.Objective: "objective"}


def keyword_of(decl) -> str:
    return getattr(decl, "keyword", None) or DECL_KEYWORDS[type(decl)]


def keyword_span(decl) -> Span:
    return head(decl.span, len(keyword_of(decl)))


def settings(items) -> list[ast.Setting]:
    return [item for item in items if isinstance(item, ast.Setting)]
