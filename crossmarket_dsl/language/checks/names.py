"""Names that nothing declares: values (E201), departments (E203), products (E204, E215), parameters
a branch sets (E214)."""

from __future__ import annotations

from typing import Iterator

from .. import ast
from ..diagnostics import Diagnostic
from .context import CheckContext, did_you_mean, listing, settings
from .placeholders import PLACEHOLDER


def unknown_names(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E201: names of values that nothing declares."""
    values = ctx.symbols.values
    for node in ctx.nodes:
        if type(node) is ast.Name and node.name not in values and node.name != PLACEHOLDER:  # E515 says it
            yield Diagnostic("E201", f"unknown name `{node.name}`", node.span,
                             help=did_you_mean(node.name, values, "declare it with `let NAME = …`, or use a "
                                                                  "parameter of the measure"))


def unknown_departments(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E203: `targets for`, catalogue `host`, an award's `to` and `objective` name departments of the measure."""
    known = ctx.symbols.departments
    idents = [d.department for _, d in ctx.declarations((ast.Targets, ast.Objective))]
    idents += [item.department for _, d in ctx.declarations(ast.Award) for item in d.items
               if isinstance(item, ast.AwardTo)]
    idents += [s.values[0] for entry in ctx.symbols.catalog.values() for s in settings(entry.items)
               if s.key == "host"]
    for ident in idents:
        if ident.text not in known:
            yield Diagnostic("E203", f"unknown department `{ident.text}`", ident.span,
                             help=did_you_mean(ident.text, known, f"departments: {listing(known)}"))


def unknown_gate_products(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E204: a gate `for` a product that head office's catalogue does not have."""
    catalog = ctx.symbols.catalog
    for _, gate in ctx.declarations(ast.Gate):
        if gate.product is not None and gate.product.text not in catalog:
            yield Diagnostic("E204", f"gate `{gate.name.text}` is for the unknown product `{gate.product.text}`",
                             gate.product.span, help=did_you_mean(gate.product.text, catalog,
                                                                  f"products: {listing(catalog)}"))


def unknown_sets(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E214: `set` of a parameter the measure does not declare."""
    params = ctx.symbols.params
    for _, decl in ctx.declarations(ast.Binding):
        if decl.keyword == "set" and decl.name.text not in params:
            yield Diagnostic("E214", f"`set` of unknown parameter `{decl.name.text}`", decl.name.span,
                             help=did_you_mean(decl.name.text, params, f"parameters: {listing(params)}"))


def unknown_products(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E215: a branch configures only products of head office's catalogue."""
    catalog = ctx.symbols.catalog
    for _, decl in ctx.declarations(ast.Product):
        if decl.name.text not in catalog:
            yield Diagnostic("E215", f"`{decl.name.text}` is not in head office's catalogue", decl.name.span,
                             help=did_you_mean(decl.name.text, catalog, f"products: {listing(catalog)}"))
