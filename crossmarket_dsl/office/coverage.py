"""`crossmarket coverage`: the measure article by article (as `opa test --coverage` goes line by line):
the declarations that implement each article, the policy tests that cite it, and, over a workspace's
evaluation, the deals whose points pass through it and the points and reward money they carry.

An article no declaration cites is listed as organisational (committees, duties, marketing practice):
the software carries nothing of it, which is a finding, not an error. An article that is implemented but
that no policy test cites is listed as untested (未测试): nothing shows that the rules do what it says.
For a branch's rules, the catalogue entry of a product the branch does not configure implements nothing
there: its deals are rejected (R004), so the entry's article is not carried by that branch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import re

import yaml

from ..io.workspace import TextDateLoader
from ..language.pipeline import Compiled

ZERO = Decimal(0)
_CITE_SEPARATORS = re.compile(r"[、，,;；\s]+")


@dataclass
class ArticleCoverage:
    name: str
    text: str
    declarations: list[str] = field(default_factory=list)  # `product 个人住房贷款 (panjin.xm:35)`
    tests: list[str] = field(default_factory=list)  # `panjin.test.yaml: 独家开发贷楼盘…`
    deals: int = 0
    points: Decimal = ZERO
    reward: Decimal = ZERO

    @property
    def implemented(self) -> bool:
        return bool(self.declarations)

    @property
    def status(self) -> str:
        """`tested`, `untested` (implemented, no policy test cites it) or `organisational`."""
        if not self.implemented:
            return "organisational"
        return "tested" if self.tests else "untested"


def coverage(compiled: Compiled, test_files: list[Path], result=None) -> list[ArticleCoverage]:
    """Every article of the measure, in order, with what implements, tests and (given a result) uses it.
    For a branch's rules, only the policy tests of those rules count; for the measure, every branch's."""
    ir = compiled.lowered.ir
    articles = {a["name"]: ArticleCoverage(a["name"], a["text"]) for a in ir["articles"]}
    for citation in ir["citations"]:
        if citation["article"] in articles and _carried(ir, citation["pointer"]):
            entry = articles[citation["article"]]
            entry.declarations.append(_declaration(compiled, citation["pointer"]))
    rules = compiled.path.resolve() if ir["kind"] == "rules" else None
    for path in test_files:
        for article, name in _test_cites(path, rules):
            if article in articles:
                articles[article].tests.append(f"{path.name}: {name}")
    if result is not None:
        _touched(articles, result)
    return list(articles.values())


def _carried(ir: dict, pointer: str) -> bool:
    """Whether a citing declaration is carried by these rules: for a branch, a catalogue entry only when the
    branch configures that product (the measure's catalogue alone scores nothing)."""
    parts = pointer.strip("/").split("/")
    if ir["kind"] != "rules" or parts[0] != "catalog" or len(parts) < 2 or not parts[1].isdigit():
        return True
    configured = {product["name"] for product in ir["products"]}
    return ir["catalog"][int(parts[1])]["name"] in configured


SECTIONS = {"header": "header", "params": "param", "lets": "let", "departments": "department", "outlets": "outlet",
            "catalog": "catalogue", "products": "product", "targets": "targets for", "split": "split",
            "gates": "gate", "reward": "reward", "audit": "audit", "statement": "statement",
            "attribution": "attribute to outlet", "awards": "award", "objectives": "objective"}


def _declaration(compiled: Compiled, pointer: str) -> str:
    """A citing declaration as its author knows it: `gate 住房按揭最低户数 (2026.xm:65)`."""
    ir = compiled.lowered.ir
    parts = pointer.strip("/").split("/")
    node = ir.get(parts[0])
    if len(parts) > 1 and isinstance(node, list) and parts[1].isdigit():
        node = node[int(parts[1])]
    name = parts[1] if len(parts) > 1 and isinstance(ir.get(parts[0]), dict) else ""
    if isinstance(node, dict):
        name = node.get("name") or node.get("department") or node.get("label") or name
    words = " ".join(filter(None, [SECTIONS.get(parts[0], parts[0]), str(name) if name else ""]))
    span = _span(compiled, pointer)
    return f"{words} ({Path(span.file).name}:{span.line})" if span else words


def _span(compiled: Compiled, pointer: str):
    source_map = compiled.lowered.source_map
    while pointer and pointer not in source_map:
        pointer = pointer.rsplit("/", 1)[0]
    return source_map.get(pointer)


def _test_cites(path: Path, rules: Path | None) -> list[tuple[str, str]]:
    """(article, test name) of each policy test of a file that names its article (`cite: 第二十条`); with
    `rules`, only a file testing those rules."""
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=TextDateLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []  # `crossmarket test` reports an unreadable test file; coverage counts what it can read
    if not isinstance(document, dict):
        return []
    if rules is not None and (path.parent / str(document.get("rules"))).resolve() != rules:
        return []
    tests = document.get("tests")
    return [(article, str(test.get("name") or "")) for test in tests or [] if isinstance(test, dict)
            for article in _cited(test.get("cite"))]


def _cited(cite) -> list[str]:
    """The articles a test cites: one (`第十条`) or several in one line (`第十条、第十四条`)."""
    return [name for name in _CITE_SEPARATORS.split(str(cite or "")) if name]


def _touched(articles: dict[str, ArticleCoverage], result) -> None:
    """Each reported deal counts once for every article on its path: its product's, the split's, and those
    of the gates that judged it; its points after the gates, and their part of the reward pool. The year-end
    awards and deductions (art. 4, 17) add and take away points and money under the articles they cite."""
    gates_of: dict[int, list[str]] = {}
    for outcome in result.gates:
        for deal in outcome.deals:
            gates_of.setdefault(id(deal), []).extend(outcome.gate.cite)
    total = sum(result.department_points.values(), ZERO)
    pool = result.pool if result.rewards else None
    for deal in result.deals:
        points = deal.gated_points
        cited = dict.fromkeys([*deal.product_plan.cite, *result.plan.split_cite, *gates_of.get(id(deal), [])])
        for name in cited:
            entry = articles.get(name)
            if entry is not None:
                entry.deals += 1
                entry.points += points
                if pool and total:
                    entry.reward += pool * points / total
    adjustments = result.adjustments
    for item in adjustments.items if adjustments is not None and adjustments.applied else []:
        points = item.points if item.kind == "award" else -item.points
        for name in dict.fromkeys(item.cite):
            entry = articles.get(name)
            if entry is not None:
                entry.points += points
                if pool and total:
                    entry.reward += pool * points / total


def to_json(entries: list[ArticleCoverage], with_deals: bool) -> dict:
    rows = []
    for entry in entries:
        row = {"article": entry.name, "text": entry.text, "implemented": entry.implemented,
               "status": entry.status, "declarations": entry.declarations, "tests": entry.tests}
        if with_deals:
            row.update(deals=entry.deals, points=f"{entry.points:.4f}", reward=f"{entry.reward:.2f}")
        rows.append(row)
    return {"articles": rows,
            "summary": {"articles": len(entries), "implemented": sum(e.implemented for e in entries),
                        "tested": sum(bool(e.tests) for e in entries),
                        "untested": [e.name for e in entries if e.status == "untested"],
                        "organisational": [e.name for e in entries if not e.implemented]}}


STATES = {"tested": "实施 implemented", "untested": "未测试 untested: implemented, no policy test cites it",
          "organisational": "组织性条款 organisational: nothing implements it"}


def coverage_text(document: dict) -> str:
    lines = []
    for row in document["articles"]:
        state = STATES[row["status"]]
        lines.append(f"{row['article']}  {state}; {len(row['tests'])} policy test{'s' if len(row['tests']) != 1 else ''}")
        lines.append(f"  “{_short(row['text'])}”")
        lines += [f"  - {declaration}" for declaration in row["declarations"]]
        lines += [f"  ✓ {test}" for test in row["tests"]]
        if "deals" in row:
            lines.append(f"  deals {row['deals']}, points {row['points']}, reward {row['reward']}")
    summary = document["summary"]
    lines.append(f"{summary['implemented']} of {summary['articles']} articles implemented, {summary['tested']} "
                 f"cited by policy tests; untested: {'、'.join(summary['untested']) or 'none'}; "
                 f"organisational: {'、'.join(summary['organisational']) or 'none'}")
    return "\n".join(lines) + "\n"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
