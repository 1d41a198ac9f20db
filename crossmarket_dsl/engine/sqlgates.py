"""Gates (SPEC §3.3, §7.3) as SQL: one query a gate, grouping the accepted deals by the gate's scope and
computing each clause's `when` and `require` with their aggregates, so that a million deals are judged
without a deal being made in Python. It has the semantics of `gates.py` (`_groups`, `_group_env`): a
group's row fields are its first deal's, a product gate judges every configured product (one nobody sold
too), empty keys make no group; `sum`, `minimum` and `maximum` are null when a value is not a number.

The query reads the rows query's result as `decided` (`sqlplan.py`: `code` null for the accepted, `row_number`,
`deal_id`, `product`, `participants`, `quantity`, `client_id`, `project_id`, `outlet`, `cell_<i>`), `clients`,
`projects`, `product_info` (`name`, `code`, `unit`, `indicator`, `target`, `position`) and `split_departments`
(`product`, `participants`, `department`, `place`: each department a split of an accepted `participants`
cell gives points to, host first). A gate it cannot compute exactly — with `average`, a division it cannot
make exact — raises `Unsupported`, and the gates are judged in Python on the deals.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from .plan import GatePlan, Plan
from .sqlexpr import Typed, Unsupported, as_bool, as_number, compile_sql, fill
from .sqlplan import lookup_field

KEYS = {"deal": "deal_id", "client": "client_id", "project": "project_id", "product": "product", "outlet": "outlet",
        "department": "department"}
GROUP_SCOPES = {"deal": ("deal", "client", "project", "product", "outlet"), "client": ("client",),
                "project": ("project",), "product": ("product",), "outlet": ("outlet",), "department": ("department",)}
"""The rows a group's environment has, by scope (`gates._group_env`), besides `product` when the gate is
for one product."""
NUMERIC_PRODUCT = ("indicator", "target")


@dataclass
class GateQuery:
    gate: GatePlan
    query: exp.Expression  # key, first row, deals, then applies and holds of each clause


def gate_query(plan: Plan, gate: GatePlan) -> GateQuery:
    """The gate's query: an inner one groups the deals and computes the row fields and aggregates the clauses
    read, an outer one the clauses over them (a product of two numbers is tried, which no aggregate may be)."""
    if gate.scope not in KEYS:
        raise Unsupported(f"a gate on {gate.scope}s")
    rows = set(GROUP_SCOPES[gate.scope]) | ({"product"} if gate.product is not None else set())
    inner: list[exp.Expression] = []

    def computed(value: exp.Expression, kind: str) -> Typed:
        inner.append(exp.alias_(value, f"v_{len(inner)}"))
        return Typed(exp.column(f"v_{len(inner) - 1}", table="g"), kind)

    def member(scope: str, name: str) -> Typed:
        return _row_field(plan, scope, name)

    def group_field(scope: str, name: str) -> Typed:
        found = member(scope, name) if scope in rows else Typed(exp.Null(), "null")
        if found.kind == "null":
            return found
        group = computed(exp.func("MIN", found.sql), found.kind)
        if found.convert is None:
            return group
        return Typed(group.sql, group.kind, convert=lambda kind: computed(exp.func("MIN", found.convert(kind)), kind).sql)

    def aggregate(name: str, args: list[dict]) -> Typed:
        found = _aggregate(plan, gate, name, args, member)
        return computed(found.sql, found.kind)

    outer = [exp.column("key", table="g"), exp.column("first", table="g"), exp.column("deals", table="g")]
    for index, clause in enumerate(gate.clauses):
        applies = exp.true() if clause.when is None else \
            as_bool(compile_sql(clause.when_tree, plan.constants, group_field, aggregate))
        holds = as_bool(compile_sql(clause.require_tree, plan.constants, group_field, aggregate))
        outer += [exp.alias_(applies, f"applies_{index}"), exp.alias_(holds, f"holds_{index}")]
    key = {"product": exp.column("name", table="pi"), "department": exp.column("department", table="sd")} \
        .get(gate.scope, exp.column(KEYS[gate.scope], table="d"))
    first = exp.column("row_number", table="d") if gate.scope != "department" else \
        fill("d.row_number * 10000 + sd.place")  # the first deal's departments in their order
    columns = [exp.alias_(key, "key"), exp.alias_(exp.func("MIN", first), "first"),
               exp.alias_(exp.func("COUNT", exp.column("row_number", table="d")), "deals"), *inner]
    accepted = exp.select("*").from_("decided").where("code IS NULL")
    if gate.product is not None:
        accepted = accepted.where(exp.EQ(this=exp.column("product"), expression=exp.Literal.string(gate.product)))
    if gate.scope == "product":
        grouped = exp.select(*columns, exp.alias_(exp.func("MIN", exp.column("position", table="pi")), "place")) \
            .from_(exp.to_table("product_info").as_("pi")) \
            .join(accepted.subquery("d"), on="d.product = pi.name", join_type="left")
        if gate.product is not None:
            grouped = grouped.where(exp.EQ(this=exp.column("name", table="pi"),
                                           expression=exp.Literal.string(gate.product)))
        order = exp.column("place", table="g")
    else:
        grouped = exp.select(*columns).from_(accepted.subquery("d")) \
            .join(exp.to_table("product_info").as_("pi"), on="pi.name = d.product", join_type="left")
        if gate.scope == "department":
            grouped = grouped.join(exp.to_table("split_departments").as_("sd"),
                                   on="sd.product = d.product AND sd.participants = d.participants")
        grouped = grouped \
            .where(exp.NEQ(this=exp.func("COALESCE", key.copy(), exp.Literal.string("")),
                           expression=exp.Literal.string("")))
        order = exp.column("first", table="g")
    grouped = grouped.join(exp.to_table("clients").as_("c"), on="c.client_id = d.client_id", join_type="left") \
        .join(exp.to_table("projects").as_("j"), on="j.project_id = d.project_id", join_type="left") \
        .group_by(key.copy())
    return GateQuery(gate, exp.select(*outer).from_(grouped.subquery("g")).order_by(order))


def _row_field(plan: Plan, scope: str, name: str) -> Typed:
    """`scope.name` of one accepted deal, in the gate's query."""
    blank = lambda column: fill("NULLIF(x, '')", x=column)  # noqa: E731 — an empty cell is null (SPEC §3.5)
    if scope == "deal":
        if name == "quantity":
            return Typed(exp.column("quantity", table="d"), "num")
        if name in plan.cell_fields:
            return Typed(blank(exp.column(f"cell_{plan.cell_fields.index(name)}", table="d")), "text")
        return Typed(exp.Null(), "null")
    if scope == "client" and name in plan.fields.get("client", {}):
        return lookup_field("c", name)
    if scope == "project" and name in plan.fields.get("project", {}):
        return lookup_field("j", name)
    if scope == "product" and name in NUMERIC_PRODUCT:
        return Typed(exp.column(name, table="pi"), "num")
    if scope == "product" and name in ("name", "code", "unit"):
        return Typed(blank(exp.column(name, table="pi")), "text")
    if scope == "outlet" and name == "name":
        return Typed(blank(exp.column("outlet", table="d")), "text")
    if scope == "department" and name == "name":
        return Typed(exp.column("department", table="sd"), "text")
    return Typed(exp.Null(), "null")


def _aggregate(plan: Plan, gate: GatePlan, name: str, args: list[dict], member) -> Typed:
    """An aggregate over the group's deals (`operations.count`, `total`, `minimum`, `maximum`; `households`)."""
    deals = exp.func("COUNT", exp.column("row_number", table="d"))
    if name == "count":
        return Typed(exp.cast(deals, "DECIMAL(38, 12)"), "num")
    if name == "households":
        if gate.scope != "project":
            raise Unsupported("`households()` outside a project gate")
        total = _all_numbers(exp.column("quantity", table="d"), "SUM", deals)
        if "our_mortgages" not in plan.fields.get("project", {}):
            return Typed(total, "num")
        given = fill("MIN(NULLIF(TRIM(x), ''))", x=exp.column("our_mortgages", table="j", quoted=True))
        return Typed(exp.Case().when(exp.Is(this=given, expression=exp.Null()), total)
                     .else_(exp.func("MIN", exp.column("our_mortgages__num", table="j", quoted=True))), "num")
    if name not in ("sum", "minimum", "maximum"):
        raise Unsupported(f"`{name}` in a gate")
    value = as_number(compile_sql(args[0], plan.constants, member))
    function = {"sum": "SUM", "minimum": "MIN", "maximum": "MAX"}[name]
    return Typed(_all_numbers(value, function, deals), "num")


def _all_numbers(value: exp.Expression, function: str, deals: exp.Expression) -> exp.Expression:
    """The aggregate when every deal's value is a number, else null; an empty group sums to 0 and has no
    minimum or maximum."""
    every = exp.EQ(this=deals.copy(), expression=exp.func("COUNT", value.copy()))
    found = exp.func(function, value.copy())
    if function == "SUM":
        found = exp.func("COALESCE", found, exp.cast(exp.Literal.number(0), "DECIMAL(38, 12)"))
    else:
        every = exp.and_(every, exp.GT(this=deals.copy(), expression=exp.Literal.number(0)))
    return exp.Case().when(every, exp.cast(found, "DECIMAL(38, 12)"))
