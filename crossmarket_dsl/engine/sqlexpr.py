"""IR expression trees → `sqlglot` expressions, with the null semantics of SPEC §3.5 (`semantics/expr.py`).

A cell is text in SQL as in the row loop, and an operator converts it: `to_number` (`1,234.5`, `85%`,
`5万`, `300元`, full-width digits), `to_date` (`2026-03-01`, `2026/3/1`, `20260301`, `2026年3月1日`, a time
after it) and `to_bool` (`是/否`, `true/false`, `Y/N`, `1/0`) are SQL expressions built here, once each,
from DuckDB-flavoured templates that sqlglot renders in any dialect. What the row loop decides by a
value's type at run time is decided here by the expression's kind, known when compiling: `num`, `text`,
`date`, `bool`, `list` or `null` (a literal null).

Numbers are `DECIMAL(38, 12)`, never floating point. A product of two computed numbers is tried
(`TRY`): beyond 10^14 it is null (the row loop would reject such points as too large anyway from
10^16). A division is exact only by a constant whose reciprocal is a short decimal (`1万`, `100`, `8`);
any other division raises `Unsupported`, and the rules run on the reference engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable

import sqlglot
from sqlglot import exp

from ..semantics.vocabulary import FUNCTIONS

DECIMAL = "DECIMAL(38, 12)"
PLACES = 12


class Unsupported(Exception):
    """An expression the columnar engine cannot yet compute exactly; the reason is the message."""


@dataclass(frozen=True)
class Typed:
    sql: exp.Expression
    kind: str  # num, text, date, bool, list, null
    constant: Any = None  # the value of a constant number (its reciprocal may make a division exact)
    convert: Callable[[str], exp.Expression] | None = None  # a cell's conversion to `num`, `bool` or `date`,
    # computed elsewhere once per distinct cell (`sqlplan`); None: converted where it is used


# ---- conversions, as templates over a placeholder column `x` -------------------------------------

_NUMBER_TEMPLATE = """
CASE
  WHEN REGEXP_MATCHES(t, '^[+-]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]*)?$') THEN TRY_CAST(REPLACE(t, ',', '') AS DECIMAL(38, 12))
  WHEN STRPOS(t, ',') > 0 THEN NULL
  WHEN REGEXP_MATCHES(t, '^[+-]?([0-9][0-9_]*([.][0-9_]*)?|[.][0-9][0-9_]*)([eE][+-]?[0-9]+)?$')
    THEN TRY_CAST(t AS DECIMAL(38, 12))
END
"""
# `t` above is the text without its suffix; these give it, and the suffix's factor.
_NORMALISED = "TRIM(TRANSLATE(x, '０１２３４５６７８９．，％＋－　', '0123456789.,%+- '))"
_SUFFIXES = (("%", "0.01"), ("万", "10000"), ("亿", "100000000"))
_DATE_TEMPLATE = """
CASE WHEN POSITION(' ' IN s) > 0 AND POSITION(':' IN s) = 0 THEN NULL
  ELSE TRY_CAST(
    REGEXP_EXTRACT(d, '^([0-9]{4})[-/.]?([0-9]{1,2})[-/.]?([0-9]{1,2})$', 1) || '-' ||
    LPAD(REGEXP_EXTRACT(d, '^([0-9]{4})[-/.]?([0-9]{1,2})[-/.]?([0-9]{1,2})$', 2), 2, '0') || '-' ||
    LPAD(day, 2, '0') AS DATE)
END
"""
_DAY = "REGEXP_EXTRACT(d, '^([0-9]{4})[-/.]?([0-9]{1,2})[-/.]?([0-9]{1,2})$', 3)"
_DATE_SHAPES = ("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$", "^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}$",
                "^[0-9]{4}[.][0-9]{1,2}[.][0-9]{1,2}$", "^[0-9]{8}$")
_BOOLEANS = {"是": True, "否": False, "true": True, "false": False, "y": True, "n": False, "yes": True, "no": False,
             "1": True, "0": False}


@lru_cache(maxsize=None)
def _parsed(template: str) -> exp.Expression:
    return stripping(sqlglot.parse_one(template, read="duckdb"))


WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())
"""What Python's `str.strip()` takes off a cell, as the row loop reads it (a tab, a full-width space 　 typed
in a Chinese ledger); SQL's TRIM alone takes off spaces only."""


def stripping(tree: exp.Expression) -> exp.Expression:
    """`TRIM(x)` made to strip `WHITESPACE` throughout a parsed template (`stripped`)."""
    for trim in list(tree.find_all(exp.Trim)):
        if trim.args.get("expression") is None:
            trim.replace(stripped(trim.this))
    return tree


def stripped(value: exp.Expression) -> exp.Expression:
    """`value` stripped as `str.strip()` strips it. A column is first tested at its two ends, and trimmed only
    when one of them is white: `TRIM` with a set of characters costs DuckDB about twenty times a plain read,
    and nearly every cell of a ledger has nothing to strip. A computed value is trimmed at once: it is one of
    a few distinct texts, and writing it out thrice would only lengthen the query."""
    trimmed = exp.Trim(this=value, expression=exp.Literal.string(WHITESPACE))
    if not isinstance(value, exp.Column):
        return trimmed

    def plain_end(end: type[exp.Expression]) -> exp.Expression:
        return exp.EQ(this=exp.StrPosition(this=exp.Literal.string(WHITESPACE),
                                           substr=end(this=value.copy(), expression=exp.Literal.number(1))),
                      expression=exp.Literal.number(0))
    return exp.Case(ifs=[exp.If(this=exp.and_(plain_end(exp.Left), plain_end(exp.Right)), true=value.copy())],
                    default=trimmed)


def strip_sql(column: str) -> str:
    """A column stripped as `str.strip()` strips it, in DuckDB's SQL (for the engine's own small queries)."""
    return stripped(exp.column(column)).sql("duckdb")


def fill(template: str, **values: exp.Expression) -> exp.Expression:
    """The template's expression with each placeholder column replaced by an expression (a tree, not text)."""
    def swap(node):
        if isinstance(node, exp.Column) and not node.table and node.name in values:
            return values[node.name].copy()
        return node
    return _parsed(template).transform(swap)  # a copy of the template, filled in


_PLACEHOLDER = "__text__"


def _over(build: Callable[[exp.Expression], exp.Expression]) -> Callable[[exp.Expression], exp.Expression]:
    """A conversion built once over a placeholder column and then filled in, so that a query with many
    conversions is not built many times over (a number's conversion has a thousand nodes)."""
    built = lru_cache(maxsize=None)(lambda: build(exp.column(_PLACEHOLDER)))

    def convert(text: exp.Expression) -> exp.Expression:
        def swap(node):
            return text.copy() if isinstance(node, exp.Column) and node.name == _PLACEHOLDER else node
        return built().transform(swap)
    convert.__doc__ = build.__doc__
    return convert


def _to_number(text: exp.Expression) -> exp.Expression:
    """`values.to_number` of a text cell."""
    normalised = fill(_NORMALISED, x=text)
    cases = exp.Case()
    for suffix, factor in _SUFFIXES:
        stem = fill("TRIM(LEFT(t, LENGTH(t) - 1))", t=normalised)
        if suffix != "%":  # `5万元`: the 元 goes first
            stem = fill("TRIM(LEFT(t, LENGTH(t) - 1))", t=_without_yuan(normalised))
            test = fill("ENDS_WITH(t, s)", t=_without_yuan(normalised), s=exp.Literal.string(suffix))
            test = exp.and_(exp.not_(fill("ENDS_WITH(t, '%')", t=normalised)), test)
        else:
            test = fill("ENDS_WITH(t, s)", t=normalised, s=exp.Literal.string(suffix))
        scaled = exp.Mul(this=exp.paren(fill(_NUMBER_TEMPLATE, t=stem)), expression=_decimal_literal(Decimal(factor)))
        cases = cases.when(test, exp.cast(scaled, DECIMAL))
    return cases.else_(fill(_NUMBER_TEMPLATE, t=_without_yuan(normalised)))


def _without_yuan(text: exp.Expression) -> exp.Expression:
    return fill("CASE WHEN ENDS_WITH(t, '元') THEN TRIM(LEFT(t, LENGTH(t) - 1)) ELSE t END", t=text)


def _to_date(text: exp.Expression) -> exp.Expression:
    """`values.to_date` of a text cell: the date part before a time, in one of the shapes a ledger writes."""
    spaced, day, shaped = _date_parts(text)
    return exp.Case().when(shaped, fill(_DATE_TEMPLATE, s=spaced, d=day, day=fill(_DAY, d=day)))


def _written_month(text: exp.Expression) -> exp.Expression:
    """The first day of the month a date is written in, whether or not its day exists (`2026-04-31`: April):
    `values.written_date`, which decides which month's statement lists a row whose date is wrong."""
    spaced, day, shaped = _date_parts(text)
    year_zero = fill("LEFT(d, 4) = '0000'", d=day)
    return exp.Case().when(exp.and_(shaped, exp.not_(year_zero)),
                           fill(_DATE_TEMPLATE, s=spaced, d=day, day=exp.Literal.string("01")))


def _date_parts(text: exp.Expression):
    """The text with a `T` before a time made a space, its date part (`年月日` made dashes), and whether that
    part has one of the shapes of a date."""
    spaced = fill("REPLACE(TRIM(TRANSLATE(x, '０１２３４５６７８９／－．：　', '0123456789/-.: ')), 'T', ' ')", x=text)
    day = fill("SPLIT_PART(s, ' ', 1)", s=spaced)
    day = fill("CASE WHEN ENDS_WITH(d, '日') THEN REPLACE(REPLACE(LEFT(d, LENGTH(d) - 1), '年', '-'), '月', '-') "
               "ELSE d END", d=day)
    shaped = exp.or_(*(fill("REGEXP_MATCHES(d, p)", d=day, p=exp.Literal.string(shape)) for shape in _DATE_SHAPES))
    return spaced, day, shaped


def _to_bool(text: exp.Expression) -> exp.Expression:
    lowered = fill("LOWER(TRIM(x))", x=text)
    case = exp.Case(this=lowered)
    for word, value in _BOOLEANS.items():
        case = case.when(exp.Literal.string(word), exp.Boolean(this=value))
    return case


to_number, to_date, written_month, to_bool = map(_over, (_to_number, _to_date, _written_month, _to_bool))


def _decimal_literal(value: Decimal) -> exp.Expression:
    """A constant number as a decimal of its own scale, so that multiplying by it never overflows early."""
    text = format(value, "f")
    scale = len(text.partition(".")[2])
    digits = max(len(text.replace("-", "").replace(".", "")), scale + 1)
    return exp.cast(exp.Literal.number(text), f"DECIMAL({min(max(digits, 1), 38)}, {scale})")


# ---- typed conversions -------------------------------------------------------------------------

NULL = Typed(exp.Null(), "null")


def as_number(value: Typed) -> exp.Expression:
    if value.kind == "num":
        return value.sql
    if value.convert is not None:
        return value.convert("num")
    if value.kind == "text":
        return to_number(value.sql)
    return exp.cast(exp.Null(), DECIMAL)


def as_bool(value: Typed) -> exp.Expression:
    """`expr.truth`: booleans as they are, text by `to_bool`, a number 1 or 0."""
    if value.kind == "bool":
        return value.sql
    if value.convert is not None:
        return value.convert("bool")
    if value.kind == "text":
        return to_bool(value.sql)
    if value.kind == "num":
        return fill("CASE WHEN v = 1 THEN TRUE WHEN v = 0 THEN FALSE END", v=value.sql)
    return exp.cast(exp.Null(), "BOOLEAN")


def as_date(value: Typed) -> exp.Expression:
    if value.kind == "date":
        return value.sql
    if value.convert is not None:
        return value.convert("date")
    if value.kind == "text":
        return to_date(value.sql)
    return exp.cast(exp.Null(), "DATE")


# ---- the compiler ------------------------------------------------------------------------------

FieldSql = Callable[[str, str], Typed]
"""How a query reads `scope.field`: a column of the ledger, of a joined row, or a computed one."""

_COMPARE = {"==": exp.EQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE}
_ARITH = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul}


AggregateSql = Callable[[str, list[dict]], Typed]
"""How a gate's query computes an aggregate call (`sum(deal.quantity)`) from its name and argument trees."""


def compile_sql(tree: dict, constants: dict[str, Any], field: FieldSql, aggregate: AggregateSql | None = None
                ) -> Typed:
    """An IR expression as a typed SQL expression; `field` gives the SQL of each `scope.field`, `aggregate`
    (in a gate) that of each aggregate call."""
    def walk(node: dict) -> Typed:
        if "lit" in node:
            return constant(node["lit"])
        if "date" in node:
            return constant(date.fromisoformat(node["date"]) if isinstance(node["date"], str) else node["date"])
        if "list" in node:
            return Typed(exp.Tuple(expressions=[walk(item).sql for item in node["list"]]), "list",
                         [walk(item) for item in node["list"]])
        if "param" in node or "let" in node:
            return constant(constants.get(node.get("param", node.get("let"))))
        if "field" in node:
            return field(*node["field"])
        if "if" in node:
            return _conditional(walk(node["if"]), walk(node["then"]), walk(node["else"]))
        if "op" in node:
            return _operator(node["op"], [walk(arg) for arg in node["args"]])
        if "call" in node and aggregate is not None and FUNCTIONS[node["call"]].aggregate:
            return aggregate(node["call"], node["args"])
        if "call" in node:
            return _call(node["call"], [walk(arg) for arg in node["args"]])
        raise Unsupported(f"an expression node {sorted(node)}")

    return walk(tree)


def constant(value) -> Typed:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return Typed(exp.Boolean(this=value), "bool")
    if isinstance(value, (Decimal, int)):
        return Typed(_decimal_literal(Decimal(value)), "num", Decimal(value))
    if isinstance(value, date):
        return Typed(exp.cast(exp.Literal.string(value.isoformat()), "DATE"), "date")
    if isinstance(value, list):
        items = [constant(item) for item in value]
        return Typed(exp.Tuple(expressions=[item.sql for item in items]), "list", items)
    return Typed(exp.Literal.string(str(value)), "text")


def _conditional(condition: Typed, then: Typed, otherwise: Typed) -> Typed:
    kind = then.kind if then.kind != "null" else otherwise.kind
    if kind == "list" or {then.kind, otherwise.kind} - {kind, "null"}:
        raise Unsupported("a conditional whose branches are of different kinds")
    convert = {"num": as_number, "bool": as_bool, "date": as_date}.get(kind, lambda value: value.sql)
    decided = as_bool(condition)
    return Typed(exp.Case().when(exp.Is(this=decided, expression=exp.Null()), exp.Null())
                 .when(decided, convert(then)).else_(convert(otherwise)), kind)


def _comparable(a: Typed, b: Typed):
    """`expr.coerce_pair` decided by kind: numbers (unless a boolean is involved), dates, booleans, text."""
    kinds = {a.kind, b.kind}
    if "null" in kinds:
        return None
    if "num" in kinds and "bool" not in kinds:
        return as_number(a), as_number(b)
    if "date" in kinds:
        return as_date(a), as_date(b)
    if "bool" in kinds:
        return as_bool(a), as_bool(b)
    return fill("TRIM(x)", x=a.sql), fill("TRIM(x)", x=b.sql)


def compare(op: str, a: Typed, b: Typed) -> exp.Expression:
    """A comparison with null is false, never null."""
    pair = _comparable(a, b)
    if pair is None:
        return exp.false()
    return exp.func("COALESCE", _COMPARE[op](this=pair[0], expression=pair[1]), exp.false())


def _member(a: Typed, items: Typed) -> exp.Expression:
    if a.kind == "null" or items.kind != "list":
        return exp.cast(exp.Null(), "BOOLEAN")
    tests = [compare("==", a, item) for item in items.constant]
    found = exp.or_(*tests) if tests else exp.false()
    return exp.Case().when(exp.Is(this=a.sql, expression=exp.Null()), exp.Null()).else_(found)


def _operator(op: str, args: list[Typed]) -> Typed:
    if op == "not":
        return Typed(exp.not_(as_bool(args[0])), "bool")
    if op == "neg":
        return Typed(exp.Neg(this=exp.paren(as_number(args[0]))), "num")
    left, right = args
    if op == "and":
        return Typed(exp.and_(as_bool(left), as_bool(right)), "bool")
    if op == "or":
        return Typed(exp.or_(as_bool(left), as_bool(right)), "bool")
    if op in _COMPARE:
        return Typed(compare(op, left, right), "bool")
    if op == "in":
        return Typed(_member(left, right), "bool")
    if op == "not_in":
        return Typed(exp.not_(_member(left, right)), "bool")
    if op in _ARITH:
        return Typed(_arith(op, left, right), "num")
    if op == "/":
        return Typed(_divide(left, right), "num")
    raise Unsupported(f"the operator `{op}`")


def _arith(op: str, left: Typed, right: Typed) -> exp.Expression:
    value = _ARITH[op](this=exp.paren(as_number(left)), expression=exp.paren(as_number(right)))
    if op == "*" and left.constant is None and right.constant is None:
        return exp.func("TRY", exp.cast(value, DECIMAL))
    return exp.cast(value, DECIMAL)


def _divide(left: Typed, right: Typed) -> exp.Expression:
    """A division by a constant is a product by its reciprocal, when that is exact to 12 places."""
    divisor = right.constant
    if divisor is None or isinstance(divisor, list):
        raise Unsupported("a division by a value that is not a constant")
    if divisor == 0:
        return exp.cast(exp.Null(), DECIMAL)
    reciprocal = Decimal(1) / divisor
    if reciprocal != reciprocal.quantize(Decimal(1).scaleb(-PLACES)) or reciprocal * divisor != 1:
        raise Unsupported(f"a division by {divisor}, whose reciprocal is not a short decimal")
    return exp.cast(exp.Mul(this=exp.paren(as_number(left)), expression=_decimal_literal(reciprocal.normalize())),
                    DECIMAL)


def _call(name: str, args: list[Typed]) -> Typed:
    if name in ("min", "max"):
        numbers = [as_number(arg) for arg in args]
        any_null = exp.or_(*(exp.Is(this=number, expression=exp.Null()) for number in numbers))
        picked = exp.func("LEAST" if name == "min" else "GREATEST", *numbers)
        return Typed(exp.Case().when(any_null, exp.Null()).else_(picked), "num")
    if name == "abs":
        return Typed(exp.func("ABS", as_number(args[0])), "num")
    if name == "round":
        places = args[1].constant
        if places is None or places != places.to_integral_value():
            raise Unsupported("`round` to a number of places that is not a constant whole number")
        return Typed(exp.cast(exp.func("ROUND", as_number(args[0]), exp.Literal.number(int(places))), DECIMAL), "num")
    raise Unsupported(f"the function `{name}` outside a gate")
