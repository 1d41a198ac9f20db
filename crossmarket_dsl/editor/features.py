"""What an editor asks of an open `.xm` file, as plain functions of an `Analysis` and a position:
diagnostics, hover, completion, definition, symbols, formatting and quick fixes.

Positions are the protocol's: 0-based lines, columns in UTF-16 code units; spans are 1-based lines and
columns counted in characters, so every conversion goes through the line's text.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from lsprotocol import types as lsp

from ..core.codes import CODES
from ..language.diagnostics import DiagnosticError
from ..language.fmt import expression, format_source
from ..language.source import SourceFile, Span
from ..reports.exprtext import expr_text
from ..semantics.vocabulary import FUNCTIONS
from .analysis import KIND_WORDS, TABLE_OF_SCOPE, Analysis, Declaration, head_office_bounds

SCOPES = tuple(TABLE_OF_SCOPE) + ("department", "outlet")
WORD = re.compile(r"(?:(?:deal|client|project|product|department|outlet)\.)?\w+")
CITE = re.compile(r'cite\s+"([^"\n]*)"?')
DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")
HALF_WIDTH = {"，": ",", "（": "(", "）": ")", "：": ":", "；": ";", "“": '"', "”": '"', "【": "[", "】": "]",
              "＝": "=", "％": "%", "＋": "+", "－": "-", "＊": "*", "／": "/", "＜": "<", "＞": ">", "　": " "}
DECLARATION_KEYWORDS = ["product", "targets for", "gate", "set", "let", "outlet", "split", "reward", "audit",
                        "statement", "attribute to outlet", "award", "objective"]
BLOCK_KEYWORDS = {
    "rules": ["implements", "branch", "effective"],
    "product": ["points", "per unit", "per deal", "when", "target", "cite"],
    "gate": ["when", "require", "otherwise zero", "otherwise scale", "cite"],
    "reward": ["pool", "allocate pro_rata", "rounding"],
    "audit": ["spot_check"],
    "statement": ["publish"],
    "split": ["by equal", "by declared"],
    "award": ["when", "to", "cite"],
    "objective": ["target", "completion <", "completion >=", "deduct", "award", "of points", "cite"],
}
GATE_SCOPES = ["deal", "client", "project", "product", "department", "outlet"]


# ---- positions ---------------------------------------------------------------------------------

def line_of(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line] if 0 <= line < len(lines) else ""


def to_utf16(line_text: str, column: int) -> int:
    """A character column (0-based) as UTF-16 code units."""
    return len(line_text[:column].encode("utf-16-le")) // 2


def from_utf16(line_text: str, units: int) -> int:
    """UTF-16 code units as a character column (0-based)."""
    count = 0
    for index, char in enumerate(line_text):
        if count >= units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(line_text)


def span_range(span: Span, lines: list[str]) -> lsp.Range:
    """A span as a protocol range; `lines` are the file's lines (split once for all its spans)."""
    start_line, end_line = span.line - 1, span.end_line - 1

    def text_of(line: int) -> str:
        return lines[line] if 0 <= line < len(lines) else ""

    return lsp.Range(lsp.Position(start_line, to_utf16(text_of(start_line), span.column - 1)),
                     lsp.Position(end_line, to_utf16(text_of(end_line), span.end_column - 1)))


def word_at(text: str, line: int, character: int) -> tuple[str, int, int] | None:
    """The name or field under the cursor, and its character columns on the line."""
    line_text = line_of(text, line)
    column = from_utf16(line_text, character)
    for match in WORD.finditer(line_text):
        if match.start() <= column <= match.end():
            return match.group(0), match.start(), match.end()
    return None


# ---- diagnostics --------------------------------------------------------------------------------

def diagnostics(analysis: Analysis, codes_page: str | None = None) -> list[lsp.Diagnostic]:
    """Every diagnostic `check` reports for this file, at its place; problems found in other files (the
    measure) are shown on the first line."""
    if analysis.failure is not None:
        return [_diagnostic(analysis.failure.code, "error", analysis.failure.message, analysis.failure.help,
                            lsp.Range(lsp.Position(0, 0), lsp.Position(0, 1)), codes_page)]
    found = []
    own, lines, resolved = analysis.path.resolve(), analysis.text.splitlines(), {}
    for item in analysis.compiled.report.diagnostics:
        if item.span.file not in resolved:
            resolved[item.span.file] = Path(item.span.file).resolve() == own
        if resolved[item.span.file]:
            where = span_range(item.span, lines)
            message = item.message
        else:
            where = lsp.Range(lsp.Position(0, 0), lsp.Position(0, 1))
            message = f"{item.span.location()}: {item.message}"
        found.append(_diagnostic(item.code, item.severity, message, item.help, where, codes_page))
    return found


def _diagnostic(code: str, severity: str, message: str, help: str | None, where: lsp.Range,
                codes_page: str | None) -> lsp.Diagnostic:
    link = lsp.CodeDescription(href=f"{codes_page}#{code.lower()}") if codes_page and code in CODES else None
    return lsp.Diagnostic(
        range=where, message=message + (f"\nhelp: {help}" if help else ""), code=code, code_description=link,
        severity=lsp.DiagnosticSeverity.Error if severity == "error" else lsp.DiagnosticSeverity.Warning,
        source="crossmarket", data={"help": help} if help else None)


# ---- hover --------------------------------------------------------------------------------------

def hover(analysis: Analysis, line: int, character: int) -> str | None:
    """Markdown for what stands under the cursor: an article, a field, or a declared name."""
    line_text = line_of(analysis.text, line)
    column = from_utf16(line_text, character)
    for match in CITE.finditer(line_text):
        if match.start() <= column <= match.end():
            return article_markdown(analysis, match.group(1))
    found = word_at(analysis.text, line, character)
    if found is None:
        return None
    word = found[0]
    if "." in word:
        return field_markdown(analysis, *word.split(".", 1))
    parts = [declaration_markdown(analysis, declaration) for declaration in _preferred(analysis.declared(word))]
    if any(d.kind == "article" for d in analysis.declared(word)):
        parts = [article_markdown(analysis, word)]
    if word in FUNCTIONS:
        function = FUNCTIONS[word]
        parts.append(f"**{function.usage}**" + (": an aggregate over the deals of a gate's group"
                                                if function.aggregate else ""))
    return "\n\n---\n\n".join(part for part in parts if part) or None


def _preferred(declarations: list[Declaration]) -> list[Declaration]:
    """A `set` is shown through the parameter it sets, a catalogue entry through the branch's product when
    there is one (which shows both); everything else as declared."""
    kinds = {d.kind for d in declarations}
    hidden = ({"set"} if "param" in kinds else set()) | ({"catalog"} if "product" in kinds else set())
    return [d for d in declarations if d.kind not in hidden]


def declaration_markdown(analysis: Analysis, declaration: Declaration) -> str:
    ir = analysis.ir or {}
    title = f"**{declaration.name}** — {KIND_WORDS.get(declaration.kind, declaration.kind)}"
    lines = [title]
    if declaration.kind == "param":
        lines += _param_lines(analysis, declaration.name)
    elif declaration.kind in ("catalog", "product"):
        lines += _product_lines(ir, declaration.name)
    elif declaration.kind == "let" and name_value(ir, declaration.name) is not None:
        lines.append(f"value: `{name_value(ir, declaration.name)}`")
    elif declaration.kind == "department":
        lines.append(f"kind: `{declaration.node.kind}`")
    elif declaration.kind == "gate":
        gate = declaration.node
        lines.append(f"on `{gate.scope}`" + (f" for `{gate.product.text}`" if gate.product else "")
                     + (", at period end" if gate.at_period_end else ""))
    elif declaration.kind == "award":
        award = declaration.node
        lines.append(f"for {award.scope} `{award.key}`: " + ", ".join(
            f"`{item.department.text}` +{expression(item.points)}" for item in award.items
            if hasattr(item, "department")) + " at year end")
    where = "head office's measure" if declaration.in_measure else "this file"
    lines.append(f"declared in {where}, line {declaration.span.line}")
    if declaration.cite:
        lines.append(article_markdown(analysis, declaration.cite))
    return "\n\n".join(lines)


def _param_lines(analysis: Analysis, name: str) -> list[str]:
    entry = ((analysis.ir or {}).get("params") or {}).get(name, {})
    lines = []
    if entry:
        lines.append(f"value: `{_figure(entry.get('value'))}`" + ("" if entry.get("set") else " (head office's default)"))
        lines.append(f"default: `{_figure(entry.get('default'))}`")
    bounds = head_office_bounds(analysis.compiled, name) if analysis.compiled else {}
    words = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
             "exclusiveMaximum": "less than", "const": "exactly"}
    limits = [f"{word} `{_figure(bounds[key])}`" for key, word in words.items() if key in bounds]
    if limits:
        article = f" ({bounds['x-article']})" if bounds.get("x-article") else ""
        lines.append(f"head office's bound{article}: " + ", ".join(limits))
    return lines


def name_value(ir: dict, name: str) -> str | None:
    entry = (ir.get("lets") or {}).get(name)
    return expr_text(entry["expr"]) if entry and entry.get("expr") is not None else None


def _figure(value) -> str:
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal) and 0 < abs(value) < 1:
        return f"{(value * 100).normalize():f}%"
    return str(value)


def _product_lines(ir: dict, name: str) -> list[str]:
    lines = []
    entry = next((item for item in ir.get("catalog", []) if item.get("name") == name), None)
    if entry:
        lines.append(f"catalogue: code `{entry.get('code')}`, host department {entry.get('host')}, "
                     f"unit {entry.get('unit')}")
    product = next((item for item in ir.get("products", []) if item.get("name") == name), None)
    if product and product.get("points"):
        points = product["points"]
        when = f" when `{expr_text(points['when'])}`" if points.get("when") else ""
        lines.append(f"this branch: `points {expr_text(points['expr'])} per {points.get('per')}`{when}"
                     + (f", `target {expr_text(product['target'])}`" if product.get("target") else ""))
    return lines


def field_markdown(analysis: Analysis, scope: str, name: str) -> str:
    table = TABLE_OF_SCOPE.get(scope)
    if table is None:
        return f"**{scope}.{name}** — the {scope}'s `{name}`"
    source = analysis.tables.get(scope)
    text = f"**{scope}.{name}** — reads column `{name}` of the {table} table"
    if source:
        present = name in analysis.columns.get(scope, [])
        text += f" (`{Path(source).name}`" + ("" if present else ", which has no such column") + ")"
    return text


def article_markdown(analysis: Analysis, article: str) -> str:
    text = article_text(analysis, article)
    return f"**{article}**" + (f"\n\n> {text}" if text else " — the measure declares no text for it")


def article_text(analysis: Analysis, article: str) -> str | None:
    """The article's words as the measure declares them (in the IR's `articles`)."""
    articles = (analysis.ir or {}).get("articles") or {}
    if isinstance(articles, dict):
        entry = articles.get(article)
        return entry.get("text") if isinstance(entry, dict) else entry
    for entry in articles:
        if isinstance(entry, dict) and article in (entry.get("article"), entry.get("number"), entry.get("name")):
            return entry.get("text")
    return None


def article_names(analysis: Analysis) -> list[str]:
    articles = (analysis.ir or {}).get("articles") or {}
    if isinstance(articles, dict):
        return list(articles)
    names = [entry.get("article") or entry.get("number") or entry.get("name") for entry in articles
             if isinstance(entry, dict)]
    return [name for name in names if name] or sorted({c for c in (analysis.ir or {}).get("citations", []) or []
                                                       if isinstance(c, str)})


# ---- completion ---------------------------------------------------------------------------------

def completion(analysis: Analysis, text: str, line: int, character: int) -> list[lsp.CompletionItem]:
    """What may be written at the position of `text` (the file as typed), with the names of the last check."""
    line_text = line_of(text, line)
    before = line_text[:from_utf16(line_text, character)]
    if field := re.search(r"\b(deal|client|project|product|department|outlet)\.\w*$", before):
        return [_item(name, lsp.CompletionItemKind.Field, f"column of the {TABLE_OF_SCOPE.get(field.group(1), '')} table")
                for name in analysis.fields(field.group(1))]
    if re.search(r'cite\s+"[^"]*$', before):
        return [_item(name, lsp.CompletionItemKind.Reference, article_text(analysis, name))
                for name in article_names(analysis)]
    if re.search(r"\bset\s+\w*$", before):
        return _named(analysis, ("param",), lsp.CompletionItemKind.Variable)
    if re.search(r"^\s*product\s+\w*$", before):
        return _named(analysis, ("catalog",), lsp.CompletionItemKind.Class)
    if re.search(r"\btargets\s+for\s+\w*$", before):
        return [item for item in _named(analysis, ("department",), lsp.CompletionItemKind.Module)
                if _department_kind(analysis, item.label) == "corporate"]
    if re.search(r"\bgate\s+\w+\s+on\s+\w*$", before):
        return [_item(scope, lsp.CompletionItemKind.EnumMember) for scope in GATE_SCOPES]
    block = enclosing_block(text, line, from_utf16(line_text, character))
    keywords = DECLARATION_KEYWORDS if block is None else BLOCK_KEYWORDS.get(block, [])
    items = [_item(word, lsp.CompletionItemKind.Keyword) for word in keywords]
    if block is not None:
        items += _named(analysis, ("param", "let"), lsp.CompletionItemKind.Variable)
        items += _named(analysis, ("catalog", "department", "outlet"), lsp.CompletionItemKind.Constant)
        items += [_item(name, lsp.CompletionItemKind.Function, function.usage) for name, function in FUNCTIONS.items()]
        items += [_item(f"{scope}.", lsp.CompletionItemKind.Module) for scope in SCOPES]
    return items


def _named(analysis: Analysis, kinds: tuple[str, ...], kind: lsp.CompletionItemKind) -> list[lsp.CompletionItem]:
    seen, items = set(), []
    for name, declarations in analysis.declarations.items():
        for declaration in declarations:
            if declaration.kind in kinds and name not in seen:
                seen.add(name)
                items.append(_item(name, kind, KIND_WORDS.get(declaration.kind)))
    return items


def _department_kind(analysis: Analysis, name: str) -> str | None:
    found = [d for d in analysis.declared(name) if d.kind == "department"]
    return found[0].node.kind if found else None


def _item(label: str, kind: lsp.CompletionItemKind, detail: str | None = None) -> lsp.CompletionItem:
    return lsp.CompletionItem(label=label, kind=kind, detail=detail)


def enclosing_block(text: str, line: int, column: int) -> str | None:
    """The keyword of the innermost `{ … }` block open at the position (`product`, `gate`, …), or None at
    the top level. Braces inside texts and comments do not count."""
    lines = text.splitlines()[:line + 1]
    if lines:
        lines[-1] = lines[-1][:column]
    stack: list[str] = []
    for current in lines:
        code = re.sub(r'"(?:[^"\\\n]|\\.)*"?', '""', current).split("#", 1)[0]
        for match in re.finditer(r"[{}]", code):
            if match.group(0) == "{":
                head = re.findall(r"[A-Za-z_]+", code[:match.start()])
                stack.append(head[0] if head else "")
            elif stack:
                stack.pop()
    return stack[-1] if stack else None


# ---- definition and symbols -----------------------------------------------------------------------

def definition(analysis: Analysis, line: int, character: int) -> Declaration | None:
    """Where the name under the cursor is declared; on a `cite`, the article in the measure."""
    line_text = line_of(analysis.text, line)
    column = from_utf16(line_text, character)
    for match in CITE.finditer(line_text):
        if match.start() <= column <= match.end():
            return next((d for d in analysis.declared(match.group(1)) if d.kind == "article"), None)
    found = word_at(analysis.text, line, character)
    if found is None or "." in found[0]:
        return None
    declarations = analysis.declared(found[0])
    ranked = sorted(declarations, key=lambda d: ["param", "let", "department", "catalog", "outlet", "gate",
                                                 "product", "targets", "set"].index(d.kind)
                    if d.kind in ("param", "let", "department", "catalog", "outlet", "gate", "product", "targets", "set")
                    else 99)
    return ranked[0] if ranked else None


SYMBOL_KINDS = {"department": lsp.SymbolKind.Module, "outlet": lsp.SymbolKind.Module, "param": lsp.SymbolKind.Variable,
                "let": lsp.SymbolKind.Constant, "set": lsp.SymbolKind.Variable, "catalog": lsp.SymbolKind.Class,
                "product": lsp.SymbolKind.Class, "targets": lsp.SymbolKind.Namespace, "gate": lsp.SymbolKind.Event}


def document_symbols(analysis: Analysis) -> list[lsp.DocumentSymbol]:
    own = analysis.compiled is not None and analysis.compiled.program is not None \
        and analysis.compiled.program.kind == "measure"
    symbols, lines = [], analysis.text.splitlines()
    for declarations in analysis.declarations.values():
        for declaration in declarations:
            if declaration.in_measure == own:
                where = span_range(declaration.span, lines)
                symbols.append(lsp.DocumentSymbol(
                    name=declaration.name if declaration.kind != "targets" else f"targets for {declaration.name}",
                    detail=KIND_WORDS.get(declaration.kind), kind=SYMBOL_KINDS.get(declaration.kind, lsp.SymbolKind.Object),
                    range=where, selection_range=where))
    return sorted(symbols, key=lambda symbol: (symbol.range.start.line, symbol.range.start.character))


# ---- formatting and quick fixes -----------------------------------------------------------------

def formatting(path: Path, text: str) -> list[lsp.TextEdit]:
    """The whole file in the canonical layout (`crossmarket fmt`); nothing while it does not parse."""
    try:
        formatted = format_source(SourceFile(str(path), text))
    except DiagnosticError:
        return []
    if formatted == text:
        return []
    lines = text.splitlines()
    end = lsp.Position(len(lines), 0)
    return [lsp.TextEdit(range=lsp.Range(lsp.Position(0, 0), end), new_text=formatted)]


def quick_fixes(analysis: Analysis, uri: str, diagnostic: lsp.Diagnostic) -> list[lsp.CodeAction]:
    """The fixes a diagnostic makes unambiguous: the name it suggests, a half-width character for a
    full-width one, head office's default for a value left `待定`."""
    help_text = (diagnostic.data or {}).get("help") if isinstance(diagnostic.data, dict) else None
    text = _text_in(analysis.text, diagnostic.range)
    replacement, title = None, None
    if help_text and (match := DID_YOU_MEAN.search(help_text)):
        replacement, title = match.group(1), f"change `{text}` to `{match.group(1)}`"
    elif text in HALF_WIDTH:
        replacement, title = HALF_WIDTH[text], f"use the half-width `{HALF_WIDTH[text]}`"
    elif "待定" in text or "待定" in diagnostic.message:
        return _placeholder_fixes(analysis, uri, diagnostic)
    if replacement is None:
        return []
    edit = lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=diagnostic.range, new_text=replacement)]})
    return [lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic], edit=edit,
                           is_preferred=True)]


def _placeholder_fixes(analysis: Analysis, uri: str, diagnostic: lsp.Diagnostic) -> list[lsp.CodeAction]:
    """`set NAME = 待定`: head office's default is the one value that needs no decision."""
    line_text = line_of(analysis.text, diagnostic.range.start.line)
    match = re.match(r"(\s*set\s+(\w+)\s*=\s*)待定", line_text)
    entry = ((analysis.ir or {}).get("params") or {}).get(match.group(2)) if match else None
    if not match or not entry:
        return []
    default = _figure(entry.get("default"))
    start = to_utf16(line_text, len(match.group(1)))
    where = lsp.Range(lsp.Position(diagnostic.range.start.line, start),
                      lsp.Position(diagnostic.range.start.line, start + len("待定")))
    edit = lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=where, new_text=default)]})
    return [lsp.CodeAction(title=f"use head office's default `{default}`", kind=lsp.CodeActionKind.QuickFix,
                           diagnostics=[diagnostic], edit=edit)]


def _text_in(text: str, where: lsp.Range) -> str:
    if where.start.line != where.end.line:
        return ""
    line_text = line_of(text, where.start.line)
    return line_text[from_utf16(line_text, where.start.character):from_utf16(line_text, where.end.character)]
