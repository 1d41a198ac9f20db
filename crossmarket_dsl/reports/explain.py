"""`explain`: one deal's path to its points, in words, down to source lines and articles."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..engine.contract import REASONS, REASONS_ZH
from ..engine.deals import Deal
from ..engine.evaluate import Result
from ..engine.gates import GateOutcome
from ..engine.staff import ARTICLE, StaffBook, divide
from ..engine.reasons import bad_date
from ..semantics.expr import Env, compile_expr, households
from ..semantics.values import to_date, to_text
from .exprtext import expr_text, value_text
from .render import cite_text, completion_percent, completion_text, number_text, parts_text, points_text


def explain_deal(session, result: Result, deal_id: str) -> str | None:
    deal = next((d for d in result.all_deals if d.deal_id == deal_id), None)
    if deal is not None:
        return _accepted(session, result, deal)
    rejection = next((r for r in result.rejected if r.deal_id == deal_id), None)
    if rejection is not None:
        return (f"deal {deal_id} (row {rejection.row} of {session.workspace.tables['deals']})\n"
                f"  rejected: {rejection.code} {REASONS[rejection.code]}（{REASONS_ZH[rejection.code]}）\n"
                f"  reason: {rejection.reason}\n  原因：{rejection.text}\n"
                + _rule_at_fault(session, rejection) + "  a rejected deal earns no points for any department\n")
    row = next((row for _, row in session.inputs.deals.numbered()
                if str(row.get("deal_id") or "").strip() == deal_id), None)
    if row is None:
        return None
    if to_date(row.get("date")) is None:
        en, zh = bad_date(to_text(row.get("date")) or "")
        return (f"deal {deal_id} is not part of month {result.month}: {en} (R002)\n  原因：{zh}；"
                "该行不属于任何月份，年度评价将其剔除\n")
    return f"deal {deal_id} is not part of this evaluation (it is dated outside month {result.month})\n"


def _rule_at_fault(session, rejection) -> str:
    """For a condition or points expression that failed on the row: the expression and its source line."""
    return f"  rule: {rule_at(session, rejection.rule)}\n" if rejection.rule else ""


def rule_at(session, pointer: str) -> str:
    """An expression of the rules by its IR pointer, as written, with the rules file and line it is on:
    `deal.activated  (panjin.xm:57)` (the file's name only: the reader knows which rules they are)."""
    node = session.plan.expression_at(pointer)
    span = session.compiled.lowered.source_map.get(pointer)
    return f"{expr_text(node)}  ({Path(span.file).name}:{span.line})" if span else expr_text(node)


def _where(session, pointer: str) -> str:
    span = session.compiled.lowered.source_map.get(pointer)
    return span.location() if span else "?"


def _row_env(session, deal: Deal) -> Env:
    """The deal as the points expression saw it: its whole ledger row (the evaluation keeps only the
    fields gates read later)."""
    row = next((row for number, row in session.inputs.deals.numbered() if number == deal.row), {})
    return Env(deal={**row, "quantity": deal.quantity}, client=deal.client, project=deal.project,
               product=deal.product, outlet=deal.outlet)


def _accepted(session, result: Result, deal: Deal) -> str:
    plan, product = session.plan, deal.product_plan
    constants = plan.constants
    env = _row_env(session, deal)
    lines = [f"deal {deal.deal_id} (row {deal.row} of {session.workspace.tables['deals']})",
             "1. validation: accepted",
             f"   date {deal.date} is inside the period {result.window.period_from} to {result.window.period_to}",
             f"   product {product.name} ({product.code}), host department {product.host}",
             f"   client {deal.client_id} is on the target list on {deal.date}",
             f"   participants: {', '.join(dept for dept, _ in deal.shares[1:])}"]
    pointer = f"/products/{product.index}/points"
    lines.append(f"2. points ({_where(session, pointer)}, {cite_text(product.cite) or 'no article'}):")
    if product.when_tree is not None:
        lines.append(f"   when {expr_text(product.when_tree)}  →  {expr_text(product.when_tree, env, constants)}"
                     "  →  true")
    base = deal.points / deal.quantity if product.per_unit else deal.points
    steps = [expr_text(product.points_tree), expr_text(product.points_tree, env, constants), value_text(base)]
    lines.append("   " + "  =  ".join(dict.fromkeys(steps)))
    if product.per_unit:
        lines.append(f"   per unit × quantity {value_text(deal.quantity)}  =  {value_text(deal.points)}")
    lines += _split_lines(session, deal)
    gate_lines = [_gate_lines(session, outcome, constants) for outcome in result.gates if deal in outcome.deals]
    lines.append("4. gates:" if gate_lines else "4. gates: none applies to this deal")
    for block in gate_lines:
        lines += block
    skipped = [g.name for g in plan.gates if g.at_period_end and result.provisional]
    if skipped:
        lines.append(f"   not applied in a monthly statement: {', '.join(skipped)} (year-end gates)")
    lines.append("5. final shares:")
    for dept, share in deal.gated_shares():
        lines.append(f"   {dept}: {points_text(share)}")
    lines.append(f"   total {points_text(deal.gated_points)}")
    staff = _staff_lines(plan, deal)
    lines += staff
    applied = [outcome.gate.cite for outcome in result.gates if deal in outcome.deals]
    lines += article_lines(plan.articles, [product.cite, plan.split_cite, *applied, [ARTICLE] if staff else []],
                           "7. " if staff else "6. ")
    return "\n".join(lines) + "\n"


def article_lines(articles: dict[str, str], cites: list[list[str]], number: str = "") -> list[str]:
    """The measure's words for each article cited along the way, once each, in the order met."""
    cited = [name for name in dict.fromkeys(name for group in cites for name in group) if name in articles]
    if not cited:
        return []
    return [f"{number}管理办法原文 (the measure's words):"] + [f"   {name}：{articles[name]}" for name in cited]


def _staff_lines(plan, deal: Deal) -> list[str]:
    """Art. 21: how each department's final share was divided among the marketers the deal names, and which
    entries could not be used and why (the department keeps its share, unassigned)."""
    if not deal.staff:
        return []
    division = StaffBook(plan.departments).of(deal)
    shares = deal.gated_shares()
    parts = divide(shares, division)
    lines = [f"6. staff 营销人员 ({ARTICLE}): `{deal.staff}`"]
    for dept, share in shares:
        people = division.people.get(dept)
        if not people:
            unusable = any(problem.every or problem.department == dept for problem in division.problems)
            why = "its entries could not be used, below" if unusable else "no one is named for this department"
            lines.append(f"   {dept} {points_text(share)}: 未分配 unassigned ({why})")
            continue
        how = "by the percentages declared" if any(percent is not None for _, percent in people) else \
            "equally" if len(people) > 1 else "to the one person named"
        lines.append(f"   {dept} {points_text(share)}, {how}:")
        own = [part for _, of, part in parts if of == dept]
        for (person, percent), text in zip(people, parts_text(share, own)):
            lines.append(f"     {person}{'' if percent is None else f' ({value_text(percent)}%)'}: {text}")
    for problem in division.problems:
        lines.append(f"   {problem.code} not used: {problem.reason[0]}")
        lines.append(f"        未使用：{problem.reason[1]}")
    return lines


def _split_lines(session, deal: Deal) -> list[str]:
    plan = session.plan
    lines = [f"3. split ({_where(session, '/split')}, {cite_text(plan.split_cite)}):",
             f"   host {deal.shares[0][0]}: {value_text(deal.points)} × {_percent(plan.host_share)}"
             f"  =  {points_text(deal.shares[0][1])}"]
    how = "declared shares" if plan.declared_split else f"equally among {len(deal.shares) - 1}"
    lines.append(f"   participants: {value_text(deal.points)} × {_percent(plan.participant_share)}, {how}:")
    lines += [f"     {dept}: {points_text(share)}" for dept, share in deal.shares[1:]]
    return lines


def _gate_lines(session, outcome: GateOutcome, constants) -> list[str]:
    gate = outcome.gate
    where = _where(session, f"/gates/{gate.index}")
    lines = [f"   {gate.name} ({cite_text(gate.cite)}, {where}) on {gate.scope} `{outcome.key}`"
             f" ({len(outcome.deals)} deal{'s' if len(outcome.deals) != 1 else ''}):"]
    for clause, result in zip(gate.clauses, outcome.clauses):
        if clause.when_tree is not None:
            state = {True: "applies", False: "does not apply", None: "does not apply (a value is missing)"}
            lines.append(f"     when {expr_text(clause.when_tree)}  →  "
                         f"{expr_text(clause.when_tree, outcome.env, constants)}"
                         f": {state[result.applies]}")
            if result.applies is not True:
                continue
        verdict = {True: "holds", False: "fails", None: "fails (a value is missing)"}[result.holds]
        lines.append(f"     require {expr_text(clause.require_tree)}")
        lines.append(f"       {expr_text(clause.require_tree, outcome.env, constants)}: {verdict}")
        lines += _households_lines(clause.require_tree, outcome, constants)
    if outcome.passed:
        lines.append("     passed: factor 1")
    else:
        how = "otherwise zero" if gate.factor == 0 else f"otherwise scale {_percent(gate.factor)}"
        scope = f" ({outcome.key}'s share only)" if gate.scope == "department" else ""
        lines.append(f"     failed: {how}, factor {value_text(outcome.factor)}{scope}")
    return lines


HOUSEHOLD_SOURCES = {"our_mortgages": "本行按揭户数 `our_mortgages` of the projects table (the loan system)",
                     "ledger": "the quantities of the project's accepted mortgages in the ledger (no `our_mortgages`)"}


def _households_lines(require: dict, outcome: GateOutcome, constants) -> list[str]:
    """Art. 20 in figures: the households compared, where the count comes from, and the threshold."""
    args = require.get("args") or []
    if require.get("op") not in (">=", ">") or args[0].get("call") != "households":
        return []
    count, source = households(outcome.env)
    threshold = compile_expr(args[1], constants)(outcome.env)
    return [f"       households {value_text(count)}, from {HOUSEHOLD_SOURCES[source]}",
            f"       threshold {expr_text(args[1])} = {value_text(threshold) if threshold is not None else 'unknown'}"
            " households"]


def _percent(value: Decimal) -> str:
    return f"{value_text(value * 100)}%"


def explain_department(session, result: Result, department: str) -> str | None:
    """A department's year at year end (art. 4, 17): its points after the gates, its year-start target and
    completion, each award and deduction with the rule's line and the article's words, its final points and
    reward. None when the rules have no such marketing department."""
    if department not in result.department_points:
        return None
    reward = result.rewards.get(department) if result.rewards is not None else None
    adjustments = result.adjustments
    if adjustments is None:
        return (f"department {department}: {points_text(result.department_points[department])} points"
                + (f", reward {reward}" if reward is not None else "")
                + "\n  these rules set no year-start target and name no key project or client (art. 4, 17)\n")
    standing = next(s for s in adjustments.standings if s.department == department)
    when = "year end" if adjustments.applied else f"year to date ({result.month}), provisional: applied at year end"
    lines = [f"department {department}, {when}",
             f"  1. points after the gates: {points_text(standing.deal_points)}"]
    objective = session.plan.objectives.get(department)
    if objective is not None:
        lines.append(f"  2. year-start target (年初目标) {number_text(objective.target)}, "
                     f"completion {completion_percent(completion_text(standing.completion))}  ({_where(session, _objective_pointer(session, department))})")
    else:
        lines.append("  2. no year-start target")
    items = adjustments.of(department)
    lines.append("  3. awards and deductions:" if items else "  3. no award and no deduction")
    for item in items:
        sign = "+" if item.kind == "award" else "−"
        lines.append(f"     {sign}{points_text(item.points)} {item.name} ({cite_text(item.cite)}): {item.reason}")
        lines.append(f"       {item.reason_zh}")
    lines.append(f"  4. final points: {points_text(standing.points)}"
                 + ("" if adjustments.applied else " (not applied in a monthly evaluation)"))
    if reward is not None:
        lines.append(f"  5. reward: {reward} of the pool, in proportion to the final points (第二十二条)")
    lines += article_lines(session.plan.articles, [item.cite for item in items] or [objective.cite if objective else []],
                           "  ")
    return "\n".join(lines) + "\n"


def _objective_pointer(session, department: str) -> str:
    names = list(session.plan.objectives)
    return f"/objectives/{names.index(department)}"
