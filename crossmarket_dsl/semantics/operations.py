"""What each operator and function of the language does to values, with the null semantics of SPEC §3.5.

Table cells are text until an operator needs a number, date or boolean. Anything that cannot be converted,
a missing cell or a division by zero is `None` (null); a comparison with null is false; `and`/`or`/`not`
use three-valued logic so that a null `require` fails closed. `vocabulary.py` names these functions; the
evaluator (`expr.py`) calls them through it.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, Overflow, localcontext

from .values import to_bool, to_date, to_number


def truth(value) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    return to_bool(value)


def number(value) -> Decimal | None:
    """`to_number`, short-cut for values that are already exact numbers (results of arithmetic)."""
    return value if type(value) is Decimal else to_number(value)


# ---- arithmetic ----------------------------------------------------------------------------------


def _arithmetic(combine):
    """A binary arithmetic operator: null when either side is no number, or the result has no value."""
    def run(a, b):
        a, b = number(a), number(b)
        if a is None or b is None:
            return None
        try:
            return combine(a, b)
        except Overflow:  # past 10^999999 (a chain of squarings): ±infinity, which checks and the row loop refuse
            with localcontext() as context:
                context.traps[Overflow] = False
                return combine(a, b)
        except (InvalidOperation, ZeroDivisionError):  # infinity minus infinity
            return None
    return run


add = _arithmetic(lambda a, b: a + b)
subtract = _arithmetic(lambda a, b: a - b)
multiply = _arithmetic(lambda a, b: a * b)
divide = _arithmetic(lambda a, b: None if b == 0 else a / b)


def negate(value):
    found = to_number(value)
    return None if found is None else -found


# ---- comparison and membership -------------------------------------------------------------------


def coerce_pair(a, b):
    """Bring two values to one comparable type, or return None when that is impossible."""
    if a is None or b is None:
        return None
    for kind, convert in ((Decimal, to_number), (date, to_date), (bool, truth)):
        if isinstance(a, kind) or isinstance(b, kind):
            if kind is Decimal and (isinstance(a, bool) or isinstance(b, bool)):
                continue
            a2, b2 = convert(a), convert(b)
            return None if a2 is None or b2 is None else (a2, b2)
    return str(a).strip(), str(b).strip()


def _comparison(test):
    def run(a, b) -> bool:
        pair = coerce_pair(a, b)
        if pair is None:
            return False
        try:
            return test(*pair)
        except TypeError:
            return False
    return run


equal = _comparison(lambda a, b: a == b)
not_equal = _comparison(lambda a, b: a != b)
less = _comparison(lambda a, b: a < b)
at_most = _comparison(lambda a, b: a <= b)
greater = _comparison(lambda a, b: a > b)
at_least = _comparison(lambda a, b: a >= b)


def member(a, items) -> bool | None:
    if a is None or not isinstance(items, list):
        return None
    return any(equal(a, item) for item in items)


def not_member(a, items) -> bool | None:
    return negation(member(a, items))


# ---- logic ---------------------------------------------------------------------------------------


def negation(value):
    value = truth(value)
    return None if value is None else not value


def _kleene(dominant: bool):
    """Three-valued `and` (dominant False) and `or` (dominant True): the dominant value decides even
    against null; otherwise a null operand makes the result null. The right side comes as a thunk, so
    it is evaluated only when the left side does not decide."""
    def combine(left, right):
        left = truth(left)
        if left is dominant:
            return dominant
        other = truth(right())
        if other is dominant:
            return dominant
        return None if left is None or other is None else not dominant
    return combine


conjunction, disjunction = _kleene(False), _kleene(True)


# ---- functions -----------------------------------------------------------------------------------


def numbers(values):
    """The values as exact numbers, or None when any is not one."""
    if set(map(type, values)) <= {Decimal}:  # already numbers (`deal.quantity`, results): nothing to convert
        return values
    found = [v if type(v) is Decimal else to_number(v) for v in values]
    return None if None in found else found


def smallest(*values):
    found = numbers(values)
    return None if found is None else min(found)


def largest(*values):
    found = numbers(values)
    return None if found is None else max(found)


def round_to(value, places):
    """`round(x, n)`: half up to n decimal places; null when n is no whole number or the result has no
    exact form (more digits than a decimal can hold)."""
    found, digits = to_number(value), to_number(places)
    if found is None or digits is None or digits != digits.to_integral_value():
        return None
    try:
        return found.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
    except (InvalidOperation, OverflowError):
        return None


def absolute(value):
    found = to_number(value)
    return None if found is None else abs(found)


# ---- aggregates: each takes the values of a gate's group, one a deal ---------------------------------


def count(group) -> Decimal:
    return Decimal(len(group))


def total(values):
    found = numbers(values)
    return None if found is None else sum(found, Decimal(0))


def average(values):
    added = total(values) if values else None
    return None if added is None else added / len(values)


def minimum(values):
    found = numbers(values) if values else None
    return None if found is None else min(found)


def maximum(values):
    found = numbers(values) if values else None
    return None if found is None else max(found)
