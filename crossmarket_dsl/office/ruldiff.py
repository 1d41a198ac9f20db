"""What changed between two versions of a branch's rules, in the rules' own terms, and what it does to the money.

Each section of the IR (parameters, products, criteria, gates, …) is flattened into named entries whose
fields are readable texts (`10 per unit`, `85%`, `count() >= mortgage_exclusive × project.total_mortgages`).
Entries are matched by name, so moving a declaration is no change and renaming one is a removal and an
addition. Every change carries its source line on each side, found through that side's source map.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from ..engine.evaluate import Result
from ..reports.exprtext import expr_text, value_text
from ..reports.render import money_text, money_unit, points_text, text_table

ZERO = Decimal(0)
TOP_DEALS = 10
Location = tuple[str, int]  # file as shown to the user, line


@dataclass(frozen=True)
class Side:
    """One version: its IR, where each IR node came from, and how to name the version in the output."""

    ir: dict
    locations: dict[str, Location]
    info: dict  # `file` (how the version is named) and anything else to show: `record`, `sha256`

    @classmethod
    def from_source_map(cls, ir: dict, source_map: dict, info: dict) -> Side:
        """A side from an IR document's source map, JSON Pointer → `file:line:column` (as `compile` writes it)."""
        locations = {}
        for pointer, where in source_map.items():
            file, line, _ = where.rsplit(":", 2)
            locations[pointer] = (file, int(line))
        return cls(ir, locations, info)

    def at(self, pointer: str) -> Location | None:
        """The line of a node, or of the nearest node around it that has one."""
        while pointer:
            if pointer in self.locations:
                return self.locations[pointer]
            pointer = pointer.rpartition("/")[0]
        return None

    def describe(self) -> dict:
        header = self.ir.get("header") or {}
        measure = header.get("measure") or {}
        return {**self.info, "rules": header.get("name"), "branch": header.get("branch"),
                "measure": measure.get("name"), "version": measure.get("version")}


@dataclass(frozen=True)
class Entry:
    """A named thing of one section; `fields` maps a field name to (readable text, JSON Pointer)."""

    pointer: str
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)

    def text(self) -> str | None:
        """All fields in one line (`points 10 per unit; target 120`), for an entry added or removed."""
        texts = [text if name == "value" else f"{name} {text}" for name, (text, _) in self.fields.items()]
        return "; ".join(texts) or None


@dataclass(frozen=True)
class Change:
    section: str
    kind: str  # added | removed | changed
    name: str
    field: str | None
    old: str | None
    new: str | None
    old_at: Location | None
    new_at: Location | None

    def to_json(self) -> dict:
        return {"section": self.section, "kind": self.kind, "name": self.name, "field": self.field,
                "old": self.old, "new": self.new, "old_at": _location_json(self.old_at),
                "new_at": _location_json(self.new_at)}


def _location_json(location: Location | None) -> dict | None:
    return {"file": location[0], "line": location[1]} if location else None


# ---- readable texts -----------------------------------------------------------------------------


def _expr(tree: dict | None) -> str:
    return expr_text(tree) if tree is not None else "—"


def _number(value) -> str:
    return value_text(value) if value is not None else "—"


def _percent(value) -> str:
    return f"{value_text(value * 100)}%" if value is not None else "—"


def _amount(value) -> str:
    """Money as the rules write it: `200万`, `1.2亿`, else the plain number."""
    if value is None:
        return "—"
    for unit, word in ((Decimal(100_000_000), "亿"), (Decimal(10_000), "万")):
        count = value / unit
        if abs(count) >= 1 and count * 100 % 1 == 0:
            return f"{value_text(count)}{word}"
    return value_text(value)


def _param(param: dict) -> str:
    """Shares and ratios as percentages (their default is a fraction), counts and amounts as numbers."""
    default = param.get("default")
    ratio = default is not None and not isinstance(default, bool) and 0 < default < 1
    return _percent(param["value"]) if ratio else _number(param["value"])


def _points(points: dict | None) -> str:
    if points is None:
        return "—"
    text = f"{_expr(points['expr'])} per {points['per']}"
    return f"{text} when {_expr(points['when'])}" if points.get("when") else text


def _clause(clause: dict) -> str:
    require = f"require {_expr(clause['require'])}"
    return f"when {_expr(clause['when'])} {require}" if clause.get("when") else require


def _scope(gate: dict) -> str:
    text = gate["scope"] + (f" for {gate['product']}" if gate.get("product") else "")
    return text + (" at period_end" if gate.get("at_period_end") else "")


def _otherwise(otherwise: dict) -> str:
    return "zero" if otherwise.get("kind") == "zero" else f"scale {_percent(otherwise.get('factor'))}"


# ---- sections: IR → named entries ---------------------------------------------------------------


def _value(text: str, pointer: str) -> Entry:
    return Entry(pointer, {"value": (text, pointer)})


def _header(ir: dict) -> dict[str, Entry]:
    header = ir.get("header") or {}
    effective, implements = header.get("effective"), header.get("implements")
    texts = {"name": header.get("name"), "branch": header.get("branch"),
             "implements": f"{implements['name']} version {implements['version']}" if implements else None,
             "effective": f"{effective['from']} to {effective['to']}" if effective else None}
    pointers = {"name": "/header"}
    return {key: _value(text, pointers.get(key, f"/header/{key}")) for key, text in texts.items() if text}


def _params(ir: dict) -> dict[str, Entry]:
    return {name: _value(_param(param), f"/params/{name}") for name, param in (ir.get("params") or {}).items()}


def _lets(ir: dict) -> dict[str, Entry]:
    return {name: _value(_expr(let.get("expr")), f"/lets/{name}") for name, let in (ir.get("lets") or {}).items()}


def _outlets(ir: dict) -> dict[str, Entry]:
    return {outlet["name"]: Entry(f"/outlets/{i}") for i, outlet in enumerate(ir.get("outlets") or [])}


def _products(ir: dict) -> dict[str, Entry]:
    entries = {}
    for i, product in enumerate(ir.get("products") or []):
        pointer = f"/products/{i}"
        entries[product["name"]] = Entry(pointer, {"points": (_points(product.get("points")), f"{pointer}/points"),
                                                   "target": (_expr(product.get("target")), f"{pointer}/target")})
    return entries


def _targets(ir: dict) -> dict[str, Entry]:
    return {f"{targets['department']}: {criterion['label']}":
            _value(_expr(criterion["expr"]), f"/targets/{i}/criteria/{j}")
            for i, targets in enumerate(ir.get("targets") or []) for j, criterion in enumerate(targets["criteria"])}


def _gates(ir: dict) -> dict[str, Entry]:
    entries = {}
    for i, gate in enumerate(ir.get("gates") or []):
        pointer = f"/gates/{i}"
        fields = {"on": (_scope(gate), pointer)}
        fields.update({f"clause {k + 1}": (_clause(clause), f"{pointer}/clauses/{k}")
                       for k, clause in enumerate(gate.get("clauses") or [])})
        fields["otherwise"] = (_otherwise(gate.get("otherwise") or {}), f"{pointer}/otherwise")
        entries[gate["name"]] = Entry(pointer, fields)
    return entries


def _attribution(ir: dict) -> dict[str, Entry]:
    items = (ir.get("attribution") or {}).get("items") or []
    return {item["label"]: _value(_expr(item["expr"]), f"/attribution/items/{j}") for j, item in enumerate(items)}


def _awards(ir: dict) -> dict[str, Entry]:
    """Art. 4, 17: each award by name — what it is for, its condition, and the points of each department."""
    entries = {}
    for i, award in enumerate(ir.get("awards") or []):
        pointer = f"/awards/{i}"
        fields = {"for": (f"{award['scope']} {award['key']}", pointer),
                  "when": (_expr(award.get("when")) if award.get("when") else "at least one accepted deal",
                           f"{pointer}/when")}
        fields.update({f"to {line['department']}": (_number(line["points"]), f"{pointer}/to/{j}")
                       for j, line in enumerate(award.get("to") or [])})
        entries[award["name"]] = Entry(pointer, fields)
    return entries


def _objectives(ir: dict) -> dict[str, Entry]:
    """Art. 17: each department's year-start target and its completion lines, in order."""
    entries = {}
    for i, objective in enumerate(ir.get("objectives") or []):
        pointer = f"/objectives/{i}"
        fields = {"target": (_number(objective.get("target")), f"{pointer}/target")}
        fields.update({f"line {k + 1}": (f"completion {tier['op']} {_percent(tier['threshold'])} {tier['kind']} "
                                         + (f"{_percent(tier['amount'])} of points" if tier["of_points"]
                                            else _number(tier["amount"])), f"{pointer}/tiers/{k}")
                       for k, tier in enumerate(objective.get("tiers") or [])})
        entries[objective["department"]] = Entry(pointer, fields)
    return entries


def _block(section: str, texts: dict[str, Callable[[dict], str]]) -> Callable[[dict], dict[str, Entry]]:
    """A block (`split`, `reward`, …) as one entry per setting, absent when the block is."""

    def entries(ir: dict) -> dict[str, Entry]:
        block = ir.get(section)
        if not block:
            return {}
        return {key: _value(text(block), f"/{section}/{key}") for key, text in texts.items()}

    return entries


def _rounding(reward: dict) -> str:
    rounding = reward.get("rounding")
    return f"{_number(rounding['unit'])} {rounding['mode']}" if rounding else "—"


SECTIONS: list[tuple[str, Callable[[dict], dict[str, Entry]]]] = [
    ("header", _header),
    ("params", _params),
    ("lets", _lets),
    ("outlets", _outlets),
    ("products", _products),
    ("targets", _targets),
    ("split", _block("split", {"host": lambda b: _percent(b.get("host")),
                               "participants": lambda b: _percent(b.get("participants")),
                               "by": lambda b: str(b.get("by"))})),
    ("gates", _gates),
    ("reward", _block("reward", {"pool": lambda b: _amount(b.get("pool")), "allocate": lambda b: str(b.get("allocate")),
                                 "rounding": _rounding})),
    ("audit", _block("audit", {"spot_check": lambda b: _percent(b.get("spot_check")),
                               "seed": lambda b: str(b.get("seed"))})),
    ("statement", _block("statement", {"publish_days": lambda b: f"{_number(b.get('publish_days'))} days"})),
    ("attribution", _attribution),
    ("awards", _awards),
    ("objectives", _objectives),
]


# ---- comparing ---------------------------------------------------------------------------------


def changes(old: Side, new: Side) -> list[Change]:
    """Every change, section by section: removed and changed entries in the old order, then the added ones."""
    found = []
    for section, entries_of in SECTIONS:
        before, after = entries_of(old.ir), entries_of(new.ir)
        for name, entry in before.items():
            if name not in after:
                found.append(Change(section, "removed", name, None, entry.text(), None, old.at(entry.pointer), None))
            else:
                found += _field_changes(section, name, entry, after[name], old, new)
        found += [Change(section, "added", name, None, None, entry.text(), None, new.at(entry.pointer))
                  for name, entry in after.items() if name not in before]
    return found


def _field_changes(section: str, name: str, before: Entry, after: Entry, old: Side, new: Side) -> list[Change]:
    found = []
    for key in dict.fromkeys([*before.fields, *after.fields]):
        old_text, old_pointer = before.fields.get(key, (None, before.pointer))
        new_text, new_pointer = after.fields.get(key, (None, after.pointer))
        if old_text != new_text:
            found.append(Change(section, "changed", name, key, old_text, new_text,
                                old.at(old_pointer), new.at(new_pointer)))
    return found


def rules_diff(old: Side, new: Side) -> dict:
    """The diff as a document: both versions described, and the changes."""
    return {"old": old.describe(), "new": new.describe(),
            "changes": [change.to_json() for change in changes(old, new)], "effect": None}


# ---- the effect on an evaluation ---------------------------------------------------------------


def effect(old: Result, new: Result, workspace: str) -> dict:
    """Both versions evaluated on the same ledgers: department points and rewards, and the deals that moved most."""
    unit = min(money_unit(old), money_unit(new))
    names = dict.fromkeys([*old.department_points, *new.department_points])
    total_old, total_new = (sum(result.department_points.values(), ZERO) for result in (old, new))
    return {
        "workspace": workspace,
        "period": {"from": new.window.period_from.isoformat(), "to": new.window.period_to.isoformat()},
        "deals": {side: {"accepted": len(result.deals), "rejected": len(result.rejected)}
                  for side, result in (("old", old), ("new", new))},
        "departments": [_department(name, old, new, unit) for name in names],
        "total": {"old_points": points_text(total_old), "new_points": points_text(total_new),
                  "points_change": points_text(total_new - total_old),
                  "old_pool": _money(old.pool, unit), "new_pool": _money(new.pool, unit)},
        "top_deals": _top_deals(old, new),
    }


def _money(value: Decimal | None, unit: Decimal) -> str | None:
    return money_text(value, unit) if value is not None else None


def _department(name: str, old: Result, new: Result, unit: Decimal) -> dict:
    before, after = old.department_points.get(name, ZERO), new.department_points.get(name, ZERO)
    reward_before, reward_after = ((result.rewards or {}).get(name) for result in (old, new))
    change = reward_after - reward_before if reward_before is not None and reward_after is not None else None
    return {"department": name, "old_points": points_text(before), "new_points": points_text(after),
            "points_change": points_text(after - before), "old_reward": _money(reward_before, unit),
            "new_reward": _money(reward_after, unit), "reward_change": _money(change, unit)}


def _deal_points(result: Result) -> dict[str, tuple[str | None, Decimal, str | None]]:
    """deal id → (product, gated points, rejection code): a rejected deal earns 0 and says why."""
    found = {deal.deal_id: (deal.product_plan.name, deal.gated_points, None) for deal in result.deals}
    for rejection in result.rejected:
        found.setdefault(rejection.deal_id, (None, ZERO, rejection.code))
    return found


def _top_deals(old: Result, new: Result) -> list[dict]:
    before, after = _deal_points(old), _deal_points(new)
    rows = []
    for deal_id in dict.fromkeys([*before, *after]):
        product_old, points_old, code_old = before.get(deal_id, (None, ZERO, None))
        product_new, points_new, code_new = after.get(deal_id, (None, ZERO, None))
        if points_new != points_old:
            rows.append({"deal_id": deal_id, "product": product_new or product_old, "old": points_old,
                         "new": points_new, "change": points_new - points_old,
                         "old_rejected": code_old, "new_rejected": code_new})
    rows.sort(key=lambda row: (-abs(row["change"]), row["deal_id"]))
    return [{**row, **{key: points_text(row[key]) for key in ("old", "new", "change")}} for row in rows[:TOP_DEALS]]


# ---- text ---------------------------------------------------------------------------------------


def _where(location: Location | None) -> str:
    return f"{location[0]}:{location[1]}" if location else "?"


def change_line(change: dict) -> str:
    """`~ mortgage_exclusive: 85% → 90%  (2026.xm:25 → new.xm:12)`, `+ 个人贷款: …  (new.xm:40)`."""
    old_at, new_at = (_where(_location(change[key])) for key in ("old_at", "new_at"))
    if change["kind"] == "added":
        return f"  + {change['name']}" + (f": {change['new']}" if change["new"] else "") + f"  ({new_at})"
    if change["kind"] == "removed":
        return f"  - {change['name']}" + (f": {change['old']}" if change["old"] else "") + f"  ({old_at})"
    name = change["name"] if change["field"] == "value" else f"{change['name']} {change['field']}"
    return f"  ~ {name}: {change['old'] or '—'} → {change['new'] or '—'}  ({old_at} → {new_at})"


def _location(location: dict | None) -> Location | None:
    return (location["file"], location["line"]) if location else None


def to_text(document: dict) -> str:
    old, new = document["old"], document["new"]
    lines = [f"{new['rules'] or old['rules'] or 'rules'}（{new['branch'] or old['branch'] or '—'}）",
             f"  old: {_version_name(old)}", f"  new: {_version_name(new)}", ""]
    if not document["changes"]:
        lines.append("no changes in the rules' terms (only layout or comments differ)")
    section = None
    for change in document["changes"]:
        if change["section"] != section:
            section = change["section"]
            lines.append(section)
        lines.append(change_line(change))
    if document["effect"] is not None:
        lines += ["", *_effect_lines(document["effect"])]
    return "\n".join(lines) + "\n"


def _version_name(side: dict) -> str:
    record = f"record {side['record']}, " if side.get("record") else ""
    pinned = [f"{what} sha256 {side[what + '_sha256'][:12]}" for what in ("measure", "schema")
              if side.get(what + "_sha256")]
    checked = f" (checked against {', '.join(pinned)})" if pinned else ""
    return f"{record}{side['file']}{checked}"


def _effect_lines(effect_document: dict) -> list[str]:
    period, deals, total = effect_document["period"], effect_document["deals"], effect_document["total"]
    lines = [f"effect on {effect_document['workspace']} ({period['from']} to {period['to']}): accepted deals "
             f"{deals['old']['accepted']} → {deals['new']['accepted']}", ""]
    lines += text_table(["部门 department", "old points", "new points", "change", "old reward", "new reward", "change"],
                    [[d["department"], d["old_points"], d["new_points"], d["points_change"], d["old_reward"] or "—",
                      d["new_reward"] or "—", d["reward_change"] or "—"] for d in effect_document["departments"]]
                    + [["total", total["old_points"], total["new_points"], total["points_change"],
                        total["old_pool"] or "—", total["new_pool"] or "—", ""]])
    if effect_document["top_deals"]:
        lines += ["", "deals whose points changed most:"]
        lines += text_table(["deal", "product", "old", "new", "change"],
                        [[d["deal_id"], d["product"] or "—", _deal_points_text(d, "old"), _deal_points_text(d, "new"),
                          d["change"]] for d in effect_document["top_deals"]])
    return lines


def _deal_points_text(deal: dict, side: str) -> str:
    code = deal[f"{side}_rejected"]
    return f"rejected {code}" if code else deal[side]
