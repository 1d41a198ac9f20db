"""Where each expression stands: what it must be, and which fields it may read there."""

from __future__ import annotations

import typing
from dataclasses import dataclass

from ...semantics.vocabulary import BOOL, NUMBER
from .. import ast

EXPR_TYPES = typing.get_args(ast.Expr)


@dataclass(frozen=True)
class Place:
    """An expression together with what may stand in it."""

    expr: ast.Expr
    role: str  # for messages: "target criterion `优质上市公司`"
    expect: str | None  # NUMBER, BOOL or None (anything)
    sees: frozenset[str] = frozenset()  # fields visible outside aggregates: "client.*", "outlet.name"
    group: frozenset[str] | None = None  # fields visible inside aggregates; None: no aggregates here
    gate_scope: str | None = None
    judged_by: str = "gate"  # what groups the deals here: a gate, or an award (art. 4, 17)


POINTS_FIELDS = frozenset({"deal.*", "client.*", "project.*", "product.*", "outlet.name"})
SCOPE_FIELDS = {"deal": "deal.*", "client": "client.*", "project": "project.*", "product": "product.*",
                "department": "department.name", "outlet": "outlet.name"}


def places_of(decl) -> list[Place]:
    if isinstance(decl, ast.Binding):
        return [Place(decl.value, f"the value of `{decl.keyword} {decl.name.text}`", None)]
    if isinstance(decl, ast.Product):
        return _product_places(decl)
    if isinstance(decl, ast.Targets):
        return [Place(c.expr, f"target criterion `{c.label}`", BOOL, frozenset({"client.*"}))
                for c in decl.criteria]
    if isinstance(decl, ast.Gate):
        return gate_places(decl)
    if isinstance(decl, ast.Block):
        return [Place(value, f"`{s.key}` in `{decl.keyword}`", NUMBER) for s in decl.items
                if isinstance(s, ast.Setting) for value in s.values if isinstance(value, EXPR_TYPES)]
    if isinstance(decl, ast.Award):
        return award_places(decl)
    if isinstance(decl, ast.Objective):
        return objective_places(decl)
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


def gate_places(gate: ast.Gate) -> list[Place]:
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


def award_places(award: ast.Award) -> list[Place]:
    """An award's `when` judges the group of its project's or client's deals, as a gate on that scope does;
    its points are constants."""
    own = frozenset({SCOPE_FIELDS[award.scope]})
    role = f"award `{award.name.text}`"
    found = []
    for item in award.items:
        if isinstance(item, ast.Setting):
            found += [Place(value, role, BOOL, own, own | {"deal.*"}, award.scope, "award") for value in item.values]
        elif isinstance(item, ast.AwardTo):
            found.append(Place(item.points, f"the points {role} gives `{item.department.text}`", NUMBER))
    return found


def objective_places(objective: ast.Objective) -> list[Place]:
    """A year-start target, its completion thresholds and amounts: constants, known before any data is read."""
    role = f"the objective of `{objective.department.text}`"
    found = []
    for item in objective.items:
        if isinstance(item, ast.Setting):
            found += [Place(value, f"the target in {role}", NUMBER) for value in item.values]
        elif isinstance(item, ast.Tier):
            found += [Place(item.threshold, f"a completion threshold in {role}", NUMBER),
                      Place(item.amount, f"the amount to {item.kind} in {role}", NUMBER)]
    return found
