"""IR expression trees → `sqlglot` expressions, with the null semantics of SPEC §3.5 (`semantics/expr.py`).

A cell is text in SQL as in the row loop, and an operator converts it: to a number (`1,234.5`, `85%`,
`5万`, `300元`, full-width digits), a date (`2026-03-01`, `2026/3/1`, `20260301`, `2026年3月1日`, a time
after it) or a boolean (`是/否`, `true/false`, `Y/N`, `1/0`) as `semantics/values.py` does, by the
`CONVERSIONS` defined here in stages, from DuckDB-flavoured templates that sqlglot renders in any dialect:
over a table of distinct cells a subquery a stage (`staged`), so that each step is written once; anywhere
else as one expression (`to_number`, `to_date`, `to_bool`). What the row loop decides by a
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


def _decimal_literal(value: Decimal) -> exp.Expression:
    """A constant number as a decimal of its own scale, so that multiplying by it never overflows early."""
    text = format(value, "f")
    scale = len(text.partition(".")[2])
    digits = max(len(text.replace("-", "").replace(".", "")), scale + 1)
    return exp.cast(exp.Literal.number(text), f"DECIMAL({min(max(digits, 1), 38)}, {scale})")


# ---- conversions, in stages over a text `x` -------------------------------------------------------

@dataclass(frozen=True)
class Conversion:
    """A cell's conversion written in stages: each stage names values computed from the text `x` and from the
    names of the stages before it, and the results are computed from those names. Over a table of distinct
    texts each stage is a subquery of its own (`staged`), so that every intermediate value is written once
    in the query; elsewhere the names are replaced by what they stand for (`inline`). The templates are
    DuckDB's SQL, which sqlglot renders in any dialect."""
    stages: tuple[tuple[tuple[str, str], ...], ...]  # stage by stage: (name, template)
    results: tuple[tuple[str, str], ...]  # (result, template)


_NUMBER_SHAPES = """
CASE
  WHEN STRPOS(n_stem, ',') > 0 AND NOT REGEXP_MATCHES(n_stem, '^[+-]*[^,.]{1,3}(,[^,.]{3})+([.][^,]*)?$') THEN NULL
  WHEN REGEXP_MATCHES(n_digits, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$')
    THEN TRY_CAST(n_digits AS DECIMAL(38, 12))
END
"""
_SUFFIXES = (("%", "0.01"), ("万", "10000"), ("亿", "100000000"))
_DATE = "'^([0-9]{4})[-/.]?([0-9]{1,2})[-/.]?([0-9]{1,2})$'"
_DATE_SHAPES = ("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$", "^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}$",
                "^[0-9]{4}[.][0-9]{1,2}[.][0-9]{1,2}$", "^[0-9]{8}$")
_BOOLEANS = {"是": True, "否": False, "true": True, "false": False, "y": True, "n": False, "yes": True, "no": False,
             "1": True, "0": False}


_WIDE_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
"""The spaces NFKC makes a plain space: no-break, typographic and ideographic (a full-width space 　)."""


def _plain(characters: str) -> str:
    """`x` with the full-width forms of `characters` (`０`, `．`, `％`) and the wide spaces made plain, as NFKC
    makes them where `values` reads a decorated cell. (NFKC and Python's `Decimal` also read digits of other
    scripts, circled and superscript digits, which a Chinese ledger does not hold and this does not.)"""
    wide = "".join(chr(ord(character) + 0xFEE0) for character in characters)
    return f"TRANSLATE(x, '{wide}{_WIDE_SPACES}', '{characters}{' ' * len(_WIDE_SPACES)}')"


def _number() -> Conversion:
    """`values.to_number`: full-width forms made plain, then a `%`, or a `万` or `亿` after the `元` is taken
    off, says the unit; the stem before it has commas in thousands places (counted as Python counts them,
    `_without_separators`) or none, and is a decimal once they and the underscores Python ignores are gone.
    A number scaled past DECIMAL(38, 12) is null, not an error."""
    factors = " ".join(f"WHEN '{suffix}' THEN TRY(CAST(n_plain * {_decimal_literal(Decimal(factor)).sql('duckdb')} "
                       f"AS {DECIMAL}))" for suffix, factor in _SUFFIXES)
    return Conversion(stages=(
        (("n_norm", f"TRIM({_plain('0123456789.,%+-eE_')})"),),
        (("n_bare", "CASE WHEN ENDS_WITH(n_norm, '元') THEN TRIM(LEFT(n_norm, LENGTH(n_norm) - 1)) ELSE n_norm END"),),
        (("n_unit", "CASE WHEN ENDS_WITH(n_norm, '%') THEN '%' WHEN ENDS_WITH(n_bare, '万') THEN '万' "
                    "WHEN ENDS_WITH(n_bare, '亿') THEN '亿' ELSE '' END"),),
        (("n_stem", "CASE n_unit WHEN '' THEN n_bare WHEN '%' THEN TRIM(LEFT(n_norm, LENGTH(n_norm) - 1)) "
                    "ELSE TRIM(LEFT(n_bare, LENGTH(n_bare) - 1)) END"),),
        (("n_digits", "REPLACE(REPLACE(n_stem, ',', ''), '_', '')"),),
        (("n_plain", _NUMBER_SHAPES),),
    ), results=(("num", f"CASE n_unit {factors} ELSE n_plain END"),))


def _date() -> Conversion:
    """`values.to_date` (`date`) and the first day of the month a date is written in, whether or not its day
    exists (`2026-04-31`: April; `month`), as `values.written_date` decides which month's statement lists a
    row whose date is wrong: the date part before a time (`年月日` made dashes), in one of a date's shapes,
    of a year after 0000 (which SQL reads as 1 BC, Python as no date)."""
    shaped = " OR ".join(f"REGEXP_MATCHES(d_part, '{shape}')" for shape in _DATE_SHAPES)
    dated = "CASE WHEN d_timed THEN NULL ELSE TRY_CAST(d_year || '-' || d_month || '-' || {} AS DATE) END"
    return Conversion(stages=(
        (("d_spaced", f"REPLACE(TRIM({_plain('0123456789/-.:T')}), 'T', ' ')"),),
        (("d_head", "SPLIT_PART(d_spaced, ' ', 1)"),
         ("d_timed", "POSITION(' ' IN d_spaced) BETWEEN 1 AND LENGTH(d_spaced) - 1 "  # after a space, something
                     "AND POSITION(':' IN d_spaced) = 0")),  # not a time
        (("d_part", "CASE WHEN ENDS_WITH(d_head, '日') "
                    "THEN REPLACE(REPLACE(LEFT(d_head, LENGTH(d_head) - 1), '年', '-'), '月', '-') ELSE d_head END"),),
        (("d_shaped", shaped), ("d_zero", "LEFT(d_part, 4) = '0000'"),
         ("d_year", f"REGEXP_EXTRACT(d_part, {_DATE}, 1)"), ("d_month", f"LPAD(REGEXP_EXTRACT(d_part, {_DATE}, 2), 2, '0')"),
         ("d_day", f"LPAD(REGEXP_EXTRACT(d_part, {_DATE}, 3), 2, '0')")),
    ), results=(("date", f"CASE WHEN d_shaped AND NOT d_zero THEN {dated.format('d_day')} END"),
                ("month", f"CASE WHEN d_shaped AND NOT d_zero THEN {dated.format(repr('01'))} END")))


def _bool() -> Conversion:
    """`values.to_bool` of a text: `是/否`, `true/false`, `Y/N`, `yes/no`, `1/0`, in any case."""
    words = " ".join(f"WHEN '{word}' THEN {str(value).upper()}" for word, value in _BOOLEANS.items())
    return Conversion(stages=(), results=(("bool", f"CASE LOWER(TRIM(x)) {words} END"),))


CONVERSIONS = {"num": _number(), "date": _date(), "bool": _bool()}
"""The conversion to each kind; each has a result of that kind's name (a date's also `month`)."""


@lru_cache(maxsize=None)
def _parsed(template: str) -> exp.Expression:
    return stripping(sqlglot.parse_one(template, read="duckdb"))


WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())
"""What Python's `str.strip()` takes off a cell, as the row loop reads it (a tab, a full-width space 　 typed
in a Chinese ledger); SQL's TRIM alone takes off spaces only."""


def stripping(tree: exp.Expression) -> exp.Expression:
    """`TRIM(x)` made to strip `WHITESPACE` throughout a parsed template (`stripped`), its root too."""
    for trim in list(tree.find_all(exp.Trim)):
        if trim.args.get("expression") is None and trim is not tree:
            trim.replace(stripped(trim.this))
    plain = isinstance(tree, exp.Trim) and tree.args.get("expression") is None
    return stripped(tree.this) if plain else tree


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
    return _filled(_parsed(template), values)


OPERATORS = (exp.Binary, exp.Unary, exp.Predicate)


def _filled(tree: exp.Expression, values: dict[str, exp.Expression]) -> exp.Expression:
    """A copy of `tree` with each unqualified column named in `values` replaced by a copy of its expression,
    in parentheses where an operator's operand is itself an operation (sqlglot writes the tree as it is:
    `a + b` put for `x` in `x * 2` would be read `a + (b * 2)`)."""
    def swap(node):
        if isinstance(node, exp.Column) and not node.table and node.name in values:
            value = values[node.name].copy()
            operand = isinstance(node.parent, OPERATORS) and isinstance(value, OPERATORS)
            return exp.paren(value, copy=False) if operand else value
        return node
    return tree.transform(swap)


def staged(source: exp.Expression, keep: list[str], text: exp.Expression,
           wanted: dict[str, tuple[Conversion, str]]) -> exp.Select:
    """A table of `source`'s rows (a query of distinct texts) with `keep` of its columns and each conversion
    `wanted` (alias → conversion and result) of `text` (an expression of `source`'s columns): a subquery a
    stage, each adding that stage's names to the columns of the one below it."""
    return _staged_side_by_side(source, keep, [("", text, wanted)])


def staged_columns(source: exp.Expression, keep: list[str], columns: dict[str, list[str]]) -> exp.Select:
    """`staged` for several text columns of `source`: `keep` (the columns named in `columns` among them), then
    each column's conversions to the kinds listed for it, named `column__kind` (an empty text is null). The
    columns are converted side by side, each stage's names prefixed by the column's place (`c0_n_norm`), so
    that the query nests as deep as one conversion has stages whatever the number of columns: Spark resolves
    one level of nesting a round, and gives up after 100."""
    return _staged_side_by_side(source, keep, [
        (f"c{place}_", fill("NULLIF(x, '')", x=exp.column(name, table="s", quoted=True)),
         {f"{name}__{kind}": (CONVERSIONS[kind], kind) for kind in kinds})
        for place, (name, kinds) in enumerate(columns.items())])


def _staged_side_by_side(source: exp.Expression, keep: list[str],
                         parts: list[tuple[str, exp.Expression, dict[str, tuple[Conversion, str]]]]) -> exp.Select:
    """`staged` of several texts at once: for each part (prefix, text, wanted), its conversions' stage names
    prefixed (none: as written), stage by stage in the same subqueries."""
    table, depth = source, max(len(conversion.stages) for _, _, wanted in parts for conversion, _ in wanted.values())
    values = [_prefixed(prefix, text, wanted) for prefix, text, wanted in parts]
    for level in range(depth):
        named = [exp.alias_(_filled(_parsed(template), names), prefix + name, copy=False)
                 for (prefix, _, wanted), names in zip(parts, values) for conversion in _conversions(wanted)
                 if level < len(conversion.stages) for name, template in conversion.stages[level]]
        table = exp.select(exp.column(exp.Star(), table="s"), *named, copy=False).from_(table.subquery("s", copy=False), copy=False)
    results = [exp.alias_(_filled(_parsed(dict(conversion.results)[result]), names), alias, copy=False)
               for (_, _, wanted), names in zip(parts, values) for alias, (conversion, result) in wanted.items()]
    return exp.select(*(exp.column(name, table="s", quoted=True) for name in keep), *results, copy=False) \
        .from_(table.subquery("s", copy=False), copy=False)


def _conversions(wanted: dict[str, tuple[Conversion, str]]) -> list[Conversion]:
    return list(dict.fromkeys(conversion for conversion, _ in wanted.values()))


def _prefixed(prefix: str, text: exp.Expression, wanted: dict[str, tuple[Conversion, str]]) -> dict[str, exp.Expression]:
    """What a template's names stand for in a part: `x` its text, each stage's name that name prefixed."""
    names = {name: exp.column(prefix + name) for conversion in _conversions(wanted) for stage in conversion.stages
             for name, _ in stage} if prefix else {}
    return {**names, "x": text}


@lru_cache(maxsize=None)
def _inlined(conversion: Conversion, result: str) -> exp.Expression:
    """A conversion's result as one expression of `x`: each name replaced by what it stands for."""
    names: dict[str, exp.Expression] = {}
    for stage in conversion.stages:
        for name, template in stage:
            names[name] = _filled(_parsed(template), names)  # an operation put in for an operand gets its parentheses
    return _filled(_parsed(dict(conversion.results)[result]), names)


def inline(conversion: Conversion, result: str, text: exp.Expression) -> exp.Expression:
    """A conversion of `text` where it is used (a value that is not a column of distinct texts: rare, and
    long: a number's conversion writes its text out some fifty times)."""
    return _filled(_inlined(conversion, result), {"x": text})


def to_number(text: exp.Expression) -> exp.Expression:
    """`values.to_number` of a text."""
    return inline(CONVERSIONS["num"], "num", text)


def to_date(text: exp.Expression) -> exp.Expression:
    """`values.to_date` of a text."""
    return inline(CONVERSIONS["date"], "date", text)


def to_bool(text: exp.Expression) -> exp.Expression:
    """`values.to_bool` of a text."""
    return inline(CONVERSIONS["bool"], "bool", text)


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
    return _text_stripped(a.sql), _text_stripped(b.sql)


def _text_stripped(value: exp.Expression) -> exp.Expression:
    """A text stripped for comparing: a text of the rules (`'exclusive'`) stripped here, once."""
    if isinstance(value, exp.Literal) and value.is_string:
        return exp.Literal.string(value.this.strip())
    return stripped(value)


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
