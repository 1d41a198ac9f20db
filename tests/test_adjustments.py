"""Year-end adjustments (art. 4, 17): the first completion line that holds applies, compared exactly; a
deduction never takes a department below zero; the rewards over adjusted points still add up to the pool."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossmarket_dsl.engine.adjustments import adjust
from crossmarket_dsl.engine.plan import build_plan
from crossmarket_dsl.engine.reward import allocate
from crossmarket_dsl.language import pipeline

ROOT = Path(__file__).resolve().parent.parent
DALIAN = ROOT / "policies" / "branches" / "dalian.xm"
MEASURE = ROOT / "policies" / "measure" / "2026.xm"


def plan_of(path: Path):
    compiled = pipeline.load(path, measure=MEASURE)
    assert not compiled.report.errors, compiled.report.errors
    return build_plan(compiled.lowered.ir)


@pytest.fixture(scope="module")
def dalian():
    return plan_of(DALIAN)


@pytest.fixture(scope="module")
def harsh(tmp_path_factory):
    """Rules whose deduction is more than a weak department has."""
    text = DALIAN.read_text(encoding="utf-8").replace("completion < 80% deduct 20", "completion < 80% deduct 500")
    path = tmp_path_factory.mktemp("rules") / "harsh.xm"
    path.write_text(text, encoding="utf-8")
    return plan_of(path)


def points_of(plan, **given):
    return {name: Decimal(given.get(name, 0)) for name, kind in plan.departments.items() if kind != "support"}


def test_the_first_line_that_holds_applies(dalian):
    # 电子银行部's target is 250: 149.99 is below 60% (a tenth off); 150 is below 80% only (20 off)
    for points, deducted, line in (("149.99", "14.999", "完成率 < 60%"), ("150", "20", "完成率 < 80%"),
                                   ("199.9999", "20", "完成率 < 80%"), ("200", "0", None)):
        result = adjust(dalian, points_of(dalian, 电子银行部=points), [], applied=True)
        standing = next(s for s in result.standings if s.department == "电子银行部")
        assert standing.deductions == Decimal(deducted)
        assert [item.name for item in result.of("电子银行部")] == ([line] if line else [])


def test_a_deduction_never_takes_a_department_below_zero(harsh):
    result = adjust(harsh, points_of(harsh, 电子银行部="180"), [], applied=True)
    standing = next(s for s in result.standings if s.department == "电子银行部")
    assert (standing.deductions, standing.points) == (Decimal(180), Decimal(0))
    (item,) = result.of("电子银行部")
    assert item.points == Decimal(180) and "cut to 180" in item.reason and "不低于零" in item.reason_zh


POINTS = st.decimals(min_value=0, max_value=5000, places=4, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(POINTS, min_size=6, max_size=6), st.sampled_from(["dalian", "harsh"]))
def test_adjusted_points_are_never_negative_and_the_rewards_add_up_to_the_pool(request_plans, points, which):
    plan = request_plans[which]
    names = [name for name, kind in plan.departments.items() if kind != "support"]
    result = adjust(plan, dict(zip(names, points)), [], applied=True)
    for standing in result.standings:
        assert standing.points >= 0
        assert standing.points == standing.deal_points + standing.awards - standing.deductions
        assert sum((i.points for i in result.of(standing.department) if i.kind == "deduction"), Decimal(0)) \
            == standing.deductions
    rewards = allocate(plan.reward.pool, {s.department: s.points for s in result.standings}, plan.reward.unit)
    if any(s.points > 0 for s in result.standings):
        assert sum(rewards.values()) == plan.reward.pool


@pytest.fixture(scope="module")
def request_plans(dalian, harsh):
    return {"dalian": dalian, "harsh": harsh}
