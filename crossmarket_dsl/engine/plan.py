"""The validated IR made ready to run: compiled expressions, lookups, and the columns the rules need.

The plan is built once per evaluation. It holds nothing about the data, so the row loop (`rows.py`),
the gates (`gates.py`) and any future columnar engine can share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..semantics.expr import Fn, compile_expr

SCOPE_TABLES = {"client": "clients", "project": "projects"}
BASE_DEAL_COLUMNS = {
    "deal_id": "every deal needs its id",
    "date": "every deal needs its date",
    "product": "every deal names its product",
    "client_id": "the target list is checked by client (art. 8)",
    "participants": "points are split among participating departments (art. 19)",
}


@dataclass
class ProductPlan:
    name: str
    code: str
    host: str
    unit: str
    per_unit: bool
    points: Fn
    when: Fn | None
    target: Fn | None
    ir: dict
    index: int


@dataclass
class ClausePlan:
    when: Fn | None
    require: Fn
    ir: dict


@dataclass
class GatePlan:
    name: str
    scope: str
    product: str | None
    at_period_end: bool
    clauses: list[ClausePlan]
    factor: Decimal
    cite: list[str]
    origin: str
    index: int


@dataclass
class CriterionPlan:
    department: str
    label: str
    test: Fn
    cite: list[str]


@dataclass
class Plan:
    ir: dict
    constants: dict[str, Any]
    products: dict[str, ProductPlan]  # by name and by code
    departments: dict[str, str]  # name → kind, in declaration order
    gates: list[GatePlan]
    criteria: list[CriterionPlan]
    attribution: list[tuple[str, Fn]]
    host_share: Decimal
    participant_share: Decimal
    declared_split: bool
    fields: dict[str, dict[str, str]] = field(default_factory=dict)  # scope → {field: why}
    criteria_fields: dict[str, dict[str, str]] = field(default_factory=dict)  # read only to derive the list

    @property
    def cell_fields(self) -> tuple[str, ...]:
        """The ledger columns the rules read as `deal.x`, kept with each deal as it came (`Deal.cells`);
        `deal.quantity` is not among them: it is kept converted, a missing quantity being 1."""
        return tuple(name for name in self.fields.get("deal", {}) if name != "quantity")

    @property
    def attribution_cells(self) -> list[tuple[int, int]]:
        """(index, position in `cell_fields`) of each outlet attribution that is a plain `deal.x` cell."""
        cells = self.cell_fields
        return [(index, cells.index(item["expr"]["field"][1]))
                for index, item in enumerate((self.ir.get("attribution") or {}).get("items", []))
                if item["expr"].get("field", ("", ""))[0] == "deal" and item["expr"]["field"][1] in cells]

    @property
    def product_list(self) -> list[ProductPlan]:
        seen, out = set(), []
        for product in self.products.values():
            if product.name not in seen:
                seen.add(product.name)
                out.append(product)
        return out


def constants_of(ir: dict) -> dict[str, Any]:
    values = {name: param["value"] for name, param in ir["params"].items()}
    values.update({name: let["value"] for name, let in ir.get("lets", {}).items()})
    return values


def build_plan(ir: dict) -> Plan:
    constants = constants_of(ir)

    def compiled(tree):
        return compile_expr(tree, constants) if tree is not None else None

    products: dict[str, ProductPlan] = {}
    for index, product in enumerate(ir["products"]):
        points = product["points"]
        plan = ProductPlan(product["name"], product["code"], product["host"], product["unit"],
                           points["per"] == "unit", compiled(points["expr"]), compiled(points["when"]),
                           compiled(product["target"]), product, index)
        products[product["name"]] = plan
        if product["code"]:
            products[product["code"]] = plan
    gates = [_gate_plan(gate, index, compiled) for index, gate in enumerate(ir["gates"])]
    criteria = [CriterionPlan(block["department"], c["label"], compiled(c["expr"]), c["cite"])
                for block in ir["targets"] for c in block["criteria"]]
    attribution = [(item["label"], compiled(item["expr"])) for item in (ir.get("attribution") or {}).get("items", [])]
    split = ir["split"] or {}
    plan = Plan(ir, constants, products, {d["name"]: d["kind"] for d in ir["departments"]}, gates, criteria,
                attribution, Decimal(split.get("host") or constants.get("host_share") or 0),
                Decimal(split.get("participants") or constants.get("participant_share") or 0),
                split.get("by") == "declared")
    plan.fields = used_fields(ir, criteria=False)
    plan.criteria_fields = used_fields({"targets": ir["targets"]})
    return plan


def _gate_plan(gate: dict, index: int, compiled) -> GatePlan:
    otherwise = gate["otherwise"]
    factor = Decimal(0) if otherwise["kind"] == "zero" else Decimal(otherwise["factor"])
    clauses = [ClausePlan(compiled(c["when"]), compiled(c["require"]), c) for c in gate["clauses"]]
    return GatePlan(gate["name"], gate["scope"], gate["product"], gate["at_period_end"], clauses, factor,
                    gate["cite"], gate["origin"], index)


def used_fields(ir: dict, criteria: bool = True) -> dict[str, dict[str, str]]:
    """Every `scope.field` the rules read, with the first place that reads it (for 'missing column').

    Target criteria are read only when the target list is derived from the register, so they can be
    left out."""
    found: dict[str, dict[str, str]] = {}

    def note(tree, where: str):
        for node in _walk(tree):
            if "field" in node:
                scope, name = node["field"]
                found.setdefault(scope, {}).setdefault(name, where)

    for product in ir.get("products", []):
        note(product["points"]["expr"], f"the points of `{product['name']}` use it")
        note(product["points"]["when"], f"the `when` of `{product['name']}` uses it")
        note(product["target"], f"the target of `{product['name']}` uses it")
    for block in ir.get("targets", []) if criteria else []:
        for criterion in block["criteria"]:
            note(criterion["expr"], f"the criterion `{criterion['label']}` of {block['department']} uses it")
    for gate in ir.get("gates", []):
        for clause in gate["clauses"]:
            note(clause["when"], f"the gate `{gate['name']}` uses it")
            note(clause["require"], f"the gate `{gate['name']}` uses it")
    for item in (ir.get("attribution") or {}).get("items", []):
        note(item["expr"], f"the outlet attribution `{item['label']}` uses it")
    return found


def _walk(tree):
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(v for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(node)


def required_deal_columns(plan: Plan) -> dict[str, str]:
    """The ledger columns this plan cannot do without, each with the reason."""
    needed = dict(BASE_DEAL_COLUMNS)
    for name, why in plan.fields.get("deal", {}).items():
        if name != "quantity":  # quantity defaults to 1 (SPEC §6)
            needed.setdefault(name, why)
    if any(g.scope == "project" for g in plan.gates) or "project" in plan.fields:
        needed.setdefault("project_id", "deals are grouped by housing project (art. 20)")
    if plan.attribution or any(g.scope == "outlet" for g in plan.gates) or "outlet" in plan.fields:
        needed.setdefault("outlet", "income and deposits are attributed to outlets (art. 17)")
    return needed
