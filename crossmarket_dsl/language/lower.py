"""Measure + rules AST → one merged IR document (SPEC §4), with a source map.

The IR is plain data: dicts, lists, strings, booleans and exact `Decimal` numbers, so it can be
validated by JSON Schema and written as JSON or YAML. Every node is recorded in `source_map`
under its JSON Pointer, so a schema violation or an evaluation figure points back to a source line.
Lowering never fails: names it cannot resolve are kept for the checks to report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..semantics.expr import evaluate_constant
from ..semantics.vocabulary import call_problem, is_aggregate
from . import ast
from .source import Span

IR_VERSION = "1"
EXPRESSION_SLOTS = frozenset({"expr", "when", "require", "target"})  # the IR's keys whose values are expressions


@dataclass
class Lowered:
    ir: dict
    source_map: dict[str, Span] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)


class Lowerer:
    def __init__(self, measure: ast.Program, rules: ast.Program | None):
        self.measure = measure
        self.rules = rules
        self.map: dict[str, Span] = {}
        self.let_names = {d.name.text for p in self._programs() for d in p.declarations
                     if isinstance(d, ast.Binding) and d.keyword == "let"}
        self.constants: dict[str, Any] = {}
        self.let_trees: dict[int, dict] = {}  # each `let`'s tree by its declaration, lowered once

    def _programs(self):
        return [p for p in (self.measure, self.rules) if p is not None]

    def _origin(self, program: ast.Program) -> str:
        return "measure" if program is self.measure else "rules"

    def _decls(self, kind, program: ast.Program | None = None):
        for p in [program] if program else self._programs():
            for d in p.declarations:
                if isinstance(d, kind):
                    yield p, d

    def at(self, pointer: str, node: ast.Node | None) -> str:
        if node is not None and node.span is not None:
            self.map.setdefault(pointer, node.span)
        return pointer

    # ---- expressions ------------------------------------------------------------------------

    def expr(self, node: ast.Expr, pointer: str) -> dict:
        """Lower one expression, by its node type (a look-up, not a chain of tests: lowering is on every
        `check`'s path, thousands of nodes for a large file)."""
        if node.span is not None:
            self.map.setdefault(pointer, node.span)
        return _EXPRESSIONS[type(node)](self, node, pointer)

    def _list(self, node: ast.ListLit, pointer: str) -> dict:
        return {"list": [self.expr(item, f"{pointer}/list/{i}") for i, item in enumerate(node.items)]}

    def _name(self, node: ast.Name, pointer: str) -> dict:
        return {"let" if node.name in self.let_names else "param": node.name}

    def _unary(self, node: ast.Unary, pointer: str) -> dict:
        return {"op": node.op, "args": [self.expr(node.operand, f"{pointer}/args/0")]}

    def _binary(self, node: ast.Binary, pointer: str) -> dict:
        return {"op": node.op, "args": [self.expr(node.left, f"{pointer}/args/0"),
                                        self.expr(node.right, f"{pointer}/args/1")]}

    def _if(self, node: ast.IfExpr, pointer: str) -> dict:
        return {"if": self.expr(node.condition, f"{pointer}/if"), "then": self.expr(node.then, f"{pointer}/then"),
                "else": self.expr(node.otherwise, f"{pointer}/else")}

    def _call(self, node: ast.Call, pointer: str) -> dict:
        return {"call": node.function,
                "args": [self.expr(arg, f"{pointer}/args/{i}") for i, arg in enumerate(node.args)]}

    def constant(self, node: ast.Expr, pointer: str):
        """A value known before any data is read (parameters, pool, ratios).

        Names and arity come before evaluation: an expression that calls an unknown function, or a function
        with the wrong number of arguments, is not evaluated; its value stays unknown (null) and the checks
        report the call (E202, E302)."""
        return self.value_of(node, self.expr(node, pointer))

    def value_of(self, node: ast.Expr, tree: dict):
        """The value of an expression already lowered to `tree` (see `constant`)."""
        if any(isinstance(n, ast.Call) and call_problem(n.function, len(n.args)) for n in ast.walk(node)):
            return None
        return evaluate_constant(tree, self.constants)

    def folded(self, node: ast.Expr, tree: dict):
        """The value of an expression that reads no table (`10`, `-10`, `基础分 * 2`), so that head office's
        schema can bound it; None when it reads a field or a group, or cannot be evaluated."""
        if any(isinstance(n, ast.Field) or isinstance(n, ast.Call) and (is_aggregate(n.function) or call_problem(
                n.function, len(n.args))) for n in ast.walk(node)):
            return None
        value = evaluate_constant(tree, self.constants)
        return value if isinstance(value, Decimal) else None

    @staticmethod
    def cites(node: ast.Node) -> list[str]:
        return [c.article for c in ast.all_cites(node)]

    # ---- sections ---------------------------------------------------------------------------

    def header(self) -> dict:
        head = self.measure.header
        settings = _settings(head.items)
        measure = {"name": head.name, "version": head.version,
                   "issuer": _first(settings, "issuer"), "schema": _first(settings, "schema"),
                   "effective": _period(settings), "cite": self.cites(head)}
        self.at("/header/measure", head)
        result = {"measure": measure, "cite": []}
        if self.rules is not None:
            rules_head = self.rules.header
            rules_settings = _settings(rules_head.items)
            implements = rules_settings.get("implements")
            result.update({
                "name": rules_head.name,
                "branch": _first(rules_settings, "branch"),
                "implements": {"name": implements.values[0], "version": implements.values[1]}
                if implements else None,
                "effective": _period(rules_settings),
            })
            result["cite"] = self.cites(rules_head)
            self.at("/header", rules_head)
            for key, setting in rules_settings.items():
                self.at(f"/header/{key}", setting)
        return result

    def params(self) -> dict:
        params: dict[str, dict] = {}
        for program, decl in self._decls(ast.Binding):
            name = decl.name.text
            if decl.keyword == "let":
                tree = self.let_trees[id(decl)] = self.expr(decl.value, f"/lets/{name}/expr")
                self.constants[name] = self.value_of(decl.value, tree)
                continue
            pointer = f"/params/{name}"
            value = self.constant(decl.value, f"{pointer}/value")
            if decl.keyword == "param":
                params.setdefault(name, {"value": value, "default": value, "set": False,
                                         "cite": self.cites(decl)})
                self.at(pointer, decl)
            elif name in params:
                params[name].update({"value": value, "set": True})
                params[name]["cite"] = list(dict.fromkeys(params[name]["cite"] + self.cites(decl)))
                self.map[pointer] = decl.span
                self.map[f"{pointer}/value"] = decl.value.span
            self.constants[name] = params[name]["value"] if name in params else value
        return params

    def lets(self) -> dict:
        result = {}
        for program, decl in self._decls(ast.Binding):
            if decl.keyword == "let":
                pointer = f"/lets/{decl.name.text}"
                self.at(pointer, decl)
                result[decl.name.text] = {"expr": self.let_trees[id(decl)],
                                          "value": self.constants.get(decl.name.text),
                                          "origin": self._origin(program), "cite": self.cites(decl)}
        return result

    def departments(self) -> list:
        out = []
        for _, decl in self._decls(ast.Department):
            self.at(f"/departments/{len(out)}", decl)
            out.append({"name": decl.name.text, "kind": decl.kind, "cite": self.cites(decl)})
        return out

    def articles(self) -> list:
        out = []
        for _, decl in self._decls(ast.Article):
            self.at(f"/articles/{len(out)}", decl)
            out.append({"name": decl.name.text, "text": decl.text})
        return out

    def outlets(self) -> list:
        out = []
        for _, decl in self._decls(ast.Outlet):
            self.at(f"/outlets/{len(out)}", decl)
            out.append({"name": decl.name.text, "cite": self.cites(decl)})
        return out

    def catalog(self) -> list:
        out = []
        for _, decl in self._decls(ast.Catalog):
            for entry in decl.entries:
                pointer = self.at(f"/catalog/{len(out)}", entry)
                settings = _settings(entry.items)
                for key, setting in settings.items():
                    self.at(f"{pointer}/{key}", setting)
                host = _first(settings, "host")
                out.append({"name": entry.name.text, "code": _first(settings, "code"),
                            "host": host.text if isinstance(host, ast.Ident) else host,
                            "unit": _first(settings, "unit"), "cite": self.cites(entry) or self.cites(decl)})
        return out

    def products(self, catalog: list) -> list:
        by_name = {entry["name"]: entry for entry in catalog}
        out = []
        for _, decl in self._decls(ast.Product):
            pointer = self.at(f"/products/{len(out)}", decl)
            self.at(f"{pointer}/name", decl.name)
            self.at(f"{pointer}/code", decl.name)  # the catalogue's code, found by this name
            entry = by_name.get(decl.name.text, {})
            product = {"name": decl.name.text, "code": entry.get("code"), "host": entry.get("host"),
                       "unit": entry.get("unit"), "points": None, "target": None, "target_value": None,
                       "cite": self.cites(decl) or entry.get("cite", [])}
            for item in decl.items:
                if isinstance(item, ast.Points):
                    self.at(f"{pointer}/points", item)
                    product["points"] = {
                        "expr": self.expr(item.expr, f"{pointer}/points/expr"), "per": item.per,
                        "when": self.expr(item.when, f"{pointer}/points/when") if item.when else None,
                        "value": None}
                    product["points"]["value"] = self.folded(item.expr, product["points"]["expr"])
                elif isinstance(item, ast.Setting) and item.key == "target":
                    product["target"] = self.expr(item.values[0], f"{pointer}/target")
                    product["target_value"] = self.folded(item.values[0], product["target"])
                    self.at(f"{pointer}/target_value", item)
            out.append(product)
        return out

    def targets(self) -> list:
        out = []
        for _, decl in self._decls(ast.Targets):
            pointer = self.at(f"/targets/{len(out)}", decl)
            self.at(f"{pointer}/department", decl.department)
            out.append({"department": decl.department.text,
                        "criteria": self.criteria(decl.criteria, f"{pointer}/criteria", self.cites(decl)),
                        "cite": self.cites(decl)})
        return out

    def criteria(self, criteria, pointer: str, inherited: list[str]) -> list:
        out = []
        for i, criterion in enumerate(criteria):
            self.at(f"{pointer}/{i}", criterion)
            out.append({"label": criterion.label, "expr": self.expr(criterion.expr, f"{pointer}/{i}/expr"),
                        "cite": self.cites(criterion) or inherited})
        return out

    def split(self) -> dict | None:
        result = None
        for program, decl in self._decls(ast.Block):
            if decl.keyword != "split":
                continue
            settings = _settings(decl.items)
            if result is None:
                result = {"host": None, "participants": None, "by": "equal", "cite": []}
            for key in ("host", "participants"):
                if key in settings:
                    result[key] = self.constant(settings[key].values[0], f"/split/{key}")
            if "by" in settings:
                result["by"] = settings["by"].values[0]
                self.map["/split/by"] = settings["by"].span
            result["cite"] = result["cite"] + self.cites(decl)
            self.at("/split", decl)
        return result

    def gates(self) -> list:
        out = []
        for program, decl in self._decls(ast.Gate):
            pointer = self.at(f"/gates/{len(out)}", decl)
            clauses, otherwise = [], {"kind": "zero", "factor": None}
            for item in decl.items:
                if isinstance(item, ast.Clause):
                    at = self.at(f"{pointer}/clauses/{len(clauses)}", item)
                    clauses.append({"when": self.expr(item.when, f"{at}/when") if item.when else None,
                                    "require": self.expr(item.require, f"{at}/require")})
                elif isinstance(item, ast.Otherwise):
                    self.at(f"{pointer}/otherwise", item)
                    factor = self.constant(item.factor, f"{pointer}/otherwise/factor") if item.factor else None
                    otherwise = {"kind": item.kind, "factor": factor}
            out.append({"name": decl.name.text, "scope": decl.scope,
                        "product": decl.product.text if decl.product else None,
                        "at_period_end": decl.at_period_end, "clauses": clauses, "otherwise": otherwise,
                        "origin": self._origin(program), "cite": self.cites(decl)})
        return out

    def block(self, keyword: str, build) -> dict | None:
        """A `reward`, `audit` or `statement` block; a branch's own block replaces the measure's."""
        found = [decl for _, decl in self._decls(ast.Block) if decl.keyword == keyword]
        if not found:
            return None
        decl = found[-1]
        self.map[f"/{keyword}"] = decl.span
        settings = _settings(decl.items)
        for key, setting in settings.items():
            self.map[f"/{keyword}/{key}"] = setting.span
        return {**build(settings), "cite": self.cites(decl)}

    def reward(self, settings) -> dict:
        rounding = settings.get("rounding")
        return {
            "pool": self.constant(settings["pool"].values[0], "/reward/pool") if "pool" in settings else None,
            "allocate": _first(settings, "allocate") or "pro_rata",
            "rounding": {"unit": self.constant(rounding.values[0], "/reward/rounding/unit"),
                         "mode": rounding.values[1]} if rounding else None,
        }

    def audit(self, settings) -> dict:
        return {
            "spot_check": self.constant(settings["spot_check"].values[0], "/audit/spot_check")
            if "spot_check" in settings else None,
            "seed": _first(settings, "seed"),
        }

    def statement(self, settings) -> dict:
        publish = settings.get("publish")
        return {"publish_days": self.constant(publish.values[0], "/statement/publish_days") if publish else None}

    def attribution(self) -> dict | None:
        for _, decl in self._decls(ast.Attribution):
            self.at("/attribution", decl)
            return {"to": "outlet", "items": self.criteria(decl.items, "/attribution/items", self.cites(decl)),
                    "cite": self.cites(decl)}
        return None

    def awards(self) -> list:
        """Art. 4, 17: key projects' and clients' breakthroughs and the points each earns named departments."""
        out = []
        for program, decl in self._decls(ast.Award):
            pointer = self.at(f"/awards/{len(out)}", decl)
            self.at(f"{pointer}/name", decl.name)
            when = next((item for item in decl.items if isinstance(item, ast.Setting) and item.key == "when"), None)
            lines = [item for item in decl.items if isinstance(item, ast.AwardTo)]
            to = []
            for i, line in enumerate(lines):
                at = self.at(f"{pointer}/to/{i}", line)
                self.at(f"{at}/department", line.department)
                to.append({"department": line.department.text, "points": self.constant(line.points, f"{at}/points")})
            out.append({"name": decl.name.text, "scope": decl.scope, "key": decl.key,
                        "when": self.expr(when.values[0], f"{pointer}/when") if when else None,
                        "to": to, "origin": self._origin(program), "cite": self.cites(decl)})
        return out

    def objectives(self) -> list:
        """Art. 17: each department's year-start target and its deductions and special awards by completion."""
        out = []
        for _, decl in self._decls(ast.Objective):
            pointer = self.at(f"/objectives/{len(out)}", decl)
            self.at(f"{pointer}/department", decl.department)
            target = next((item for item in decl.items if isinstance(item, ast.Setting) and item.key == "target"), None)
            tiers = []
            for tier in (item for item in decl.items if isinstance(item, ast.Tier)):
                at = self.at(f"{pointer}/tiers/{len(tiers)}", tier)
                tiers.append({"op": tier.op, "threshold": self.constant(tier.threshold, f"{at}/threshold"),
                              "kind": tier.kind, "amount": self.constant(tier.amount, f"{at}/amount"),
                              "of_points": tier.of_points})
            out.append({"department": decl.department.text,
                        "target": self.constant(target.values[0], f"{pointer}/target") if target else None,
                        "tiers": tiers, "cite": self.cites(decl)})
        return out

    def citations(self, ir: dict) -> list:
        """Every citation with the JSON Pointer of the node that carries it."""
        found = []

        def visit(node, pointer):
            if isinstance(node, dict):
                for article in node.get("cite") or []:
                    found.append({"article": article, "pointer": pointer or "/"})
                for key, value in node.items():
                    if key != "cite" and key not in EXPRESSION_SLOTS:  # expression trees carry no citations
                        visit(value, f"{pointer}/{_escape(key)}")
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    visit(value, f"{pointer}/{i}")

        visit(ir, "")
        return found

    def lower(self) -> Lowered:
        params = self.params()
        catalog = self.catalog()
        ir = {
            "ir_version": IR_VERSION,
            "kind": "rules" if self.rules is not None else "measure",
            "header": self.header(),
            "articles": self.articles(),
            "params": params,
            "lets": self.lets(),
            "departments": self.departments(),
            "outlets": self.outlets(),
            "catalog": catalog,
            "products": self.products(catalog),
            "targets": self.targets(),
            "split": self.split(),
            "gates": self.gates(),
            "reward": self.block("reward", self.reward),
            "audit": self.block("audit", self.audit),
            "statement": self.block("statement", self.statement),
            "attribution": self.attribution(),
            "awards": self.awards(),
            "objectives": self.objectives(),
        }
        ir["citations"] = self.citations(ir)
        return Lowered(ir, self.map, self.constants)


_EXPRESSIONS = {
    ast.Number: lambda lowerer, node, pointer: {"lit": node.value},
    ast.String: lambda lowerer, node, pointer: {"lit": node.value},
    ast.Bool: lambda lowerer, node, pointer: {"lit": node.value},
    ast.Null: lambda lowerer, node, pointer: {"lit": None},
    ast.DateLit: lambda lowerer, node, pointer: {"date": node.value.isoformat()},
    ast.Field: lambda lowerer, node, pointer: {"field": [node.scope, node.name]},
    ast.ListLit: Lowerer._list, ast.Name: Lowerer._name, ast.Unary: Lowerer._unary, ast.Binary: Lowerer._binary,
    ast.IfExpr: Lowerer._if, ast.Call: Lowerer._call,
}


def lower(measure: ast.Program, rules: ast.Program | None = None) -> Lowered:
    return Lowerer(measure, rules).lower()


def _settings(items) -> dict[str, ast.Setting]:
    """Settings of a block by key; the first wins (duplicates are reported by the checks)."""
    result: dict[str, ast.Setting] = {}
    for item in items:
        if isinstance(item, ast.Setting):
            result.setdefault(item.key, item)
    return result


def _first(settings: dict[str, ast.Setting], key: str):
    setting = settings.get(key)
    return setting.values[0] if setting and setting.values else None


def _period(settings: dict[str, ast.Setting]) -> dict | None:
    setting = settings.get("effective")
    if setting is None:
        return None
    start, end = setting.values
    return {"from": start.isoformat(), "to": end.isoformat()}


def _escape(key: str) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")
