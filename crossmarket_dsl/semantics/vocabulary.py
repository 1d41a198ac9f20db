"""The words of the language's expressions, defined once: every operator and function, with its arity, the
types of its operands, how tightly it binds, where it may stand and what it does.

Everything that knows an operator or a function reads it here: the parser (its words for what it expected),
the checks (unknown functions, arity, types, where aggregates may stand), `fmt` and the expression printer of
`explain` (spelling and parentheses), lowering (what may be folded) and the evaluator (what each one does).
A new function is one entry in `FUNCTIONS`; a new operator one entry in `OPERATORS` and one rule in
`grammar.lark`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import operations as do

# ---- types, as the checks name them to a user -----------------------------------------------------

NUMBER, TEXT, BOOL, DATE, LIST = "a number", "text", "a true/false condition", "a date", "a list"
ANY = None  # an operand of any type
SAME = "of one kind"  # both operands of one type
ORDERED = "of one kind that has an order"  # both of one type among numbers, texts and dates

# ---- binding strength, loosest first, as in grammar.lark ------------------------------------------

IF, OR, AND, NOT, COMPARISON, SUM, TERM, NEGATION, ATOM = range(9)


@dataclass(frozen=True)
class Operator:
    name: str  # in the syntax tree and the IR: `+`, `not_in`, `neg`
    written: str  # in a rules file: `+`, `not in`, `-`
    level: int  # binding strength
    operands: tuple[str | None, ...]  # what each operand must be: a type, SAME, ORDERED or ANY
    result: str
    apply: Callable  # on values; a `lazy` operator is given its right operand as a function to call
    terminal: str  # the grammar's token for it, for the parser's words
    help: str
    shown: str = ""  # in `explain`, where figures stand around it (`×`, `÷`); else `written`
    lazy: bool = False

    @property
    def arity(self) -> int:
        return len(self.operands)

    def slots(self) -> tuple[int, ...]:
        """The binding strength each operand needs; a looser operand is printed in parentheses.
        Binary operators associate to the left; comparisons do not chain, so both their sides bind tighter."""
        if self.arity == 1:
            return (self.level,)
        return (self.level + 1 if self.level == COMPARISON else self.level, self.level + 1)

    def prefix(self, operand: str) -> str:
        """A unary operator before its operand: `not x`, `-x`."""
        return f"{self.written} {operand}" if self.written.isalpha() else f"{self.written}{operand}"


ARITHMETIC_HELP = "arithmetic works on numbers: write them without quotes, or use number fields and parameters"
LOGIC_HELP = "`and` and `or` join conditions, e.g. `client.listed and client.rating in [\"AAA\"]`"
COMPARISON_HELP = ("both sides of a comparison must be of one kind: numbers, texts, dates or conditions; "
                   "write numbers without quotes")
MEMBERSHIP_HELP = 'write the values in brackets: `["AAA", "AA"]`'


def _arithmetic(name: str, level: int, apply, terminal: str, shown: str = "") -> Operator:
    return Operator(name, name, level, (NUMBER, NUMBER), NUMBER, apply, terminal, ARITHMETIC_HELP, shown)


def _comparison(name: str, apply, operands: str) -> Operator:
    return Operator(name, name, COMPARISON, (operands, operands), BOOL, apply, "COMPARE", COMPARISON_HELP)


OPERATORS: dict[str, Operator] = {op.name: op for op in (
    Operator("or", "or", OR, (BOOL, BOOL), BOOL, do.disjunction, "OR", LOGIC_HELP, lazy=True),
    Operator("and", "and", AND, (BOOL, BOOL), BOOL, do.conjunction, "AND", LOGIC_HELP, lazy=True),
    Operator("not", "not", NOT, (BOOL,), BOOL, do.negation, "NOT",
             "`not` turns a condition around, e.g. `not client.listed`"),
    _comparison("==", do.equal, SAME),
    _comparison("!=", do.not_equal, SAME),
    _comparison("<", do.less, ORDERED),
    _comparison("<=", do.at_most, ORDERED),
    _comparison(">", do.greater, ORDERED),
    _comparison(">=", do.at_least, ORDERED),
    Operator("in", "in", COMPARISON, (ANY, LIST), BOOL, do.member, "IN", MEMBERSHIP_HELP),
    Operator("not_in", "not in", COMPARISON, (ANY, LIST), BOOL, do.not_member, "NOT", MEMBERSHIP_HELP),
    _arithmetic("+", SUM, do.add, "PLUS"),
    _arithmetic("-", SUM, do.subtract, "MINUS"),
    _arithmetic("*", TERM, do.multiply, "STAR", "×"),
    _arithmetic("/", TERM, do.divide, "SLASH", "÷"),
    Operator("neg", "-", NEGATION, (NUMBER,), NUMBER, do.negate, "MINUS", "`-` makes a number negative"),
)}


@dataclass(frozen=True)
class Function:
    name: str
    low: int  # fewest arguments
    high: int | None  # most arguments; None: any number
    usage: str  # how it is called, for help lines
    apply: Callable  # a function: on its arguments' values; an aggregate: on the list of values, one a deal
    aggregate: bool = False  # over the deals of a gate's group: only in a gate's `when` and `require`
    gate_scope: str | None = None  # only in gates on this scope (`households()`: a housing project's)
    operand: str = NUMBER  # what each argument must be
    result: str = NUMBER

    def takes(self, count: int) -> bool:
        return self.low <= count and (self.high is None or count <= self.high)

    def arguments(self) -> str:
        """How many arguments it takes, in words."""
        if self.high is None:
            return f"at least {self.low} arguments"
        if self.low == 0:
            return "no arguments"
        return f"{self.low} argument{'s' if self.low != 1 else ''}"


FUNCTIONS: dict[str, Function] = {f.name: f for f in (
    Function("min", 2, None, "`min(a, b, …)`", do.smallest),
    Function("max", 2, None, "`max(a, b, …)`", do.largest),
    Function("round", 2, 2, "`round(x, n)` rounds x to n decimal places", do.round_to),
    Function("abs", 1, 1, "`abs(x)`", do.absolute),
    Function("count", 0, 0, "`count()` counts the deals of the group; to add values up use `sum(…)`", do.count,
             aggregate=True),
    Function("sum", 1, 1, "`sum(deal.quantity)`", do.total, aggregate=True),
    Function("average", 1, 1, "`average(deal.amount)`", do.average, aggregate=True),
    Function("minimum", 1, 1, "`minimum(deal.amount)`", do.minimum, aggregate=True),
    Function("maximum", 1, 1, "`maximum(deal.amount)`", do.maximum, aggregate=True),
    # art. 20: the project's `our_mortgages` when the projects table gives it (`expr.households`), else this
    Function("households", 0, 0, "`households()` is a housing project's mortgage households (art. 20): the "
             "projects table's `our_mortgages`, else the quantities of the project's mortgages in the ledger",
             do.total, aggregate=True, gate_scope="project"),
)}


def call_problem(name: str, count: int) -> str | None:
    """Why a call of `name` with `count` arguments cannot be evaluated (E202, E302), or None."""
    function = FUNCTIONS.get(name)
    if function is None:
        return f"unknown function `{name}`"
    if not function.takes(count):
        return f"`{name}` takes {function.arguments()}, found {count}"
    return None


def is_aggregate(name: str) -> bool:
    return name in FUNCTIONS and FUNCTIONS[name].aggregate
