"""Citations name articles the measure declares (E218): `cite "第九十九条"` is a typo or an article of
another text, and a figure explained by it would point at nothing."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from typing import Iterator

from .. import ast
from ..diagnostics import Diagnostic
from .context import CheckContext, did_you_mean


def _cites(node) -> Iterator[ast.Cite]:
    """Every `cite` of a file: after declarations, inside blocks, on catalogue entries and criteria."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Cite):
            yield item
        elif isinstance(item, tuple):
            stack.extend(item)
        elif is_dataclass(item) and isinstance(item, ast.Node) and not isinstance(item, ast.Expr.__args__):
            stack.extend(getattr(item, f.name) for f in fields(item) if f.name != "span")


def unknown_articles(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E218: with the measure's articles declared, every `cite` must name one of them."""
    articles = [decl.name.text for decl in ctx.measure.declarations if isinstance(decl, ast.Article)]
    if not articles:  # a measure that does not declare its articles cannot say which exist
        return
    known = set(articles)
    for program in ctx.programs:
        for cite in _cites(program):
            if cite.article not in known:
                written = _in_chinese(cite.article)
                yield Diagnostic("E218", f"`{cite.article}` is not an article of the measure", cite.span,
                                 help=f"the measure numbers its articles in Chinese: `{written}`" if written in known
                                 else did_you_mean(cite.article, articles,
                                                   f"the measure has {articles[0]} to {articles[-1]}"))


DIGITS = "零一二三四五六七八九"


def _in_chinese(article: str) -> str | None:
    """`第20条` → `第二十条`: an article cited in Arabic numerals, as the measure writes it."""
    match = re.fullmatch(r"第\s*(\d{1,2})\s*条", article)
    if match is None or int(match.group(1)) == 0:
        return None
    tens, ones = divmod(int(match.group(1)), 10)
    number = ("" if tens < 2 else DIGITS[tens]) + ("十" if tens else "") + (DIGITS[ones] if ones else "")
    return f"第{number}条"
