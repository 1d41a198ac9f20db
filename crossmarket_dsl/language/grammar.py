"""The parser of `grammar.lark`: LALR(1) with Lark's basic lexer, built once a process (and cached on disk
by Lark, so that a command does not rebuild its tables at every start)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from lark import Lark, Token

from .source import Span


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    grammar = resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="basic", propagate_positions=True, start=["start", "declarations"],
                maybe_placeholders=True, cache=True)


def token_span(file: str, token: Token) -> Span:
    return Span(file, token.line, token.column, token.end_line, token.end_column)
