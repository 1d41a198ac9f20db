"""The validated IR made ready to run: compiled expressions, lookups, settings, and the columns the rules need.

The plan is the only reader of the IR: everything after it — engines, gates, totals, reward, outputs,
statements, samples, `explain` — reads typed fields of the plan, never the IR's keys. It is built once
per evaluation and holds nothing about the data, so the row loop (`rows.py`), the gates (`gates.py`)
and any other engine can share it. Expression trees are kept beside their compiled functions only to
be shown as text (`reports/exprtext.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..semantics.expr import Fn, compile_expr

CENT = Decimal("0.01")  # amounts are rounded to it when the rules say nothing
BASE_DEAL_COLUMNS = {
    "deal_id": "every deal needs its id",
    "date": "every deal needs its date",
    "product": "every deal names its product",
    "client_id": "the target list is checked by client (art. 8)",
    "participants": "points are split among participating departments (art. 19)",
}


Tree = dict  # an IR expression tree, kept to be shown as text


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
    index: int
    cite: list[str]
    points_tree: Tree
    when_tree: Tree | None
    reads: dict[str, dict[str, str]]  # scope → {field: why}: what its points and condition read
    target_tree: Tree | None = None  # its target, for `compile --sql`'s script

    def pointer(self, part: str) -> str:
        """Where its points (`expr`) or condition (`when`) stand in the IR: the source map's key for its line."""
        return f"/products/{self.index}/points/{part}"


@dataclass
class ClausePlan:
    when: Fn | None
    require: Fn
    when_tree: Tree | None
    require_tree: Tree


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
    tree: Tree | None = None  # its test, for `compile --sql`'s script


@dataclass
class AwardPlan:
    """Art. 4, 17: the points a key project's or client's breakthrough adds to named departments at year end."""

    name: str
    scope: str  # project | client
    key: str
    when: Fn | None  # over the group of its deals; None: at least one accepted deal is a breakthrough
    when_tree: Tree | None
    to: list[tuple[str, Decimal]]  # department, points
    cite: list[str]


@dataclass(frozen=True)
class TierPlan:
    """`completion < 60% deduct 20% of points`."""

    op: str
    threshold: Decimal
    kind: str  # deduct | award
    amount: Decimal
    of_points: bool


@dataclass
class ObjectivePlan:
    """Art. 17: a department's year-start target in points, and its tiers in the order written."""

    department: str
    target: Decimal
    tiers: list[TierPlan]
    cite: list[str]


@dataclass(frozen=True)
class Header:
    """Which rules these are: shown on every output, beside the rules file's SHA-256."""

    name: str
    branch: str
    measure: str
    version: str


@dataclass(frozen=True)
class RewardPlan:
    """Art. 22: the pool, allocated by largest remainder to `unit`; amounts are shown rounded by `mode`."""

    pool: Decimal | None  # None only when it could not be computed, which `check` reports
    unit: Decimal
    mode: str


@dataclass(frozen=True)
class AuditPlan:
    """Art. 21: the spot-check ratio (may be missing: `sample` says so). The draw's secret is internal
    control's, committed in the register, never the rules'."""

    spot_check: Decimal | None


@dataclass
class Plan:
    header: Header
    period: tuple[date, date]  # the rules' effective period
    constants: dict[str, Any]
    products: dict[str, ProductPlan]  # by name and by code
    departments: dict[str, str]  # name → kind, in declaration order
    gates: list[GatePlan]
    criteria: list[CriterionPlan]
    attribution: list[tuple[str, Fn]]
    host_share: Decimal
    participant_share: Decimal
    declared_split: bool
    split_cite: list[str]
    outlets: list[str]  # declared, in order
    catalogue: frozenset[str]  # names and codes of head office's products, configured or not
    attribution_fields: list[str | None]  # of each outlet attribution, the `deal.x` it is when it is no more
    reward: RewardPlan | None
    audit: AuditPlan | None
    publish_days: int | None  # art. 21: the statement's days, else the measure's parameter
    fields: dict[str, dict[str, str]] = field(default_factory=dict)  # scope → {field: why}
    criteria_fields: dict[str, dict[str, str]] = field(default_factory=dict)  # read only to derive the list
    articles: dict[str, str] = field(default_factory=dict)  # the measure's articles: name → their words
    awards: list[AwardPlan] = field(default_factory=list)  # art. 4, 17
    objectives: dict[str, ObjectivePlan] = field(default_factory=dict)  # by department (art. 17)

    @property
    def adjusts(self) -> bool:
        """Whether the year-end evaluation adjusts department points (awards, year-start targets)."""
        return bool(self.awards or self.objectives)

    @property
    def cell_fields(self) -> tuple[str, ...]:
        """The ledger columns the rules read as `deal.x`, kept with each deal as it came (`Deal.cells`);
        `deal.quantity` is not among them: it is kept converted, a missing quantity being 1."""
        return tuple(name for name in self.fields.get("deal", {}) if name != "quantity")

    @property
    def attribution_cells(self) -> list[tuple[int, int]]:
        """(index, position in `cell_fields`) of each outlet attribution that is a plain `deal.x` cell."""
        cells = self.cell_fields
        return [(index, cells.index(name)) for index, name in enumerate(self.attribution_fields) if name in cells]

    @property
    def project_gated(self) -> set[str]:
        """The products whose deals a `project` gate judges (art. 20): a deal of one of them that names a
        project must find it in the projects table (R013)."""
        gated = {gate.product for gate in self.gates if gate.scope == "project"}
        return {product.name for product in self.product_list if None in gated or product.name in gated}

    def expression_at(self, pointer: str) -> Tree | None:
        """The expression a rejection names (`Rejection.rule`, a `ProductPlan.pointer`), to show as text."""
        for product in self.product_list:
            if pointer == product.pointer("expr"):
                return product.points_tree
            if pointer == product.pointer("when"):
                return product.when_tree
        return None

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
        plan = _product_plan(product, index, compiled)
        products[product["name"]] = plan
        if product["code"]:
            products[product["code"]] = plan
    gates = [_gate_plan(gate, index, compiled) for index, gate in enumerate(ir["gates"]) if applies(gate, ir)]
    criteria = [CriterionPlan(block["department"], c["label"], compiled(c["expr"]), c["cite"], c["expr"])
                for block in ir["targets"] for c in block["criteria"]]
    items = (ir.get("attribution") or {}).get("items", [])
    split = ir["split"] or {}
    header, effective = ir["header"], ir["header"]["effective"]
    plan = Plan(Header(header["name"], header["branch"], header["measure"]["name"], header["measure"]["version"]),
                (date.fromisoformat(effective["from"]), date.fromisoformat(effective["to"])), constants, products,
                {d["name"]: d["kind"] for d in ir["departments"]}, gates, criteria,
                [(item["label"], compiled(item["expr"])) for item in items],
                Decimal(split.get("host") or constants.get("host_share") or 0),
                Decimal(split.get("participants") or constants.get("participant_share") or 0),
                split.get("by") == "declared", split.get("cite", []),
                [outlet["name"] for outlet in ir["outlets"]],
                frozenset(entry[key] for entry in ir["catalog"] for key in ("name", "code")),
                [_plain_deal_field(item["expr"]) for item in items],
                _reward_plan(ir.get("reward")), _audit_plan(ir.get("audit")), publish_days(ir, constants))
    plan.fields = used_fields(ir, criteria=False)
    plan.criteria_fields = used_fields({"targets": ir["targets"]})
    plan.articles = {article["name"]: article["text"] for article in ir.get("articles", [])}
    plan.awards = [AwardPlan(award["name"], award["scope"], award["key"], compiled(award["when"]), award["when"],
                             [(line["department"], Decimal(line["points"])) for line in award["to"]], award["cite"])
                   for award in ir.get("awards", [])]
    plan.objectives = {objective["department"]: ObjectivePlan(
        objective["department"], Decimal(objective["target"]),
        [TierPlan(t["op"], Decimal(t["threshold"]), t["kind"], Decimal(t["amount"]), t["of_points"])
         for t in objective["tiers"]], objective["cite"]) for objective in ir.get("objectives", [])}
    return plan


def _product_plan(product: dict, index: int, compiled) -> ProductPlan:
    points = product["points"]
    return ProductPlan(product["name"], product["code"], product["host"], product["unit"], points["per"] == "unit",
                       compiled(points["expr"]), compiled(points["when"]), compiled(product["target"]), index,
                       product["cite"], points["expr"], points["when"],
                       used_fields({"products": [product]}, criteria=False), product["target"])


def applies(gate: dict, ir: dict) -> bool:
    """A gate for a product the branch does not configure (the mortgage gate where no mortgages are sold)
    has no deals to judge: it is left out, and nothing it would read is needed."""
    return gate["product"] is None or any(product["name"] == gate["product"] for product in ir.get("products", []))


def _gate_plan(gate: dict, index: int, compiled) -> GatePlan:
    otherwise = gate["otherwise"]
    factor = Decimal(0) if otherwise["kind"] == "zero" else Decimal(otherwise["factor"])
    clauses = [ClausePlan(compiled(c["when"]), compiled(c["require"]), c["when"], c["require"])
               for c in gate["clauses"]]
    return GatePlan(gate["name"], gate["scope"], gate["product"], gate["at_period_end"], clauses, factor,
                    gate["cite"], gate["origin"], index)


def _plain_deal_field(tree: Tree) -> str | None:
    scope, name = tree.get("field", ("", ""))
    return name if scope == "deal" else None


def _reward_plan(reward: dict | None) -> RewardPlan | None:
    if reward is None:
        return None
    rounding = reward.get("rounding") or {}
    pool = reward["pool"]
    return RewardPlan(Decimal(pool) if pool is not None else None, Decimal(rounding.get("unit") or CENT),
                      rounding.get("mode") or "half_up")


def _audit_plan(audit: dict | None) -> AuditPlan | None:
    if audit is None:
        return None
    ratio = audit.get("spot_check")
    return AuditPlan(Decimal(ratio) if ratio is not None else None)


def publish_days(ir: dict, constants: dict[str, Any]) -> int | None:
    """The statement block's days (art. 21), else the measure's `publish_days` parameter."""
    days = (ir.get("statement") or {}).get("publish_days")
    days = days if days is not None else constants.get("publish_days")
    return int(days) if days is not None else None


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
    for gate in (gate for gate in ir.get("gates", []) if applies(gate, ir)):
        for clause in gate["clauses"]:
            note(clause["when"], f"the gate `{gate['name']}` uses it")
            note(clause["require"], f"the gate `{gate['name']}` uses it")
    for item in (ir.get("attribution") or {}).get("items", []):
        note(item["expr"], f"the outlet attribution `{item['label']}` uses it")
    for award in ir.get("awards", []):
        note(award["when"], f"the award `{award['name']}` uses it")
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
    # `project_id` is not among them: a ledger without the column is one whose deals belong to no housing
    # project, as a deal with an empty cell does (a mortgage outside a development project, art. 20)
    if plan.attribution or any(g.scope == "outlet" for g in plan.gates) or "outlet" in plan.fields:
        needed.setdefault("outlet", "income and deposits are attributed to outlets (art. 17)")
    return needed
