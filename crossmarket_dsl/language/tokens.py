"""The tokens of the language as grammar.lark defines them, read from the grammar's text: the regular
expressions of its named terminals, its keywords and its symbols.

The fast reader and the comment finder need only these; reading them here spares a command that meets no
syntax error the import of Lark and the loading of its tables. A test holds them to what Lark reads.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_TERMINAL = re.compile(r"^([A-Z_]+)(?:\.\d+)?:[ \t]*(.+?)[ \t]*$", re.MULTILINE)
_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
_COMMENT_LINE = re.compile(r"^\s*//.*$", re.MULTILINE)


@lru_cache(maxsize=1)
def grammar_text() -> str:
    return resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def terminals() -> dict[str, str]:
    """Named terminal → its regular expression (`/…/` as written; `"a" | "b"` as an alternation)."""
    found = {}
    for name, body in _TERMINAL.findall(grammar_text()):
        if body.startswith("/") and body.endswith("/"):
            found[name] = body[1:-1]
        else:
            found[name] = "(?:" + "|".join(map(re.escape, _LITERAL.findall(body))) + ")"
    return found


@lru_cache(maxsize=1)
def literals() -> tuple[frozenset[str], frozenset[str]]:
    """(keywords, symbols): the quoted words and signs of the grammar's rules, and the signs that a named
    terminal stands for alone (`PLUS: "+"`)."""
    text = _COMMENT_LINE.sub("", grammar_text())
    rules = _TERMINAL.sub("", text)
    quoted = set(_LITERAL.findall(rules))
    for body in (body for _, body in _TERMINAL.findall(text) if not body.startswith("/")):
        alone = _LITERAL.findall(body)
        quoted.update(alone if len(alone) == 1 else ())
    keywords = frozenset(q for q in quoted if q.isidentifier())
    return keywords, frozenset(quoted - keywords)
