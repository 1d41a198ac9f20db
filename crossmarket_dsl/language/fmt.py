"""The canonical layout of a `.xm` file (SPEC §8 `fmt`).

The AST is printed as a list of lines, each remembering the source position it stands for. The AST holds
no comments, so they are put back afterwards by position:

- a comment alone on its line goes above the printed line of the construct it sits in (an item written over
  several lines), else above the first line that starts after it; a comment before a block's `}` goes
  above the `}`, one level deeper; a comment after everything goes at the end of the file;
- a comment after code goes at the end of the printed line of the last construct that started before it.
A printed line keeps at most one comment at its end: the others that land on it go above it, in source order.

Guarantees (tested): idempotent, `parse(fmt(x)) == parse(x)`, every comment kept exactly once.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from ..semantics.vocabulary import ATOM, IF, OPERATORS
from . import ast
from .diagnostics import display_width
from .literals import string_literal
from .parser import parse
from .source import SourceFile, Span

INDENT = "  "
TRAILING_GAP = "  "
BLANK_CHARS = " \t\f\r\u3000\ufeff"  # the grammar's whitespace

Position = tuple[int, int]


def format_source(source: SourceFile) -> str:
    """The canonical text of a source file; raises `DiagnosticError` when it does not parse."""
    program = parse(source)
    lines = _program_lines(program)
    tail = _attach_comments(lines, program.comments, source)
    rendered = [text for line in lines for text in _render(line)]
    if tail:
        rendered += ["", *tail]
    return "\n".join(rendered) + "\n"


# ---- lines ---------------------------------------------------------------------------------------


@dataclass
class _Line:
    depth: int
    text: str
    start: Position | None  # where the printed construct starts in the source; None for a blank line
    end: Position | None = None  # set when the line prints a whole construct: comments inside it go above
    comment_depth: int | None = None  # indentation of comments above, when not `depth` (inside a `}`)
    comments: list[tuple[str, bool, bool]] = field(default_factory=list)  # (text, trailing, after a blank line)
    gap_after_comments: bool = False  # a blank line stood between the comments above and this line


def _blank() -> _Line:
    return _Line(0, "", None)


def _leaf(depth: int, text: str, span: Span) -> _Line:
    return _Line(depth, text, _start(span), _end(span))


def _start(span: Span) -> Position:
    return span.line, span.column


def _end(span: Span) -> Position:
    return span.end_line, span.end_column


def _render(line: _Line) -> list[str]:
    """The comments above a line, then the line with its trailing comment."""
    above = list(line.comments)
    trailing = above.pop()[0] if above and above[-1][1] else None
    comment_indent = INDENT * (line.depth if line.comment_depth is None else line.comment_depth)
    code = INDENT * line.depth + line.text if line.text else ""
    rendered = []
    for index, (text, _, after_blank) in enumerate(above):
        if after_blank and index:  # keep the author's paragraphs of comments apart
            rendered.append("")
        rendered.append(comment_indent + text)
    if above and line.gap_after_comments and code:  # a heading comment the author set apart from the code
        rendered.append("")
    return rendered + [code + (TRAILING_GAP + trailing if trailing else "")]


# ---- comments ------------------------------------------------------------------------------------


def _attach_comments(lines: list[_Line], comments, source: SourceFile) -> list[str]:
    """Hang every comment on a printed line; return those that come after everything."""
    anchored = [line for line in lines if line.start is not None]
    starts = [line.start for line in anchored]
    source_lines = source.text.split("\n")
    tail: list[str] = []
    for comment in comments:
        position = _start(comment.span)
        text = comment.text.rstrip()
        after = bisect_right(starts, position)  # index of the first line starting after the comment
        trailing = bool(source_lines[comment.span.line - 1][: comment.span.column - 1].strip(BLANK_CHARS))
        previous = anchored[after - 1] if after else None
        after_blank = comment.span.line > 1 and not source_lines[comment.span.line - 2].strip(BLANK_CHARS)
        if trailing or (previous and previous.end is not None and position < previous.end):
            previous.comments.append((text, trailing, after_blank and not trailing))
        elif after < len(anchored):
            anchored[after].comments.append((text, False, after_blank))
            next_line = source_lines[comment.span.line] if comment.span.line < len(source_lines) else ""
            anchored[after].gap_after_comments = not next_line.strip(BLANK_CHARS)
        else:
            tail.append(text)
    return tail


# ---- declarations --------------------------------------------------------------------------------


def _program_lines(program: ast.Program) -> list[_Line]:
    """Header, then declarations one blank line apart, except runs of one-liners of one kind."""
    header = program.header
    lines = _block_lines(header, _header_head(header), [(_item(i), i.span) for i in header.items], None)
    previous_kind = None
    for declaration in program.declarations:
        kind = _one_liner_kind(declaration)
        if kind is None or kind != previous_kind:
            lines.append(_blank())
        lines += _declaration_lines(declaration)
        previous_kind = kind
    return lines


def _header_head(header: ast.Header) -> str:
    if isinstance(header, ast.MeasureHeader):
        return f"measure {string_literal(header.name)} version {string_literal(header.version)}"
    return f"rules {string_literal(header.name)}"


def _one_liner_kind(declaration) -> str | None:
    if isinstance(declaration, ast.Binding):
        return declaration.keyword
    if isinstance(declaration, (ast.Department, ast.Outlet, ast.Article)):
        return type(declaration).__name__
    return None


def _declaration_lines(declaration) -> list[_Line]:
    if isinstance(declaration, (ast.Department, ast.Outlet, ast.Article, ast.Binding)):
        return [_leaf(0, _one_liner(declaration), declaration.span)]
    head, rows = _block_parts(declaration)
    return _block_lines(declaration, head, rows, declaration.cite)


def _one_liner(declaration) -> str:
    name = declaration.name.text
    if isinstance(declaration, ast.Department):
        text = f"department {name} {declaration.kind}"
    elif isinstance(declaration, ast.Outlet):
        text = f"outlet {name}"
    elif isinstance(declaration, ast.Article):
        text = f"article {name} {string_literal(declaration.text)}"
    else:
        text = f"{declaration.keyword} {name} = {expression(declaration.value)}"
    return _with_cite(text, declaration.cite)


def _block_parts(declaration) -> tuple[str, list[tuple[str, Span]]]:
    """The text before `{` and the block's rows (text, source span)."""
    if isinstance(declaration, ast.Catalog):
        texts = _aligned([[entry.name.text, *map(_item, entry.items)] for entry in declaration.entries])
        return "catalog", [(text, entry.span) for text, entry in zip(texts, declaration.entries)]
    if isinstance(declaration, ast.Targets):
        head, items = f"targets for {declaration.department.text}", declaration.criteria
    elif isinstance(declaration, ast.Attribution):
        head, items = "attribute to outlet", declaration.items
    elif isinstance(declaration, ast.Product):
        head, items = f"product {declaration.name.text}", declaration.items
    elif isinstance(declaration, ast.Gate):
        head, items = _gate_head(declaration), declaration.items
    elif isinstance(declaration, ast.Award):
        head = f"award {declaration.name.text} for {declaration.scope} {string_literal(declaration.key)}"
        items = declaration.items
    elif isinstance(declaration, ast.Objective):
        head, items = f"objective {declaration.department.text}", declaration.items
    else:
        head, items = declaration.keyword, declaration.items
    return head, [(_item(item), item.span) for item in items]


def _gate_head(gate: ast.Gate) -> str:
    words = ["gate", gate.name.text, "on", gate.scope]
    if gate.product is not None:
        words += ["for", gate.product.text]
    if gate.at_period_end:
        words += ["at", "period_end"]
    return " ".join(words)


def _block_lines(node, head: str, rows: list[tuple[str, Span]], cite: ast.Cite | None) -> list[_Line]:
    """`head {`, one row a line, `}` (with the citation that follows the block, if any).

    The AST has no position for `}`: the closing line stands at the citation, or at the end of the block.
    """
    closing = _Line(0, _with_cite("}", cite), _start(cite.span) if cite else _end(node.span), comment_depth=1)
    return [_Line(0, head + " {", _start(node.span)), *(_leaf(1, text, span) for text, span in rows), closing]


def _aligned(rows: list[list[str]]) -> list[str]:
    """Rows of cells joined so that columns line up (CJK counts two); a row's last cell is never padded."""
    widths: dict[int, int] = {}
    for row in rows:
        for column, cell in enumerate(row[:-1]):
            widths[column] = max(widths.get(column, 0), display_width(cell))
    return [" ".join([*(_pad(cell, widths[column]) for column, cell in enumerate(row[:-1])), row[-1]]) for row in rows]


def _pad(cell: str, width: int) -> str:
    return cell + " " * (width - display_width(cell))


def _with_cite(text: str, cite: ast.Cite | None) -> str:
    return f"{text} {_cite(cite)}" if cite else text


def _cite(cite: ast.Cite) -> str:
    return f"cite {string_literal(cite.article)}"


# ---- block items ---------------------------------------------------------------------------------

QUOTED_SETTINGS = {"issuer", "schema", "implements", "branch", "code", "unit", "seed"}
SETTING_TEMPLATES = {
    "implements": "implements {} version {}",
    "effective": "effective {} to {}",
    "publish": "publish {} days",
}


def _item(item) -> str:
    return _ITEMS[type(item)](item)


def _setting(setting: ast.Setting) -> str:
    values = [_setting_value(setting.key, value) for value in setting.values]
    template = SETTING_TEMPLATES.get(setting.key, setting.key + " {}" * len(values))
    return template.format(*values)


def _setting_value(key: str, value) -> str:
    """Setting values are texts, words (`equal`, `half_up`), names, dates or expressions."""
    if isinstance(value, str):
        return string_literal(value) if key in QUOTED_SETTINGS else value
    if isinstance(value, ast.Ident):
        return value.text
    if isinstance(value, date):
        return value.isoformat()
    return expression(value)


def _points(points: ast.Points) -> str:
    text = f"points {expression(points.expr)} per {points.per}"
    return f"{text} when {expression(points.when)}" if points.when is not None else text


def _clause(clause: ast.Clause) -> str:
    require = f"require {expression(clause.require)}"
    return f"when {expression(clause.when)} {require}" if clause.when is not None else require


def _otherwise(otherwise: ast.Otherwise) -> str:
    if otherwise.factor is None:
        return f"otherwise {otherwise.kind}"
    return f"otherwise {otherwise.kind} {expression(otherwise.factor)}"


def _award_to(line: ast.AwardTo) -> str:
    return f"to {line.department.text} {expression(line.points)}"


def _tier(tier: ast.Tier) -> str:
    text = f"completion {tier.op} {expression(tier.threshold)} {tier.kind} {expression(tier.amount)}"
    return f"{text} of points" if tier.of_points else text


def _criterion(criterion: ast.Criterion) -> str:
    return _with_cite(f"{string_literal(criterion.label)}: {expression(criterion.expr)}", criterion.cite)


_ITEMS = {
    ast.Cite: _cite,
    ast.Setting: _setting,
    ast.Points: _points,
    ast.Clause: _clause,
    ast.Otherwise: _otherwise,
    ast.Criterion: _criterion,
    ast.AwardTo: _award_to,
    ast.Tier: _tier,
}


# ---- expressions ---------------------------------------------------------------------------------


def expression(expr: ast.Expr) -> str:
    """An expression in canonical form with the fewest parentheses that keep its tree (binding strengths
    from the vocabulary, which follows grammar.lark).

    Bottom-up with an explicit stack, like `ast.walk`: a long chain `a + b + …` nests as deep as it is long.
    """
    rendered: list[tuple[str, int]] = []  # (text, binding strength) of the sub-expressions done so far
    stack = [(expr, False)]
    while stack:
        node, children_done = stack.pop()
        children = ast.children(node)
        if children_done:
            parts = rendered[len(rendered) - len(children):]
            del rendered[len(rendered) - len(children):]
            rendered.append(_EXPRESSIONS[type(node)](node, parts))
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children))
    return rendered[0][0]


def _operand(part: tuple[str, int], slot: int) -> str:
    text, level = part
    return f"({text})" if level < slot else text


def _binary(expr: ast.Binary, parts) -> tuple[str, int]:
    operator = OPERATORS[expr.op]
    left, right = (_operand(part, slot) for part, slot in zip(parts, operator.slots()))
    return f"{left} {operator.written} {right}", operator.level


def _unary(expr: ast.Unary, parts) -> tuple[str, int]:
    operator = OPERATORS[expr.op]
    return operator.prefix(_operand(parts[0], operator.level)), operator.level


def _if(expr: ast.IfExpr, parts) -> tuple[str, int]:
    return "if {} then {} else {}".format(*(text for text, _ in parts)), IF


def _arguments(parts) -> str:
    return ", ".join(text for text, _ in parts)


def _atom(render):
    """A renderer for an expression that never needs parentheses."""
    return lambda expr, parts: (render(expr, parts), ATOM)


_EXPRESSIONS = {
    ast.Binary: _binary,
    ast.Unary: _unary,
    ast.IfExpr: _if,
    ast.Number: _atom(lambda n, _: n.text or format(n.value, "f")),
    ast.String: _atom(lambda s, _: string_literal(s.value)),
    ast.Bool: _atom(lambda b, _: "true" if b.value else "false"),
    ast.Null: _atom(lambda n, _: "null"),
    ast.DateLit: _atom(lambda d, _: d.value.isoformat()),
    ast.ListLit: _atom(lambda _, parts: f"[{_arguments(parts)}]"),
    ast.Name: _atom(lambda n, _: n.name),
    ast.Field: _atom(lambda f, _: f"{f.scope}.{f.name}"),
    ast.Call: _atom(lambda c, parts: f"{c.function}({_arguments(parts)})"),
}
