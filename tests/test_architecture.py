"""The house's rules, enforced: wings by stage, lower wings never import higher ones, no import cycles.

A module's wing is its folder under `crossmarket_dsl/`; WINGS lists them from the ground up.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "crossmarket_dsl"
WINGS = ["core", "semantics", "language", "io", "engine", "reports", "office", "editor", "cli"]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Every crossmarket_dsl module `path` imports, lazily or not (`from . import x` names module x)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("crossmarket_dsl"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("crossmarket_dsl"):
                continue
            subs = {f"{target}.{a.name}" for a in node.names} & known
            found.update(subs or {target})
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in paths}
    return {module_name(p): imported_modules(p, known) for p in paths}


def wing(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in WINGS) else None


def test_every_module_lives_in_a_wing():
    loose = [m for m in graph() if wing(m) is None and m not in {"crossmarket_dsl", "crossmarket_dsl.__main__"}]
    assert loose == []
    assert {wing(m) for m in graph()} - {None} <= set(WINGS)


def test_no_wing_imports_a_higher_one():
    upward = [
        f"{m} ({wing(m)}) imports {d} ({wing(d)})"
        for m, deps in graph().items()
        for d in deps
        if wing(m) and wing(d) and WINGS.index(wing(d)) > WINGS.index(wing(m))
    ]
    assert upward == []


def test_the_import_graph_has_no_cycle():
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in sorted(edges[node]):
            if state.get(dep) == 1:
                cycles.append(trail[trail.index(dep):] + [dep] if dep in trail else [node, dep])
            elif dep not in state:
                visit(dep, trail + [dep])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert cycles == []


@pytest.mark.parametrize("module", ["crossmarket_dsl.engine.rows"])
def test_the_row_loop_is_imported_only_by_the_evaluator(module):
    importers = sorted(m for m, deps in graph().items() if module in deps)
    assert importers == ["crossmarket_dsl.engine.evaluate"]


def test_the_architecture_document_names_every_module():
    """docs/ARCHITECTURE.md lists each module by file name, or the folder holding it (`cli/`, `checks/`)."""
    document = (PACKAGE.parent / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    unnamed = []
    for path in sorted(PACKAGE.rglob("*.py")):
        folders = path.relative_to(PACKAGE).parts[:-1]
        if path.name in ("__init__.py", "__main__.py") or any(f"`{folder}/`" in document for folder in folders):
            continue
        if f"`{path.name}`" not in document:
            unnamed.append(str(path.relative_to(PACKAGE)))
    assert unnamed == [], "name these in the table of modules of docs/ARCHITECTURE.md"
