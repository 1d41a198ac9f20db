"""Text → AST: the fast reader (`reader.py`) for a well-formed file, else Lark's parser of grammar.lark
(`grammar.py`, its tree turned into the AST by `builder.py`), whose syntax errors come out as diagnostics in
words (`recovery.py`), never as Lark's terminal names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import ast
from .diagnostics import Diagnostic, DiagnosticError
from .reader import read
from .source import SourceFile, Span
from .tokens import terminals

MAX_NESTING = 64  # brackets within brackets


def parse(source: SourceFile) -> ast.Program:
    """Parse a whole file; raise `DiagnosticError` with every syntax problem found.

    A well-formed file is read by the fast reader (`reader.py`); anything it does not expect, by Lark."""
    problems = _nesting_problems(source)
    if problems:
        raise DiagnosticError(problems)
    program = read(source) or parse_with_lark(source)
    comments = [ast.Comment(text, span=span) for text, span in _comments(source)]
    return ast.Program(program.header, program.declarations, tuple(comments), span=program.span)


def parse_with_lark(source: SourceFile) -> ast.Program:
    """The reference parse of grammar.lark, without comments; syntax errors as `DiagnosticError`.
    Lark is imported here only: a command whose files are well formed never loads it."""
    from lark.exceptions import UnexpectedInput, VisitError

    from .builder import AstBuilder, too_deep_tree
    from .grammar import lark_parser
    from .recovery import all_syntax_errors

    try:
        tree = lark_parser().parse(source.text, start="start")
    except UnexpectedInput as first:
        raise DiagnosticError(all_syntax_errors(source, first)) from None
    too_deep = too_deep_tree(tree, source.name)
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
    return program


def _comments(source: SourceFile):
    """Comments with their spans, in one pass over a text that has parsed: the grammar's own STRING and COMMENT
    patterns, tried in turn, so that a `#` inside a text is no comment (lexing the file a second time with
    Lark would cost a fifth of a large file's parse)."""
    text, line, counted = source.text, 1, 0
    for match in _comment_scanner().finditer(text):
        if match.lastgroup != "comment":
            continue
        start = match.start()
        line += text.count("\n", counted, start)
        counted = start
        line_start = text.rfind("\n", 0, start) + 1
        column = start - line_start + 1
        yield match.group(), Span(source.name, line, column, line, column + len(match.group()))


@lru_cache(maxsize=1)
def _comment_scanner() -> re.Pattern:
    patterns = terminals()
    return re.compile(f"{patterns['STRING']}|(?P<comment>{patterns['COMMENT']})")


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
