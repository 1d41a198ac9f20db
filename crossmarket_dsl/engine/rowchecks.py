"""The checks of one row that both engines share: the split of a deal among departments (R007–R009), its
quantity (R005), its product's name (R004) and its points (R011, R012).

The row loop (`rows.py`) runs them on every row; the columnar engine (`columnar.py`) decides the codes
in SQL and runs them for each distinct `participants` cell (the split) and for the rows it rejects (the
reason in words), so that both engines say the same thing in the same words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from decimal import Decimal, InvalidOperation

from ..semantics.expr import Env
from ..semantics.operations import number, truth
from ..semantics.values import to_number
from . import reasons
from .deals import ONE, SCALE
from .plan import Plan, ProductPlan

HUNDRED = Decimal(100)
_SEPARATORS = re.compile(r"[;；、,，]")


def fractions_of(plan: Plan, product: ProductPlan, shares) -> tuple[tuple[str, Decimal | None], ...]:
    """Host share, then each participant's fraction of the participants' part (None: the remainder)."""
    count = len(shares)
    parts = [(product.host, plan.host_share)]
    for index, (name, fraction) in enumerate(shares):
        if index == count - 1:
            parts.append((name, None))
        else:
            parts.append((name, plan.participant_share * (fraction if fraction is not None else ONE / count)))
    return tuple(parts)


def unknown_product(plan: Plan, name: str) -> reasons.Reason:
    return _unknown_product(name, tuple(plan.products), frozenset(plan.catalogue))


@lru_cache(maxsize=1024)
def _unknown_product(name: str, configured: tuple[str, ...], catalogue: frozenset[str]) -> reasons.Reason:
    """Worded once per name: a misspelt product recurs on many rows, and its suggestion is a fuzzy search."""
    return reasons.unknown_product(name, configured, set(catalogue))


def quantity_of(value) -> Decimal | None:
    if value is None or value == "":
        return ONE
    number = to_number(value)
    return number if number is not None and number > 0 else None


def participants_of(plan: Plan, product: ProductPlan, text: str):
    """Participants and their declared shares (fractions of the participants' part), or a rejection."""
    items = [item.strip() for item in _SEPARATORS.split(text) if item.strip()]
    if not items:
        return None, ("R007", reasons.no_participant())
    names, declared = [], []
    for item in items:
        name, _, share = item.replace("：", ":").partition(":")
        names.append(name.strip())
        declared.append(share.strip() or None)
    for name in names:
        if name not in plan.departments:
            return None, ("R008", reasons.unknown_participant(name, plan.departments))
        if plan.departments[name] == "support":
            return None, ("R008", reasons.support_participant(name))
        if name == product.host:
            return None, ("R008", reasons.host_participant(name, product.name))
    if len(set(names)) != len(names):
        return None, ("R008", reasons.participant_twice())
    if not plan.declared_split:
        return [(name, None) for name in names], None
    return _declared_shares(names, declared)


def _declared_shares(names, declared):
    if len(names) == 1 and declared[0] is None:
        return [(names[0], ONE)], None
    numbers = [to_number(share.rstrip("%")) if share is not None else None for share in declared]
    if any(n is None or n < 0 for n in numbers):
        return None, ("R009", reasons.shares_missing())
    total = sum(numbers, Decimal(0))
    if total != HUNDRED:
        return None, ("R009", reasons.shares_total(total))
    return [(name, number / HUNDRED) for name, number in zip(names, numbers)], None


def points_of(product: ProductPlan, env: Env):
    if product.when is not None:
        eligible = truth(product.when(env))
        if eligible is not True:
            return None, ("R012", reasons.condition_false(product.name, eligible, reasons.values_read(
                product.when_tree, env), product.pointer("when")))
    return _scaled(product, number(product.points(env)), env)


def _scaled(product: ProductPlan, value: Decimal | None, env: Env):
    if value is None:
        return None, ("R011", reasons.not_computable(product.name, reasons.values_read(product.points_tree, env),
                                                     product.pointer("expr")))
    quantity = env.deal["quantity"]
    if value < 0:  # a sale earns points (art. 19): a negative figure would take them from the departments
        return None, ("R011", reasons.negative(product.name, value, reasons.values_read(product.points_tree, env)))
    try:
        return (value * quantity if product.per_unit else value).quantize(SCALE), None
    except InvalidOperation:  # more than 16 digits before the point: not a number of points
        return None, ("R011", reasons.too_large(product.name, value))
