"""An evaluation result as the JSON document of SPEC §7 and as a text summary for people.

Points are shown to 4 places and money to the reward's rounding unit, both as strings; rounding
happens here, for display only, never inside the evaluation.
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..core.codes import CODES
from ..engine.contract import REASONS
from ..engine.evaluate import Result
from ..engine.plan import CENT
from ..engine.reward import round_to_unit
from ..language.diagnostics import display_width
from ..semantics.values import exact_sum

POINTS_PLACES = Decimal("0.0001")


def points_text(value: Decimal | None) -> str | None:
    return None if value is None else _plain(value.quantize(POINTS_PLACES, rounding=ROUND_HALF_UP))


def parts_text(total: Decimal, parts: list[Decimal]) -> list[str]:
    """`parts` of `total` (exactly) to 4 places, so that they add up to `total` as `points_text` shows it:
    each part cut down to 4 places, and the units of 0.0001 still missing given one each to the parts with
    the largest remainders (ties: the earlier part). A part is thus shown cut down or rounded up, never
    further off."""
    floors = [part.quantize(POINTS_PLACES, rounding=ROUND_DOWN) for part in parts]
    missing = int((Decimal(points_text(total)) - sum(floors, Decimal(0))) / POINTS_PLACES)
    by_remainder = sorted(range(len(parts)), key=lambda i: (floors[i] - parts[i], i))
    for index in by_remainder[:missing]:
        floors[index] += POINTS_PLACES
    return [_plain(floor) for floor in floors]


def staff_shown(staff: list[tuple[str, str | None, Decimal]]) -> dict[tuple[str, str | None], str]:
    """Art. 21: each department's points by person and unassigned (person None), in the order of `staff`, to 4
    places so that they add up to the department's points from its deals as shown (before any award or
    deduction of art. 4 and 17, which are the department's, not its marketers')."""
    shown = {}
    for department in dict.fromkeys(department for department, _, _ in staff):
        own = [(person, value) for dept, person, value in staff if dept == department]
        texts = parts_text(exact_sum(value for _, value in own), [value for _, value in own])
        shown.update({(department, person): text for (person, _), text in zip(own, texts)})
    return shown


def staff_json(result: Result) -> list[dict]:
    """Each department's points by person, then its unassigned points (`"staff": null`)."""
    return [{"staff": person, "department": department, "points": text}
            for (department, person), text in staff_shown(result.staff).items()]


def staff_warnings_json(result: Result) -> list[dict]:
    return [{"row": note.row, "deal_id": note.deal_id, "code": note.problem.code, "entry": note.problem.entry,
             "department": note.problem.department, "warning": note.problem.reason[0],
             "warning_zh": note.problem.reason[1]} for note in result.staff_notes]


def money_text(value: Decimal | None, unit: Decimal, mode: str = "half_up") -> str | None:
    return None if value is None else _plain(round_to_unit(value, unit, mode))


def number_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return "0" + text[2:] if text.startswith("-0") and value == 0 else text


def money_unit(result: Result) -> Decimal:
    return result.plan.reward.unit if result.plan.reward else CENT


def money_mode(result: Result) -> str:
    return result.plan.reward.mode if result.plan.reward else "half_up"


def cite_text(cites: list[str]) -> str:
    return "、".join(cites)


def adjustments_json(result: Result) -> dict | None:
    """Art. 4, 17: each department's year-start target, completion, awards and deductions, and each award and
    deduction with its article; `applied` is false in a monthly evaluation (the year to date, provisional)."""
    adjustments = result.adjustments
    if adjustments is None:
        return None
    return {
        "applied": adjustments.applied,
        "departments": [{"department": s.department, "deal_points": points_text(s.deal_points),
                         "target": number_text(s.target), "completion": completion_text(s.completion),
                         "awards": points_text(s.awards), "deductions": points_text(s.deductions),
                         "points": points_text(s.points)} for s in adjustments.standings],
        "items": [{"department": item.department, "kind": item.kind, "name": item.name,
                   "points": points_text(item.points), "cite": cite_text(item.cite), "reason": item.reason,
                   "reason_zh": item.reason_zh} for item in adjustments.items],
    }


def to_json(result: Result, rules: dict) -> dict:
    unit = money_unit(result)
    rewards = result.rewards
    window = result.window
    adjustments = adjustments_json(result)
    return {
        "rules": rules,
        "period": {"from": window.period_from.isoformat(), "to": window.period_to.isoformat(), "month": result.month},
        "provisional": result.provisional,
        "deals": {"rows": result.rows, "accepted": len(result.deals), "rejected": len(result.rejected)},
        "departments": [{"department": name, "points": points_text(points),
                         "reward": money_text(rewards.get(name), unit) if rewards is not None else None}
                        for name, points in result.department_points.items()],
        "products": [{"product": p.plan.name, "code": p.plan.code, "quantity": number_text(p.quantity),
                      "target": number_text(p.target),
                      "completion": points_text(p.completion),
                      "points": points_text(p.points if p.counted else Decimal(0)), "counted": p.counted}
                     for p in result.products],
        "gates": [{"gate": o.gate.name, "scope": o.gate.scope, "key": o.key, "passed": o.passed,
                   "factor": number_text(o.factor), "cite": cite_text(o.gate.cite)}
                  for o in result.gates if not o.passed],
        "rejected": [{"row": r.row, "deal_id": r.deal_id, "code": r.code, "reason": r.reason, "reason_zh": r.text,
                      **({"rule": r.rule} if r.rule else {})} for r in result.rejected],
        "outlets": [{"outlet": name, **{label: money_text(amount, unit, money_mode(result))
                                        for label, amount in amounts.items()}}
                    for name, amounts in result.outlets.items()],
        **({"adjustments": adjustments} if adjustments is not None else {}),
        "reward": {"pool": money_text(result.pool, unit) if result.pool is not None else None,
                   "allocated": money_text(sum(rewards.values(), Decimal(0)), unit) if rewards else "0",
                   "note": result.reward_note},
        "staff": staff_json(result),
        "staff_warnings": staff_warnings_json(result),
        "warnings": result.warnings,
        "warnings_zh": result.warnings_zh,
    }


def to_text(result: Result, rules: dict) -> str:
    document = to_json(result, rules)
    period = document["period"]
    lines = [f"{rules['name']}（{rules['branch']}）",
             f"period {period['from']} to {period['to']}" + (f", month {result.month}" if result.month else "")]
    if result.provisional:
        lines.append("provisional: year-end gates (at period_end) are not applied and no reward is allocated")
    deals = document["deals"]
    lines += [f"rows {deals['rows']}: {deals['accepted']} accepted, {deals['rejected']} rejected", ""]
    lines += text_table(["部门 department", "积分 points", "奖励 reward"],
                    [[d["department"], d["points"], d["reward"] or "—"] for d in document["departments"]])
    lines.append("")
    lines += text_table(["产品 product", "数量 quantity", "目标 target", "完成率 completion", "积分 points", "计入 counted"],
                    [[p["product"], p["quantity"], p["target"] or "—", percent_text(p["completion"]), p["points"],
                      "yes" if p["counted"] else "no"] for p in document["products"]])
    if document["staff"]:
        lines.append("")
        lines += text_table(["部门 department", "营销人员 staff", "积分 points"],
                            [[s["department"], s["staff"] or UNASSIGNED, s["points"]] for s in document["staff"]], left=2)
    if document["gates"]:
        lines += ["", "failing gates:"]
        lines += [f"  {g['gate']} ({g['cite']}) {g['scope']} `{g['key']}`: factor {g['factor']}"
                  for g in document["gates"]]
    if "adjustments" in document:
        lines += ["", *adjustments_text(document["adjustments"])]
    if document["outlets"]:
        lines += [""]
        labels = [label for label in document["outlets"][0] if label != "outlet"]
        lines += text_table(["网点 outlet", *labels], [[o["outlet"], *(o[label] for label in labels)]
                                                  for o in document["outlets"]])
    if result.rejected:
        lines += ["", "rejected rows by reason:"]
        counts = Counter(r.code for r in result.rejected)
        lines += [f"  {code} {REASONS[code]}: {count}" for code, count in sorted(counts.items())]
    if result.warnings:
        lines += ["", "warnings:", *(f"  {warning}" for warning in result.warnings)]
    lines += staff_warnings_text(document["staff_warnings"])
    reward = document["reward"]
    lines += ["", f"reward pool {reward['pool'] or '—'}, allocated {reward['allocated']}"
              + (f" ({reward['note']})" if reward["note"] else "")]
    lines += [f"note: {note}" for note in result.notes]  # not in the JSON: every engine's JSON is the same
    return "\n".join(lines) + "\n"


UNASSIGNED = "未分配 unassigned"
SHOWN_NOTES = 10


def staff_warnings_text(notes: list[dict]) -> list[str]:
    """Staff entries that could not be used (art. 21), by code, the first few rows in full; the rows stay
    accepted and the departments keep the points, unassigned."""
    if not notes:
        return []
    lines = ["", "staff entries not used (the rows are counted; the department's share stays unassigned):"]
    counts = Counter(note["code"] for note in notes)
    lines += [f"  {code} {CODES[code].meaning}: {count}" for code, count in sorted(counts.items())]
    lines += [f"  row {n['row']} ({n['deal_id']}) {n['code']}: {n['warning']}" for n in notes[:SHOWN_NOTES]]
    if len(notes) > SHOWN_NOTES:
        lines.append(f"  … {len(notes) - SHOWN_NOTES} more (all in `--format json` and the files of `--out`)")
    return lines


def adjustments_text(adjustments: dict) -> list[str]:
    """The year-end adjustments (art. 4, 17) as a table and a line for each award and deduction."""
    title = "年终调整 year-end adjustments (art. 4, 17)" + ("" if adjustments["applied"] else
                                                         ", year to date, provisional: applied at year end")
    lines = [title]
    lines += text_table(["部门 department", "交易积分 deal points", "年初目标 target", "完成率 completion",
                         "专项奖励 awards", "扣减 deductions", "最终积分 points"],
                        [[d["department"], d["deal_points"], d["target"] or "—", completion_percent(d["completion"]),
                          d["awards"], d["deductions"], d["points"]] for d in adjustments["departments"]])
    lines += [f"  {'+' if item['kind'] == 'award' else '−'}{item['points']} {item['department']} {item['name']} "
              f"({item['cite']}): {item['reason']}" for item in adjustments["items"]]
    return lines


def completion_text(ratio: Decimal | None) -> str | None:
    """A completion cut (not rounded) to 4 places: 0.59999 is not shown as the 0.6 it falls short of."""
    return None if ratio is None else _plain(ratio.quantize(POINTS_PLACES, rounding=ROUND_DOWN))


def completion_percent(ratio: str | None) -> str:
    """`0.5999` → `59.99%`: a completion next to the thresholds it is judged by, cut, never rounded up."""
    return "—" if ratio is None else f"{(Decimal(ratio) * 100).quantize(Decimal('0.01'), rounding=ROUND_DOWN)}%"


def percent_text(ratio: str | None) -> str:
    if ratio is None:
        return "—"
    return f"{(Decimal(ratio) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def text_table(header: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    """Columns padded by display width, so Chinese names line up in a terminal; the first `left` columns
    are aligned left (names), the others right (figures)."""
    widths = [max(display_width(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        parts = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - display_width(str(cell)))
            parts.append(f"{cell}{pad}" if i < left else f"{pad}{cell}")
        return "  ".join(parts).rstrip()

    return [line(header), *(line(row) for row in rows)]
