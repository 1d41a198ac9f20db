"""Art. 21: a department's share divided among its marketers (`engine/staff.py`) and shown to 4 places
(`render.parts_text`): exact, never below zero, and what a row had is never lost."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from crossmarket_dsl.engine.deals import SCALE
from crossmarket_dsl.engine.staff import read_staff, divide
from crossmarket_dsl.reports.render import points_text, parts_text

DEPARTMENTS = {"公司业务部": "corporate", "机构业务部": "corporate", "个人金融部": "retail", "电子银行部": "retail",
               "内控合规部": "support"}
PEOPLE = ["张三", "李四", "王五", "赵六"]
SHARED = ("个人金融部", "公司业务部", "机构业务部")

points = st.integers(0, 10**20).map(lambda units: Decimal(units) * SCALE)
entry = st.tuples(st.sampled_from(PEOPLE), st.sampled_from([*DEPARTMENTS, "公司部"]),
                  st.one_of(st.none(), st.integers(0, 100).map(str), st.sampled_from(["33.3", "x", "-5", "50%"])))
cell = st.lists(entry, max_size=6).map(lambda entries: "；".join(
    f"{person}@{dept}" + (f":{percent}" if percent is not None else "") for person, dept, percent in entries))


@settings(max_examples=150, deadline=None)
@given(cell=cell, shares=st.lists(points, min_size=3, max_size=3))
def test_a_department_s_people_add_up_to_at_most_its_share_exactly(cell, shares):
    division = read_staff(cell, SHARED, DEPARTMENTS)
    parts = divide(list(zip(SHARED, shares)), division)
    for department, share in zip(SHARED, shares):
        own = [part for _, dept, part in parts if dept == department]
        assert all(part >= 0 and part == part.quantize(SCALE) for part in own)
        if department in division.people:  # usable: the people get the whole share, to the last place kept
            assert sum(own, Decimal(0)) == share and len(own) == len(division.people[department])
        else:  # nobody named, or nobody usable: the share stays whole, unassigned
            assert own == []
    assert set(division.people) <= set(SHARED)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(points, min_size=1, max_size=8))
def test_parts_shown_to_4_places_add_up_to_their_total_as_shown(parts):
    total = sum(parts, Decimal(0))
    shown = [Decimal(text) for text in parts_text(total, parts)]
    assert sum(shown, Decimal(0)) == Decimal(points_text(total))
    for exact, text in zip(parts, shown):  # each part cut down or rounded up, never further off
        assert text - Decimal("0.0001") < exact <= text + Decimal("0.0001")


def test_entries_are_read_as_participants_are_written():
    division = read_staff("张三＠公司业务部：60%、李四@公司业务部:40；王五@个人金融部;赵六@机构业务部", SHARED, DEPARTMENTS)
    assert division.problems == []
    assert division.people == {"公司业务部": [("张三", Decimal(60)), ("李四", Decimal(40))],
                               "个人金融部": [("王五", None)], "机构业务部": [("赵六", None)]}


def test_each_kind_of_unusable_entry_leaves_its_department_unassigned():
    cases = {"张三@公司部": ("W301", None), "张三@电子银行部": ("W302", None), "张三@内控合规部": ("W302", None),
             "张三@公司业务部:60;李四@公司业务部:30": ("W303", "公司业务部"),
             "张三@公司业务部:60;李四@公司业务部": ("W303", "公司业务部"), "张三@公司业务部:六十": ("W303", "公司业务部"),
             "张三": ("W304", None), "@公司业务部": ("W304", None),
             "张三@公司业务部;张三@公司业务部": ("W305", "公司业务部")}
    for text, (code, department) in cases.items():
        division = read_staff(text + "；王五@个人金融部", SHARED, DEPARTMENTS)
        assert [(p.code, p.department) for p in division.problems] == [(code, department)], text
        assert "公司业务部" not in division.people, text
        assert ("个人金融部" in division.people) == (code != "W304"), text  # W304: whose share it is, no one can tell


def test_three_equal_parts_are_shown_so_that_they_add_up():
    shares = [("公司业务部", Decimal(4))]
    parts = [part for _, _, part in divide(shares, read_staff("张三@公司业务部、李四@公司业务部、王五@公司业务部",
                                                              SHARED, DEPARTMENTS))]
    assert sum(parts) == 4 and parts[-1] > parts[0]  # the last named takes the last places left
    assert parts_text(Decimal(4), [*parts, Decimal(0)]) == ["1.3333", "1.3333", "1.3334", "0.0000"]
