"""Art. 21: each department's share of a deal divided among the marketers the ledger's `staff` cell names.

`张三@公司业务部:60;李四@公司业务部:40;王五@个人金融部` names, for each department, the people who worked the
deal and, optionally, each one's percentage of the department's share. A department's share after the gates
is divided among its people equally, or by their percentages (which must add up to 100 within the
department); a department nobody is named for keeps its share unassigned (未分配).

An entry that cannot be used never costs a department anything: its department's share stays unassigned and
the row gets a warning (W301–W305). An entry without a department (`张三`) could be anyone's, so it leaves
every department of the deal unassigned.

The division is a function of the department shares after the gates and the staff cell (`divide`), the cell
read once for each distinct text and set of departments (`StaffBook`), so that any engine that adds up
department shares by split and staff cell can use it. Each person's part is cut down to `deals.SCALE` and the
department's last person takes what is left, so the people of a department add up to its share exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Context, Decimal
from typing import Iterable

from ..semantics.values import EXACT, exact_sum, to_number
from .deals import SCALE
from .reasons import Reason, nearest

ARTICLE = "第二十一条"  # the marketers' roles, contributions and shares
ZERO = Decimal(0)
HUNDRED = Decimal(100)
_SEPARATORS = re.compile(r"[;；、,，\n]")
_WIDE = Context(prec=EXACT.prec)
PROBLEMS_ZH = {"W301": "营销人员部门名称有误", "W302": "营销人员部门在本笔交易无份额", "W303": "营销人员分成比例有误",
               "W304": "营销人员写法有误", "W305": "营销人员重复"}
"""The codes of the entries that cannot be used, in a few Chinese words, for the sheets and pages people read."""


@dataclass(frozen=True)
class StaffProblem:
    """An entry of a staff cell that cannot be used: its code, the entry, the department it leaves
    unassigned (None: none of the deal's, or all of them when `every` is set), and why."""

    code: str
    entry: str
    department: str | None
    reason: Reason  # (English, Chinese)
    every: bool = False  # an entry without a department: every department of the deal stays unassigned


@dataclass
class Division:
    """A staff cell read for one deal's departments: for each department whose entries are usable, its people
    and their percentages (None: equal parts); the entries that cannot be used."""

    people: dict[str, list[tuple[str, Decimal | None]]] = field(default_factory=dict)
    problems: list[StaffProblem] = field(default_factory=list)


class StaffBook:
    """Staff cells read once for each distinct text and set of departments (a ledger repeats a team's cell
    on every deal it works)."""

    def __init__(self, departments: dict[str, str]):
        self.departments = departments  # name → kind, in declaration order
        self.read: dict[tuple, Division] = {}

    def of(self, deal) -> Division:
        """The staff cell of a deal, read for the departments its points are split among."""
        return self.division(deal.staff, tuple(name for name, _ in deal.fractions))

    def division(self, text: str, shared: tuple[str, ...]) -> Division:
        """`text` read for a deal whose shares go to the departments `shared`."""
        key = (text, shared)
        division = self.read.get(key)
        if division is None:
            division = self.read[key] = read_staff(text, shared, self.departments)
        return division


def read_staff(text: str, shared: tuple[str, ...], departments: dict[str, str]) -> Division:
    division = Division()
    entries: dict[str, list[tuple[str, str | None, str]]] = {}
    for entry in (item.strip() for item in _SEPARATORS.split(text or "")):
        if not entry:
            continue
        person, department, percent, problem = _entry(entry, shared, departments)
        if problem is not None:
            division.problems.append(problem)
        else:
            entries.setdefault(department, []).append((person, percent, entry))
    if any(problem.every for problem in division.problems):
        return division
    for department in shared:
        if department in entries:
            people, problem = _people(department, entries[department])
            if problem is not None:
                division.problems.append(problem)
            else:
                division.people[department] = people
    return division


def _entry(entry: str, shared: tuple[str, ...], departments: dict[str, str]):
    """(person, department, percentage text or None, problem) of one entry `张三@公司业务部:60`."""
    normal = entry.replace("＠", "@").replace("：", ":").replace("％", "%")
    person, at, rest = normal.partition("@")
    department, _, percent = rest.partition(":")
    person, department, percent = person.strip(), department.strip(), percent.strip() or None
    if not at or not person or not department:
        return None, None, None, StaffProblem("W304", entry, None, (
            f"staff entry `{entry}` is not `name@department` (with `:percentage` optional), so it cannot be told "
            "whose share it divides: every department's share of the deal stays unassigned",
            f"营销人员“{entry}”不是“姓名@部门”（可加“:比例”）的写法，无法判断属于哪个部门，本笔交易各部门积分均列为未分配"),
            every=True)
    if department not in departments:
        close = nearest(department, departments)
        hint = (f"; did you mean `{close}`?", f"，是否应为“{close}”？") if close else ("", "")
        return None, None, None, StaffProblem("W301", entry, None, (
            f"staff entry `{entry}` names `{department}`, which is not a department of the rules" + hint[0],
            f"营销人员“{entry}”所写部门“{department}”不是实施细则中的部门" + hint[1]))
    if department not in shared:
        return None, None, None, StaffProblem("W302", entry, None, (
            f"staff entry `{entry}` names {department}, which has no share in this deal",
            f"营销人员“{entry}”所写部门“{department}”在本笔交易中没有积分份额"))
    return person, department, percent, None


def _people(department: str, entries: list[tuple[str, str | None, str]]):
    """The people of one department and their percentages, or the problem that leaves its share unassigned."""
    written = "；".join(entry for _, _, entry in entries)
    names = [person for person, _, _ in entries]
    if len(set(names)) != len(names):
        twice = next(name for name in names if names.count(name) > 1)
        return None, StaffProblem("W305", written, department, (
            f"staff `{written}` names {twice} twice for {department}; its share stays unassigned",
            f"营销人员“{written}”中 {twice} 在{department}重复出现，该部门积分列为未分配"))
    percents = [percent for _, percent, _ in entries]
    if all(percent is None for percent in percents):
        return [(name, None) for name in names], None
    numbers = [None if percent is None else to_number(percent.removesuffix("%").strip()) for percent in percents]
    if any(number is None or number < 0 for number in numbers):
        return None, StaffProblem("W303", written, department, (
            f"staff `{written}`: every person of {department} needs a percentage of 0 or more once any has one; "
            "its share stays unassigned",
            f"营销人员“{written}”：{department}有人写了分成比例，则每人都须写不小于 0 的比例，该部门积分列为未分配"))
    total = sum(numbers, ZERO)
    if total != HUNDRED:
        return None, StaffProblem("W303", written, department, (
            f"staff `{written}`: the percentages of {department} add up to {total}, not 100; its share stays "
            "unassigned",
            f"营销人员“{written}”：{department}的分成比例合计 {total}，不等于 100，该部门积分列为未分配"))
    return list(zip(names, numbers)), None


def divide(shares: list[tuple[str, Decimal]], division: Division) -> list[tuple[str, str, Decimal]]:
    """(person, department, points) for every person named for a department of `shares` (a deal's or a
    group's shares after the gates). Each part is cut down to `SCALE`, the department's last person taking
    what is left, so the parts add up to the department's share exactly and none is below zero; what no one
    was named for is the department's share less its people's parts."""
    parts = []
    for department, share in shares:
        people = division.people.get(department)
        if not people:
            continue
        given = ZERO
        for index, (person, percent) in enumerate(people):
            if index == len(people) - 1:
                part = EXACT.subtract(share, given)
            elif percent is None:
                part = _down(_WIDE.divide(share, Decimal(len(people))))
            else:
                part = _down(_WIDE.divide(_WIDE.multiply(share, percent), HUNDRED))
            given = EXACT.add(given, part)
            parts.append((person, department, part))
    return parts


def _down(value: Decimal) -> Decimal:
    return value.quantize(SCALE, rounding=ROUND_DOWN, context=_WIDE)


@dataclass(frozen=True)
class StaffNote:
    """An accepted deal whose staff cell has an entry that cannot be used: the row is counted all the same."""

    row: int
    deal_id: str
    problem: StaffProblem


def unusable_cells(book: StaffBook | None) -> set[str]:
    """The staff cells with an entry that cannot be used, for some deal that names them."""
    return set() if book is None else {text for (text, _), division in book.read.items() if division.problems}


def staff_notes(book: StaffBook | None, deals: Iterable) -> list[StaffNote]:
    """The warnings of the deals (in ledger order) whose staff cells have entries that cannot be used; `deals`
    may be only those naming `unusable_cells`, the others having none."""
    if not unusable_cells(book):
        return []
    notes = []
    for deal in deals:
        if deal.staff:
            notes += [StaffNote(deal.row, deal.deal_id, problem) for problem in book.of(deal).problems]
    return notes


def staff_table(departments: dict[str, Decimal], people: dict[str, dict[str, Decimal]] | None
                ) -> list[tuple[str, str | None, Decimal]]:
    """(department, person, points) of every department in declaration order, its people by name and then
    what no one was named for (person None): the department's points less its people's, so that they add up
    exactly. Empty when no deal names any staff."""
    if people is None:
        return []
    table = []
    for department, points in departments.items():
        named = people.get(department, {})
        table += [(department, person, named[person]) for person in sorted(named)]
        table.append((department, None, EXACT.subtract(points, exact_sum(named.values()))))
    return table
