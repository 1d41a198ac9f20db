"""An evaluation result as the JSON document of SPEC §7 and as a text summary for people.

Points are shown to 4 places and money to the reward's rounding unit, both as strings; rounding
happens here, for display only, never inside the evaluation.
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from ..engine.contract import REASONS
from ..engine.evaluate import Result
from ..engine.plan import CENT
from ..engine.reward import round_to_unit
from ..language.diagnostics import display_width

POINTS_PLACES = Decimal("0.0001")


def points_text(value: Decimal | None) -> str | None:
    return None if value is None else _plain(value.quantize(POINTS_PLACES, rounding=ROUND_HALF_UP))


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


def to_json(result: Result, rules: dict) -> dict:
    unit = money_unit(result)
    rewards = result.rewards
    window = result.window
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
        "reward": {"pool": money_text(result.pool, unit) if result.pool is not None else None,
                   "allocated": money_text(sum(rewards.values(), Decimal(0)), unit) if rewards else "0",
                   "note": result.reward_note},
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
    if document["gates"]:
        lines += ["", "failing gates:"]
        lines += [f"  {g['gate']} ({g['cite']}) {g['scope']} `{g['key']}`: factor {g['factor']}"
                  for g in document["gates"]]
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
    reward = document["reward"]
    lines += ["", f"reward pool {reward['pool'] or '—'}, allocated {reward['allocated']}"
              + (f" ({reward['note']})" if reward["note"] else "")]
    return "\n".join(lines) + "\n"


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
