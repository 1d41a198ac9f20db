"""The engine contract (`engine/contract.py`), held against every engine of `evaluate.ENGINES`: each keeps
the contract's rules on its own, and gives the reference engine's outcome, row for row, on the example
workspaces and on generated ledgers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossmarket_dsl.engine.contract import REASONS, RowOutcome
from crossmarket_dsl.engine.deals import Tally
from crossmarket_dsl.engine.evaluate import ENGINES, REFERENCE, run_engine
from crossmarket_dsl.engine.session import open_session

from .conftest import ROOT
from .test_evaluation import _write_deals, generated_workspace, row_strategy  # noqa: F401 (a fixture)

EXAMPLES = sorted(p.parent for p in ROOT.glob("examples/*/workspace.yaml"))
IN_PROCESS = [name for name in ENGINES if name != "spark"]
"""The engines run here; Spark, slow to start, is held to the same in `test_spark.py` with one session."""


def deal_record(deal) -> tuple:
    """What an accepted deal is, as plain values (its rows of client, project, … are lookups, by key)."""
    return (deal.row, deal.deal_id, deal.date, deal.product_plan.name, deal.quantity, deal.client_id,
            deal.project_id, deal.outlet_name, dict(zip(deal.layout, deal.cells)), deal.product, deal.outlet,
            deal.points, deal.fractions, deal.in_report, deal.staff)


def tally_record(tally: Tally) -> tuple:
    """The tally's sums, whatever groups an engine kept them in."""
    splits: dict[tuple, list] = {}
    for sums in tally.splits:
        entry = splits.setdefault((sums.product, sums.fractions), [Decimal(0), Decimal(0), 0])
        entry[0] += sums.points
        entry[1] += sums.quantity
        entry[2] += sums.deals
    return {key: tuple(value) for key, value in splits.items() if value[2]}, \
        {outlet: tuple(sums) for outlet, sums in tally.outlets.items()}, \
        {key: tuple(sums) for key, sums in tally.staff.items()}


def outcome_record(outcome: RowOutcome) -> dict:
    return {"accepted": [deal_record(d) for d in outcome.accepted],
            "by_product": {name: [d.row for d in deals] for name, deals in outcome.by_product.items()},
            "rejected": [(r.row, r.deal_id, r.code, r.reason, r.text, r.rule) for r in outcome.rejected],
            "rows": outcome.rows, "ids": outcome.ids, "undated": outcome.undated, "tally": tally_record(outcome.tally)}


def check_contract(plan, outcome: RowOutcome, monthly: bool) -> None:
    """The rules of `contract.py` that hold for any ledger."""
    reported = [deal for deal in outcome.accepted if deal.in_report]
    check_lookups(plan, outcome, monthly, reported)
    assert outcome.rows == len(reported) + len(outcome.rejected)
    assert {r.code for r in outcome.rejected} <= set(REASONS)
    assert [d.row for d in outcome.accepted] == sorted(d.row for d in outcome.accepted)
    assert [r.row for r in outcome.rejected] == sorted(r.row for r in outcome.rejected)
    assert not {d.row for d in reported} & {r.row for r in outcome.rejected}
    assert {d.deal_id for d in outcome.accepted} <= outcome.ids
    ids = [d.deal_id for d in outcome.accepted]
    assert len(ids) == len(set(ids))
    grouped = {name: [d.row for d in outcome.accepted if d.product_plan.name == name] for name in outcome.by_product}
    assert {name: [d.row for d in deals] for name, deals in outcome.by_product.items()} == grouped
    assert tally_record(outcome.tally) == tally_record(Tally.of(reported, plan.attribution_cells))
    for deal in outcome.accepted:
        assert sum(share for _, share in deal.shares) == deal.points


def check_lookups(plan, outcome: RowOutcome, monthly: bool, reported: list) -> None:
    """What an engine may answer without making every deal is what the deals say."""
    accepted = list(outcome.accepted)
    assert [d.row for d in outcome.reported(monthly)] == [d.row for d in reported]
    assert tally_record(outcome.tally_to_end()) == tally_record(Tally.of(accepted, plan.attribution_cells))
    cells = {deal.staff for deal in accepted[::2] if deal.staff}
    assert [d.row for d in outcome.reported_naming(cells, monthly)] == [d.row for d in reported if d.staff in cells]
    projects, clients = {d.project_id for d in accepted[::3] if d.project_id}, {d.client_id for d in accepted[1::5]}
    assert [d.row for d in outcome.accepted_of(projects, clients)] == \
        [d.row for d in accepted if d.project_id in projects or d.client_id in clients]


def every_engine(workspace, month: str | None) -> dict:
    """Each engine keeps the contract and gives the reference's outcome; the reference's, as a record."""
    session = open_session(workspace)
    window = session.window(month)
    found = {name: run_engine(session.plan, session.inputs, window, name)[0] for name in IN_PROCESS}
    reference = outcome_record(found[REFERENCE])
    for name, outcome in found.items():
        check_contract(session.plan, outcome, window.monthly)
        assert outcome_record(outcome) == reference, f"engine `{name}` differs from `{REFERENCE}`"
    return reference


@pytest.mark.parametrize("month", [None, "2026-03"])
@pytest.mark.parametrize("workspace", EXAMPLES, ids=lambda p: p.name)
def test_every_engine_keeps_the_contract_on_the_examples(workspace, month):
    reference = every_engine(workspace, month)
    assert reference["rejected"] and reference["accepted"]  # the examples exercise both sides


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row_strategy, min_size=1, max_size=30), month=st.sampled_from([None, "2026-03"]))
def test_every_engine_keeps_the_contract_on_generated_ledgers(generated_workspace, rows, month):  # noqa: F811
    _write_deals(generated_workspace, rows)
    every_engine(generated_workspace, month)
