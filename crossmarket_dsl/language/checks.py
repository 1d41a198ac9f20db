"""Static checks of SPEC §3.6: what can be said about measure + rules before any data is read.

Each check is a small function `(ctx) -> Iterable[Diagnostic]` listed in `PASSES`. They read the AST
(which carries the spans) through one symbol table built once per context, and read the lowered IR
only where a value is known after `set` (shares, pool, rounding). Codes are stable: tools, tests and
users' notes match on them.

| code | problem |
|------|---------|
| E201 | unknown name (parameter or `let`) in an expression |
| E202 | unknown function |
| E203 | unknown department (`targets for`, catalogue `host`) |
| E204 | unknown product in a gate's `for` |
| E210 | duplicate declaration, block, setting or criterion label in one file |
| E211 | a rules file redefining a declaration of the measure |
| E212 | a declaration in the wrong kind of file |
| E213 | a rules `split` that sets anything but `by` |
| E214 | `set` of a parameter the measure does not declare |
| E215 | a product that is not in head office's catalogue |
| E216 | a missing header line |
| E301 | a type error: text compared with a number, arithmetic on text, a criterion that is no condition … |
| E302 | a function called with the wrong number of arguments |
| E501 | `targets for` a department that is not corporate |
| E502 | `deal.*` outside an aggregate in a gate that is not on `deal` |
| E503 | an aggregate outside a gate, or inside another aggregate |
| E504 | a field that is not available where it stands |
| E505 | host and participant shares that do not add up to 100% |
| E506 | an effective period that is not inside the measure's |
| E507 | a product a gate needs the target of, without `target` |
| E508 | a product without `points` |
| E509 | a share outside 0–100% |
| E510 | a reward pool or rounding unit that is not positive |
| W201 | a `let` of the rules that is never used |
"""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Callable, Iterable, Iterator

from . import ast
from .diagnostics import WARNING, Diagnostic
from .lower import Lowered
from .source import Span

EXPR_TYPES = typing.get_args(ast.Expr)

# ---- the context and its symbol table ----------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """An expression together with what may stand in it."""

    expr: ast.Expr
    role: str  # for messages: "target criterion `优质上市公司`"
    expect: str | None  # NUMBER, BOOL or None (anything)
    sees: frozenset[str] = frozenset()  # fields visible outside aggregates: "client.*", "outlet.name"
    group: frozenset[str] | None = None  # fields visible inside aggregates; None: no aggregates here
    gate_scope: str | None = None


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
        return [place for _, decl in self.declarations() for place in _places(decl)]

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

    @cached_property
    def name_types(self) -> dict[str, str | None]:
        """The type of each parameter and `let`, inferred from its value (unknown for forward references)."""
        types: dict[str, str | None] = {}
        for name, decl in self.values.items():
            types.setdefault(name, None)
            types[name] = infer(decl.value, types, [])
        return types


def _by_name(decls) -> dict:
    found: dict = {}
    for decl in decls:
        found.setdefault(decl.name.text, decl)
    return found


def run_checks(ctx: CheckContext) -> list[Diagnostic]:
    return sorted((d for check in PASSES for d in check(ctx)), key=Diagnostic.sort_key)


# ---- small helpers -----------------------------------------------------------------------------


def did_you_mean(name: str, known: Iterable[str], otherwise: str | None = None) -> str | None:
    close = difflib.get_close_matches(name, list(dict.fromkeys(known)), n=1, cutoff=0.5)
    return f"did you mean `{close[0]}`?" if close else otherwise


def listing(names: Iterable[str]) -> str:
    return ", ".join(f"`{n}`" for n in names) or "none"


def head(span: Span, length: int) -> Span:
    """The first `length` characters of a span: a keyword, a function name, a label."""
    return Span(span.file, span.line, span.column, span.line, span.column + length)


def plain_number(value: Decimal) -> str:
    """`2E+2` → `200`, `0.850` → `0.85`: how a number is shown in a message."""
    return f"{value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize():f}"


def percent(value: Decimal) -> str:
    return plain_number(value * 100) + "%"


def is_number(value) -> bool:
    return isinstance(value, Decimal)


DECL_KEYWORDS = {ast.Department: "department", ast.Outlet: "outlet", ast.Catalog: "catalog",
                 ast.Product: "product", ast.Targets: "targets", ast.Gate: "gate", ast.Attribution: "attribute"}


def keyword_of(decl) -> str:
    return getattr(decl, "keyword", None) or DECL_KEYWORDS[type(decl)]


def keyword_span(decl) -> Span:
    return head(decl.span, len(keyword_of(decl)))


def settings(items) -> list[ast.Setting]:
    return [item for item in items if isinstance(item, ast.Setting)]


# ---- where each expression stands -----------------------------------------------------------------

NUMBER, TEXT, BOOL, DATE, LIST = "a number", "text", "a true/false condition", "a date", "a list"
POINTS_FIELDS = frozenset({"deal.*", "client.*", "project.*", "product.*", "outlet.name"})
SCOPE_FIELDS = {"deal": "deal.*", "client": "client.*", "project": "project.*", "product": "product.*",
                "department": "department.name", "outlet": "outlet.name"}


def _places(decl) -> list[Place]:
    if isinstance(decl, ast.Binding):
        return [Place(decl.value, f"the value of `{decl.keyword} {decl.name.text}`", None)]
    if isinstance(decl, ast.Product):
        return _product_places(decl)
    if isinstance(decl, ast.Targets):
        return [Place(c.expr, f"target criterion `{c.label}`", BOOL, frozenset({"client.*"}))
                for c in decl.criteria]
    if isinstance(decl, ast.Gate):
        return _gate_places(decl)
    if isinstance(decl, ast.Block):
        return [Place(value, f"`{s.key}` in `{decl.keyword}`", NUMBER)
                for s in settings(decl.items) for value in s.values if isinstance(value, EXPR_TYPES)]
    if isinstance(decl, ast.Attribution):
        return [Place(c.expr, f"outlet attribution `{c.label}`", NUMBER, frozenset({"deal.*"}))
                for c in decl.items]
    return []


def _product_places(decl: ast.Product) -> list[Place]:
    name = decl.name.text
    found = []
    for item in decl.items:
        if isinstance(item, ast.Points):
            found.append(Place(item.expr, f"the points of `{name}`", NUMBER, POINTS_FIELDS))
            if item.when is not None:
                found.append(Place(item.when, f"the `when` of `{name}`'s points", BOOL, POINTS_FIELDS))
        elif isinstance(item, ast.Setting):
            found += [Place(v, f"the target of `{name}`", NUMBER, frozenset({"product.*"})) for v in item.values]
    return found


def _gate_places(gate: ast.Gate) -> list[Place]:
    own = {SCOPE_FIELDS[gate.scope]} | ({"product.*"} if gate.product else set())
    sees, group = frozenset(own), frozenset(own | {"deal.*"})
    role = f"gate `{gate.name.text}`"
    found = []
    for item in gate.items:
        if isinstance(item, ast.Clause):
            found += [Place(e, role, BOOL, sees, group, gate.scope) for e in (item.when, item.require) if e]
        elif isinstance(item, ast.Otherwise) and item.factor is not None:
            found.append(Place(item.factor, f"the `otherwise scale` of {role}", NUMBER))
    return found


def describe_fields(place: Place) -> str:
    if not place.sees and place.group is None:
        return f"{place.role} is a constant, known before any data is read: it cannot use fields"
    seen = listing(sorted(place.sees))
    if place.group is None:
        return f"{place.role} can use {seen}"
    return f"{place.role} can use {seen}, and `deal.*` inside `count()`, `sum(…)` and the other aggregates"


# ---- E2: names -------------------------------------------------------------------------------------


def unknown_names(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E201/E202: names and functions that nothing declares."""
    values = ctx.symbols.values
    for place in ctx.places:
        for node in ast.walk(place.expr):
            if isinstance(node, ast.Name) and node.name not in values:
                yield Diagnostic("E201", f"unknown name `{node.name}`", node.span,
                                 help=did_you_mean(node.name, values, "declare it with `let NAME = …`, or use a "
                                                                      "parameter of the measure"))
            elif isinstance(node, ast.Call) and node.function not in ARITY:
                yield Diagnostic("E202", f"unknown function `{node.function}`", head(node.span, len(node.function)),
                                 help=did_you_mean(node.function, ARITY, f"functions: {listing(ARITY)}"))


def unknown_departments(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E203: `targets for` and catalogue `host` name departments of the measure."""
    known = ctx.symbols.departments
    idents = [d.department for _, d in ctx.declarations(ast.Targets)]
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


def _named_entries(decl) -> list[tuple[str, str, ast.Ident]]:
    """(namespace, what, name) of a declaration that introduces a name."""
    if isinstance(decl, ast.Binding):
        return [("set" if decl.keyword == "set" else "value",
                 {"param": "parameter", "let": "name", "set": "`set` of"}[decl.keyword], decl.name)]
    if isinstance(decl, ast.Catalog):
        return [("catalog", "catalogue product", entry.name) for entry in decl.entries]
    if isinstance(decl, ast.Targets):
        return [("targets", "`targets for`", decl.department)]
    if isinstance(decl, (ast.Department, ast.Outlet, ast.Product, ast.Gate)):
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
                "catalog": "the catalogue belongs to the measure; configure its products with `product NAME { … }`"}
RULES_ONLY = ("set", "outlet", "product", "targets", "reward", "audit", "attribute")
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


# ---- E3: types ------------------------------------------------------------------------------------

ARITY = {"min": (2, None), "max": (2, None), "round": (2, 2), "abs": (1, 1), "count": (0, 0),
         "sum": (1, 1), "average": (1, 1), "minimum": (1, 1), "maximum": (1, 1)}
USAGE = {"min": "`min(a, b, …)`", "max": "`max(a, b, …)`", "round": "`round(x, n)` rounds x to n decimal places",
         "abs": "`abs(x)`", "count": "`count()` counts the deals of the group; to add values up use `sum(…)`",
         "sum": "`sum(deal.quantity)`", "average": "`average(deal.amount)`", "minimum": "`minimum(deal.amount)`",
         "maximum": "`maximum(deal.amount)`"}
ARITHMETIC = ("+", "-", "*", "/")
ORDERING = ("<", "<=", ">", ">=")
EQUALITY = ("==", "!=")
LOGIC = ("and", "or")
MEMBERSHIP = ("in", "not_in")
LITERAL_TYPES = {ast.Number: NUMBER, ast.String: TEXT, ast.Bool: BOOL, ast.DateLit: DATE, ast.ListLit: LIST}


def fold(expr: ast.Expr, combine: Callable[[ast.Expr, list], object]):
    """Post-order fold of an expression without recursion (deep expressions must not crash)."""
    done: dict[int, object] = {}
    stack: list[tuple[ast.Expr, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if ready:
            done[id(node)] = combine(node, [done.pop(id(child)) for child in ast.children(node)])
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in ast.children(node))
    return done[id(expr)]


def infer(expr: ast.Expr, names: dict[str, str | None], found: list[Diagnostic]) -> str | None:
    """The type of an expression (None: unknown, e.g. a field or null); type errors go to `found`.

    A node whose operands are wrong is given type None, so one mistake is reported once.
    """

    def problem(node, message, help_text=None):
        found.append(Diagnostic("E301", message, node.span, help=help_text))
        return None

    def combine(node, types):
        if type(node) in LITERAL_TYPES:
            return LITERAL_TYPES[type(node)]
        if isinstance(node, ast.Name):
            return names.get(node.name)
        if isinstance(node, ast.Unary):
            return _unary(node, types[0], problem)
        if isinstance(node, ast.Binary):
            return _binary(node, *types, problem)
        if isinstance(node, ast.IfExpr):
            if types[0] not in (BOOL, None):
                return problem(node.condition, f"the condition of `if` is {types[0]}, not {BOOL}",
                               "write a condition after `if`, e.g. `if deal.amount > 1万 then 2 else 1`")
            return types[1] if types[1] == types[2] else None
        if isinstance(node, ast.Call):
            return _call(node, types, problem)
        return None  # fields and null

    return fold(expr, combine)


OPERATOR_HELP = {
    "not": "`not` turns a condition around, e.g. `not client.listed`",
    "-": "`-` makes a number negative",
    "arithmetic": "arithmetic works on numbers: write them without quotes, or use number fields and parameters",
    "logic": "`and` and `or` join conditions, e.g. `client.listed and client.rating in [\"AAA\"]`",
}


def _unary(node: ast.Unary, operand, problem):
    wanted = BOOL if node.op == "not" else NUMBER
    if operand not in (wanted, None):
        return problem(node.operand, f"`{node.op}` needs {wanted}, not {operand}", OPERATOR_HELP[node.op])
    return wanted


def _binary(node: ast.Binary, left, right, problem):
    op = node.op
    if op in ARITHMETIC or op in LOGIC:
        wanted = NUMBER if op in ARITHMETIC else BOOL
        for side, kind in ((node.left, left), (node.right, right)):
            if kind not in (wanted, None):
                return problem(side, f"`{op}` needs {wanted} on both sides, not {kind}",
                               OPERATOR_HELP["arithmetic" if op in ARITHMETIC else "logic"])
        return wanted
    if op in MEMBERSHIP:
        if right not in (LIST, None):
            return problem(node.right, f"`{op.replace('_', ' ')}` needs a list on its right, not {right}",
                           'write the values in brackets: `["AAA", "AA"]`')
        return BOOL
    if left is not None and right is not None and left != right:
        return problem(node, f"`{op}` compares {left} with {right}",
                       "both sides of a comparison must be of one kind: numbers, texts, dates or conditions; "
                       "write numbers without quotes")
    if op in ORDERING and (left or right) in (BOOL, LIST):
        return problem(node, f"`{op}` cannot order {left or right}", "only numbers, texts and dates have an order")
    return BOOL


def _call(node: ast.Call, types, problem):
    if node.function not in ARITY:
        return None
    for arg, kind in zip(node.args, types):
        if kind not in (NUMBER, None):
            return problem(arg, f"`{node.function}` needs {NUMBER}, not {kind}", USAGE[node.function])
    return NUMBER


def type_errors(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E301: obvious type errors, and expressions of the wrong type for their place."""
    names = ctx.symbols.name_types
    for place in ctx.places:
        found: list[Diagnostic] = []
        kind = infer(place.expr, names, found)
        yield from found
        if place.expect is not None and kind not in (place.expect, None):
            yield Diagnostic("E301", f"{place.role} must be {place.expect}, not {kind}", place.expr.span,
                             help=_expect_help(place.expect))


def _expect_help(expected: str) -> str:
    if expected == BOOL:
        return "write a condition such as `client.rating in [\"AAA\", \"AA\"]` or `deal.amount > 0`"
    return "write a number, a parameter or a number field such as `deal.amount`"


def arity(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E302: functions called with too few or too many arguments."""
    for place in ctx.places:
        for node in ast.walk(place.expr):
            if isinstance(node, ast.Call) and node.function in ARITY:
                low, high = ARITY[node.function]
                count = len(node.args)
                if count < low or (high is not None and count > high):
                    yield Diagnostic("E302", f"`{node.function}` takes {_arguments(low, high)}, found {count}",
                                     node.span, help=USAGE[node.function])


def _arguments(low: int, high: int | None) -> str:
    if high is None:
        return f"at least {low} arguments"
    if low == 0:
        return "no arguments"
    return f"{low} argument{'s' if low != 1 else ''}"


# ---- E5: other semantic rules ---------------------------------------------------------------------


def non_corporate_targets(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E501: target clients are screened by corporate departments (art. 7–9)."""
    departments = ctx.symbols.departments
    for _, decl in ctx.declarations(ast.Targets):
        found = departments.get(decl.department.text)
        if found is not None and found.kind != "corporate":
            yield Diagnostic("E501", f"`{found.name.text}` is a {found.kind} department, not a corporate one",
                             decl.department.span,
                             help="target clients are screened by the corporate departments (art. 7): "
                                  f"{listing(ctx.symbols.of_kind('corporate'))}")


def field_scopes(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E502/E503/E504: aggregates only in gates and never nested; each field only where it is known."""
    for place in ctx.places:
        stack: list[tuple[ast.Expr, str | None]] = [(place.expr, None)]
        while stack:
            node, aggregate = stack.pop()
            if isinstance(node, ast.Call) and node.function in ast.AGGREGATES:
                yield from _aggregate_problem(place, node, aggregate)
                aggregate = aggregate or node.function
            elif isinstance(node, ast.Field):
                yield from _field_problem(place, node, aggregate)
            stack.extend((child, aggregate) for child in ast.children(node))


def _aggregate_problem(place: Place, node: ast.Call, outer: str | None) -> Iterator[Diagnostic]:
    span = head(node.span, len(node.function))
    if place.group is None:
        yield Diagnostic("E503", f"aggregate `{node.function}` outside a gate, in {place.role}", span,
                         help="aggregates count and add up the deals of a gate's group: use them in a gate's "
                              "`when` or `require`")
    elif outer is not None:
        yield Diagnostic("E503", f"aggregate `{node.function}` inside another aggregate `{outer}`", span,
                         help="an aggregate looks at each deal of the group: write `deal.*` fields inside it")


def _field_problem(place: Place, node: ast.Field, aggregate: str | None) -> Iterator[Diagnostic]:
    visible = place.group if aggregate and place.group is not None else place.sees
    name = f"{node.scope}.{node.name}"
    if name in visible or f"{node.scope}.*" in visible:
        return
    if node.scope == "deal" and place.gate_scope not in (None, "deal") and not aggregate:
        yield Diagnostic("E502", f"`{name}` outside an aggregate in a `{place.gate_scope}` gate", node.span,
                         help=f"a `{place.gate_scope}` gate looks at a group of deals: write `sum({name})`, "
                              "`count()` or another aggregate over them")
    else:
        yield Diagnostic("E504", f"`{name}` is not available in {place.role}", node.span,
                         help=describe_fields(place))


def _share_source(ctx: CheckContext, key: str) -> Span | None:
    """Where a split share comes from: the last `set` of the parameter the split names, else its value."""
    found = [s for _, d in ctx.declarations(ast.Block) if d.keyword == "split" for s in settings(d.items)
             if s.key == key and s.values]
    if not found:
        return None
    value = found[-1].values[0]
    sets = [d for _, d in ctx.declarations(ast.Binding)
            if d.keyword == "set" and isinstance(value, ast.Name) and d.name.text == value.name]
    return sets[-1].value.span if sets else value.span


def shares_add_up(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E505: the host keeps one share, the participants the other; together they are each deal's points."""
    split = ctx.lowered.ir.get("split") or {}
    host, participants = split.get("host"), split.get("participants")
    if not (is_number(host) and is_number(participants)) or host + participants == 1:
        return
    sources = [_share_source(ctx, key) for key in ("host", "participants")]
    rules_file = ctx.rules.header.span.file if ctx.rules is not None else None
    in_rules = [s for s in sources if s is not None and s.file == rules_file]
    span = max(in_rules, key=lambda s: (s.line, s.column)) if in_rules else ctx.span_of("/split")
    if span is not None:
        yield Diagnostic("E505", f"host and participant shares add up to {percent(host + participants)}, not 100%",
                         span, help=f"host {percent(host)} + participants {percent(participants)}: the two shares "
                                    "divide each deal's points (art. 19)")


def effective_period(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E506: a branch's rules apply within the period of the measure they implement."""
    if ctx.rules is None:
        return
    setting = next((s for s in settings(ctx.rules.header.items) if s.key == "effective"), None)
    if setting is None:
        return
    start, end = setting.values
    bounds = _measure_period(ctx)
    if start > end:
        yield Diagnostic("E506", f"the effective period ends ({end}) before it starts ({start})", setting.span,
                         help="write `effective FROM to TO` with FROM on or before TO")
    elif bounds is not None and not (bounds[0] <= start and end <= bounds[1]):
        yield Diagnostic("E506", f"the effective period {start} to {end} is not inside the measure's "
                                 f"{bounds[0]} to {bounds[1]}", setting.span,
                         help="rules implement the measure only while it is in force")


def _measure_period(ctx: CheckContext) -> tuple[date, date] | None:
    """The measure's `effective` period; else its version read as a year, when it is one."""
    found = next((s for s in settings(ctx.measure.header.items) if s.key == "effective"), None)
    if found is not None:
        return found.values[0], found.values[1]
    version = ctx.measure.header.version
    if re.fullmatch(r"\d{4}", version) and version != "0000":
        return date(int(version), 1, 1), date(int(version), 12, 31)
    return None


def _uses_target(gate: ast.Gate) -> bool:
    return any(isinstance(node, ast.Field) and (node.scope, node.name) == ("product", "target")
               for place in _gate_places(gate) for node in ast.walk(place.expr))


def gate_targets(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E507: a product a gate is for, or any product a product gate compares with its target, needs one."""
    products = ctx.symbols.products
    for gate in ctx.symbols.gates.values():
        if gate.product is not None:
            needed = [gate.product.text]
        elif gate.scope == "product" and _uses_target(gate):
            needed = list(products)
        else:
            continue
        for name in needed:
            product = products.get(name)
            if product is not None and not any(isinstance(i, ast.Setting) and i.key == "target"
                                               for i in product.items):
                yield Diagnostic("E507", f"product `{name}` has no `target`, but gate `{gate.name.text}` needs one",
                                 product.name.span, help=f"add `target …` to `{name}` (art. 18); the gate is at "
                                                         f"{gate.span.file} line {gate.span.line}")


def product_points(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E508: a configured product that earns no points is a mistake, not a choice."""
    for product in ctx.symbols.products.values():
        if not any(isinstance(item, ast.Points) for item in product.items):
            yield Diagnostic("E508", f"product `{product.name.text}` has no `points` line", product.name.span,
                             help="add `points N per unit` or `points EXPRESSION per deal` (art. 19)")


def _share_slots(ctx: CheckContext) -> Iterator[tuple[Span | None, str, object]]:
    """(span, what, value) of every value that must be a share between 0 and 100%."""
    ir = ctx.lowered.ir
    for key in ("host", "participants"):
        yield _share_source(ctx, key), f"the split's `{key}` share", (ir.get("split") or {}).get(key)
    yield ctx.span_of("/audit/spot_check"), "`spot_check`", (ir.get("audit") or {}).get("spot_check")
    for i, gate in enumerate(ir.get("gates", [])):
        yield ctx.span_of(f"/gates/{i}/otherwise/factor"), f"the `otherwise scale` of gate `{gate['name']}`", \
            gate["otherwise"]["factor"]


def shares_in_range(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E509: spot-check rates, scale factors and shares are parts of a whole."""
    for span, what, value in _share_slots(ctx):
        if is_number(value) and not 0 <= value <= 1 and span is not None:
            yield Diagnostic("E509", f"{what} is {percent(value)}, outside 0–100%", span,
                             help="a share is a part of a whole: write it between 0% and 100%")


def positive_amounts(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E510: a reward pool of zero and a rounding unit of zero cannot be divided."""
    reward = ctx.lowered.ir.get("reward") or {}
    slots = [(ctx.span_of("/reward/pool"), "the reward pool", reward.get("pool")),
             (ctx.span_of("/reward/rounding/unit"), "the rounding unit", (reward.get("rounding") or {}).get("unit"))]
    for span, what, value in slots:
        if is_number(value) and value <= 0 and span is not None:
            yield Diagnostic("E510", f"{what} is {plain_number(value)}, it must be positive", span,
                             help="the pool is divided in proportion to points and rounded to the unit (art. 22)")


# ---- warnings ---------------------------------------------------------------------------------------


def unused_lets(ctx: CheckContext) -> Iterator[Diagnostic]:
    """W201: a branch's `let` nothing uses (the measure's lets are offered to every branch)."""
    if ctx.rules is None:
        return
    used = {node.name for place in ctx.places for node in ast.walk(place.expr) if isinstance(node, ast.Name)}
    for decl in ctx.rules.declarations:
        if isinstance(decl, ast.Binding) and decl.keyword == "let" and decl.name.text not in used:
            yield Diagnostic("W201", f"`{decl.name.text}` is never used", decl.name.span,
                             help="remove it, or use it in an expression", severity=WARNING)


PASSES: list[Callable[[CheckContext], Iterable[Diagnostic]]] = [
    unknown_names, unknown_departments, unknown_gate_products, duplicates, redefinitions, misplaced,
    rules_split, unknown_sets, unknown_products, header_lines,
    type_errors, arity,
    non_corporate_targets, field_scopes, shares_add_up, effective_period, gate_targets, product_points,
    shares_in_range, positive_amounts,
    unused_lets,
]
