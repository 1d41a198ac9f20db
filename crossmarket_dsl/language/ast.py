"""The syntax tree of a `.xm` file.

Every node is a frozen dataclass whose `span` takes no part in equality or repr (Cedar's `Node<T>`),
so tests compare structure and a formatted file compares equal to its original.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Union

from .source import Span


@dataclass(frozen=True)
class Node:
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)


# ---- expressions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number(Node):
    value: Decimal
    text: str = field(default="", compare=False)  # as written (`85%`, `1_000`, `5万元`), for `fmt`


@dataclass(frozen=True)
class String(Node):
    value: str


@dataclass(frozen=True)
class Bool(Node):
    value: bool


@dataclass(frozen=True)
class Null(Node):
    pass


@dataclass(frozen=True)
class DateLit(Node):
    value: date


@dataclass(frozen=True)
class ListLit(Node):
    items: tuple["Expr", ...]


@dataclass(frozen=True)
class Name(Node):
    name: str


@dataclass(frozen=True)
class Field(Node):
    scope: str  # deal, client, project, product, department, outlet
    name: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # `neg` (written `-`) or `not`: a name of `semantics.vocabulary.OPERATORS`
    operand: "Expr"


@dataclass(frozen=True)
class Binary(Node):
    op: str  # + - * / == != < <= > >= and or in not_in: a name of `semantics.vocabulary.OPERATORS`
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class IfExpr(Node):
    condition: "Expr"
    then: "Expr"
    otherwise: "Expr"


@dataclass(frozen=True)
class Call(Node):
    function: str
    args: tuple["Expr", ...]


Expr = Union[Number, String, Bool, Null, DateLit, ListLit, Name, Field, Unary, Binary, IfExpr, Call]


# ---- shared pieces -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ident(Node):
    """A name as it stands in a declaration (so a diagnostic can point at exactly the name)."""

    text: str


@dataclass(frozen=True)
class Cite(Node):
    """`cite "第二十条"`: the article of the measure a declaration implements."""

    article: str


@dataclass(frozen=True)
class Setting(Node):
    """One `key value…` line inside a block: `issuer "省分行"`, `pool 200万`, `by declared`."""

    key: str
    values: tuple


# ---- headers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureHeader(Node):
    name: str
    version: str
    items: tuple[Setting | Cite, ...]


@dataclass(frozen=True)
class RulesHeader(Node):
    name: str
    items: tuple[Setting | Cite, ...]


Header = Union[MeasureHeader, RulesHeader]


# ---- declarations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Department(Node):
    name: Ident
    kind: str
    cite: Cite | None = None


@dataclass(frozen=True)
class Outlet(Node):
    name: Ident
    cite: Cite | None = None


@dataclass(frozen=True)
class Article(Node):
    """An article of the measure with its words: `article 第二十条 "考虑业务发展需要，…"`."""

    name: Ident
    text: str
    cite: None = None  # an article is cited, it cites nothing


@dataclass(frozen=True)
class Binding(Node):
    """`param`, `set` or `let`."""

    keyword: str
    name: Ident
    value: Expr
    cite: Cite | None = None


@dataclass(frozen=True)
class CatalogEntry(Node):
    name: Ident
    items: tuple[Setting | Cite, ...]


@dataclass(frozen=True)
class Catalog(Node):
    entries: tuple[CatalogEntry, ...]
    cite: Cite | None = None


@dataclass(frozen=True)
class Points(Node):
    expr: Expr
    per: str  # unit | deal
    when: Expr | None = None


@dataclass(frozen=True)
class Product(Node):
    name: Ident
    items: tuple[Points | Setting | Cite, ...]
    cite: Cite | None = None


@dataclass(frozen=True)
class Criterion(Node):
    """A labelled expression: a target criterion, or an outlet attribution line."""

    label: str
    expr: Expr
    cite: Cite | None = None


@dataclass(frozen=True)
class Targets(Node):
    department: Ident
    criteria: tuple[Criterion, ...]
    cite: Cite | None = None


@dataclass(frozen=True)
class Clause(Node):
    when: Expr | None
    require: Expr


@dataclass(frozen=True)
class Otherwise(Node):
    kind: str  # zero | scale
    factor: Expr | None = None


@dataclass(frozen=True)
class Gate(Node):
    name: Ident
    scope: str
    product: Ident | None
    at_period_end: bool
    items: tuple[Clause | Otherwise | Cite, ...]
    cite: Cite | None = None


@dataclass(frozen=True)
class Block(Node):
    """`split`, `reward`, `audit`, `statement`: a keyword and its settings."""

    keyword: str
    items: tuple[Setting | Cite, ...]
    cite: Cite | None = None


@dataclass(frozen=True)
class Attribution(Node):
    items: tuple[Criterion, ...]
    cite: Cite | None = None


@dataclass(frozen=True)
class AwardTo(Node):
    """`to 公司业务部 300`: the points an award adds to one department."""

    department: Ident
    points: Expr


@dataclass(frozen=True)
class Award(Node):
    """`award 重点项目突破 for project "P001" { when count() >= 1  to 公司业务部 300 }` (art. 4, 17): the points a
    key project's or client's breakthrough earns; a breakthrough is at least one accepted deal unless `when`
    says otherwise (a `Setting`)."""

    name: Ident
    scope: str  # project | client
    key: str
    items: tuple[Setting | AwardTo | Cite, ...]
    cite: Cite | None = None


@dataclass(frozen=True)
class Tier(Node):
    """`completion < 60% deduct 20% of points`: a deduction or special award by completion of the target."""

    op: str  # a comparison: < <= > >= == !=
    threshold: Expr
    kind: str  # deduct | award
    amount: Expr
    of_points: bool  # the amount is a share of the department's points, not points


@dataclass(frozen=True)
class Objective(Node):
    """`objective 公司业务部 { target 800  completion < 60% deduct 100 }` (art. 17): a department's year-start
    target (年初目标, in points) and what its completion earns or costs at year end."""

    department: Ident
    items: tuple[Setting | Tier | Cite, ...]
    cite: Cite | None = None


Declaration = Union[Department, Outlet, Article, Binding, Catalog, Product, Targets, Gate, Block, Attribution,
                    Award, Objective]


@dataclass(frozen=True)
class Comment(Node):
    text: str


@dataclass(frozen=True)
class Program(Node):
    header: Header
    declarations: tuple[Declaration, ...]
    comments: tuple[Comment, ...] = field(default=(), compare=False)

    @property
    def kind(self) -> str:
        return "measure" if isinstance(self.header, MeasureHeader) else "rules"


def all_cites(node: Node) -> list[Cite]:
    """Every citation a declaration carries: after it, or inside its block."""
    found = [getattr(node, "cite", None)]
    found += [item for item in getattr(node, "items", ()) if isinstance(item, Cite)]
    return [c for c in found if c is not None]


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of an expression (looked up by node type: the checks ask this of every node
    of a file, a hundred thousand times for a large one)."""
    parts = _CHILDREN.get(type(expr))
    return parts(expr) if parts else ()


_CHILDREN = {
    Unary: lambda expr: (expr.operand,),
    Binary: lambda expr: (expr.left, expr.right),
    IfExpr: lambda expr: (expr.condition, expr.then, expr.otherwise),
    Call: lambda expr: expr.args,
    ListLit: lambda expr: expr.items,
}


def walk(expr: Expr):
    """All nodes of an expression, outermost first (iterative: expressions may nest deeply)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))
