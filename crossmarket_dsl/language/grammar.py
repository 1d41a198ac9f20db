"""The parser of `grammar.lark`: LALR(1) with Lark's basic lexer, built once a process, and only when a file
has something the fast reader does not expect. Its tables are not cached on disk: Lark would keep them as a
pickle in the shared temporary folder, where another account could put one of its own to be loaded."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from lark import Lark, Token

from .source import Span


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    grammar = resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="basic", propagate_positions=True, start=["start", "declarations"],
                maybe_placeholders=True)


def token_span(file: str, token: Token) -> Span:
    return Span(file, token.line, token.column, token.end_line, token.end_column)
