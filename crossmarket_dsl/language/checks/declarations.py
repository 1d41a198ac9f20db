"""Declarations in their place: nothing twice in one file (E210), nothing of the measure declared again
by a branch (E211), each kind of declaration in its kind of file (E212, E213), every header line (E216)."""

from __future__ import annotations

from typing import Iterator

from .. import ast
from ..diagnostics import Diagnostic
from ..source import Span
from .context import CheckContext, head, keyword_of, keyword_span, settings


def _named_entries(decl) -> list[tuple[str, str, ast.Ident]]:
    """(namespace, what, name) of a declaration that introduces a name."""
    if isinstance(decl, ast.Binding):
        return [("set" if decl.keyword == "set" else "value",
                 {"param": "parameter", "let": "name", "set": "`set` of"}[decl.keyword], decl.name)]
    if isinstance(decl, ast.Catalog):
        return [("catalog", "catalogue product", entry.name) for entry in decl.entries]
    if isinstance(decl, ast.Targets):
        return [("targets", "`targets for`", decl.department)]
    if isinstance(decl, ast.Objective):
        return [("objective", "`objective` for", decl.department)]
    if isinstance(decl, (ast.Department, ast.Outlet, ast.Article, ast.Product, ast.Gate, ast.Award)):
        keyword = keyword_of(decl)
        return [(keyword, keyword, decl.name)]
    return []


def _singletons(program: ast.Program) -> Iterator[tuple[str, str, Span]]:
    """(key, what, span) of everything that may appear once in its place: blocks, settings, labels."""
    yield from (("setting", s.key, s.span) for s in settings(program.header.items))
    for decl in program.declarations:
        if isinstance(decl, (ast.Block, ast.Attribution)):
            yield ("block", keyword_of(decl), keyword_span(decl))
        containers = [decl] + list(getattr(decl, "entries", ()))
        for container in containers:
            yield from _item_keys(container)


def _item_keys(container) -> Iterator[tuple[str, str, Span]]:
    owner = id(container)
    for item in getattr(container, "items", ()) + getattr(container, "criteria", ()):
        if isinstance(item, ast.Setting):
            yield (f"setting@{owner}", item.key, item.span)
        elif isinstance(item, (ast.Points, ast.Otherwise)):
            word = "points" if isinstance(item, ast.Points) else "otherwise"
            yield (f"setting@{owner}", word, head(item.span, len(word)))
        elif isinstance(item, ast.AwardTo):
            yield (f"department@{owner}", item.department.text, item.department.span)
        elif isinstance(item, ast.Criterion):
            yield (f"criterion@{owner}", item.label, head(item.span, len(item.label) + 2))


def duplicates(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E210: the same name, block, setting or label twice in one file; the second is reported."""
    for program in ctx.programs:
        entries = [(ns, what, ident.text, ident.span) for decl in program.declarations
                   for ns, what, ident in _named_entries(decl)]
        entries += [(ns, ns.split("@")[0], key, span) for ns, key, span in _singletons(program)]
        first: dict[tuple[str, str], Span] = {}
        for namespace, what, name, span in entries:
            if (namespace, name) in first:
                earlier = first[(namespace, name)].line
                yield Diagnostic("E210", f"duplicate {what} `{name}`", span,
                                 help=f"the first is at line {earlier}; remove or rename one")
            else:
                first[(namespace, name)] = span


MEASURE_ONLY = {"param": "parameters are declared by head office in the measure; a branch may only `set` them",
                "department": "departments are declared by head office in the measure",
                "catalog": "the catalogue belongs to the measure; configure its products with `product NAME { … }`",
                "article": "the articles are the measure's own words; a branch cites them with `cite \"第二十条\"`"}
RULES_ONLY = ("set", "outlet", "product", "targets", "reward", "audit", "attribute", "award", "objective")
REDEFINABLE = ("department", "value", "catalog", "gate")


def _measure_names(ctx: CheckContext) -> dict[tuple[str, str], ast.Ident]:
    return {(ns, ident.text): ident for decl in ctx.measure.declarations
            for ns, _, ident in _named_entries(decl) if ns in REDEFINABLE}


def _redefinitions(ctx: CheckContext) -> Iterator[tuple[object, ast.Ident, ast.Ident]]:
    """(rules declaration, its name, the measure's name) for each name a rules file takes again."""
    if ctx.rules is None:
        return
    taken = _measure_names(ctx)
    for decl in ctx.rules.declarations:
        for namespace, _, ident in _named_entries(decl):
            if (namespace, ident.text) in taken:
                yield decl, ident, taken[(namespace, ident.text)]


def redefinitions(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E211: a branch cannot redefine what head office declares (SPEC §3.2)."""
    for decl, ident, original in _redefinitions(ctx):
        yield Diagnostic("E211", f"`{ident.text}` is already declared by the measure", ident.span,
                         help=f"the measure declares it at line {original.span.line} ({original.span.file}); "
                              "a branch may only `set` parameters")


def misplaced(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E212: declarations that belong in the other kind of file (a redefinition is E211 instead)."""
    redefined = {id(decl) for decl, _, _ in _redefinitions(ctx)}
    for program, decl in ctx.declarations():
        keyword = keyword_of(decl)
        if program.kind == "rules" and keyword in MEASURE_ONLY and id(decl) not in redefined:
            yield Diagnostic("E212", f"a rules file cannot declare `{keyword}`", keyword_span(decl),
                             help=MEASURE_ONLY[keyword])
        elif program.kind == "measure" and keyword in RULES_ONLY:
            yield Diagnostic("E212", f"a measure cannot declare `{keyword}`", keyword_span(decl),
                             help=f"`{keyword}` belongs in a branch's rules")


def rules_split(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E213: a branch may choose how participants divide (`by`), not the shares themselves (art. 19)."""
    if ctx.rules is None:
        return
    for decl in ctx.rules.declarations:
        if isinstance(decl, ast.Block) and decl.keyword == "split":
            for setting in settings(decl.items):
                if setting.key != "by":
                    yield Diagnostic("E213", f"a branch's `split` may only choose `by`, not `{setting.key}`",
                                     setting.span, help="the shares are parameters of the measure: change them "
                                                        "with `set host_share = …` within head office's bounds")


HEADER_LINES = {
    "rules": {"implements": '`implements "商业银行公私联动交叉营销管理办法" version "2026"`',
              "branch": '`branch "盘锦分行"`', "effective": "`effective 2026-01-01 to 2026-12-31`"},
    "measure": {"issuer": '`issuer "省分行"`', "schema": '`schema "head-office-2026"`'},
}


def missing_header_lines(program: ast.Program) -> Iterator[Diagnostic]:
    """E216; also used by the pipeline, which cannot find the measure of rules without `implements`."""
    present = {s.key for s in settings(program.header.items)}
    for key, example in HEADER_LINES[program.kind].items():
        if key not in present:
            yield Diagnostic("E216", f"the {program.kind} header has no `{key}` line",
                             head(program.header.span, len(program.kind)), help=f"add a line such as {example}")


def header_lines(ctx: CheckContext) -> Iterator[Diagnostic]:
    for program in ctx.programs:
        yield from missing_header_lines(program)
