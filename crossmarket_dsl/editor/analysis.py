"""One open `.xm` file as an editor sees it: checked from its unsaved text, with an index of every name
it and its measure declare, and the columns of the tables of a workspace near it.

Everything here works on what `language.pipeline.load` returns; nothing evaluates a ledger.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import UserError
from ..io.tables import read_table
from ..io.workspace import load_workspace
from ..language import ast
from ..language.pipeline import Compiled, load
from ..language.source import Span

# The columns SPEC'd for each scope, offered when no workspace names real tables.
KNOWN_FIELDS = {
    "deal": ["deal_id", "date", "product", "quantity", "amount", "client_id", "participants", "outlet",
             "project_id", "staff"],
    "client": ["client_id", "name"],
    "project": ["project_id", "dev_loan", "dev_loan_share", "total_mortgages", "our_mortgages"],
    "product": ["target", "indicator", "code", "name"],
    "department": ["name"],
    "outlet": ["name"],
}
TABLE_OF_SCOPE = {"deal": "deals", "client": "clients", "project": "projects", "product": "indicators"}
KIND_WORDS = {
    "department": "部门 department", "outlet": "网点 outlet", "param": "参数 parameter", "let": "常量 constant",
    "set": "参数设定 parameter set", "catalog": "目录产品 catalogue product", "product": "产品 product",
    "targets": "目标客户标准 target criteria", "gate": "门槛 gate", "block": "设定 settings",
    "attribution": "网点归属 outlet attribution", "article": "条文 article of the measure",
    "award": "专项奖励 special award",
}


@dataclass(frozen=True)
class Declaration:
    """A name a file declares: where, what kind, the article it cites, and its syntax node."""

    name: str
    kind: str
    span: Span
    cite: str | None
    node: object
    in_measure: bool


@dataclass
class Analysis:
    path: Path
    text: str
    compiled: Compiled | None = None
    failure: UserError | None = None  # the file or its measure could not be read at all
    declarations: dict[str, list[Declaration]] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)  # scope → column names of the workspace
    tables: dict[str, str] = field(default_factory=dict)  # scope → the table file the columns come from

    def declared(self, name: str) -> list[Declaration]:
        return self.declarations.get(name, [])

    def fields(self, scope: str) -> list[str]:
        return self.columns.get(scope) or KNOWN_FIELDS.get(scope, [])

    @property
    def ir(self) -> dict | None:
        return self.compiled.ir if self.compiled else None


def analyse(path: Path, text: str, measure: Path | None = None, schema: Path | None = None) -> Analysis:
    """Check `text` as the file `path` and index what it and its measure declare."""
    analysis = Analysis(path, text)
    try:
        analysis.compiled = load(path, measure=measure, schema=schema, text=text)
    except UserError as exc:
        analysis.failure = exc
        return analysis
    for program, in_measure in ((analysis.compiled.measure, True), (analysis.compiled.program, False)):
        if program is not None and (in_measure or program.kind == "rules"):
            for declaration in declarations_of(program, in_measure):
                analysis.declarations.setdefault(declaration.name, []).append(declaration)
    analysis.columns, analysis.tables = workspace_columns(path)
    return analysis


def declarations_of(program: ast.Program, in_measure: bool) -> list[Declaration]:
    found: list[Declaration] = []
    for decl in program.declarations:
        cite = decl.cite.article if getattr(decl, "cite", None) else None
        if isinstance(decl, ast.Catalog):
            found += [Declaration(entry.name.text, "catalog", entry.name.span, _cite_of(entry.items), entry, in_measure)
                      for entry in decl.entries]
        elif isinstance(decl, ast.Binding):
            found.append(Declaration(decl.name.text, decl.keyword, decl.name.span, cite, decl, in_measure))
        elif isinstance(decl, ast.Targets):
            found.append(Declaration(decl.department.text, "targets", decl.department.span, cite, decl, in_measure))
        elif isinstance(decl, (ast.Department, ast.Outlet, ast.Gate, ast.Award)):
            kind = {ast.Department: "department", ast.Outlet: "outlet", ast.Gate: "gate", ast.Award: "award"}[type(decl)]
            found.append(Declaration(decl.name.text, kind, decl.name.span, cite, decl, in_measure))
        elif isinstance(decl, ast.Article):
            found.append(Declaration(decl.name.text, "article", decl.name.span, None, decl, in_measure))
        elif isinstance(decl, ast.Product):
            found.append(Declaration(decl.name.text, "product", decl.name.span,
                                     cite or _cite_of(decl.items), decl, in_measure))
    return found


def _cite_of(items) -> str | None:
    return next((item.article for item in items if isinstance(item, ast.Cite)), None)


def workspace_columns(path: Path) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The header of each table of the workspace whose rules are `path` (looked for in the file's folder and
    the folders above it, and in the `examples/` of the repository it lies in), by field scope."""
    workspace = _workspace_of(path)
    if workspace is None:
        return {}, {}
    columns, tables = {}, {}
    for scope, role in TABLE_OF_SCOPE.items():
        table_path = workspace.tables.get(role)
        if table_path is None:
            continue
        try:
            table = read_table(table_path, encoding=workspace.encoding, table=role, stream=True)
        except UserError:
            continue
        columns[scope], tables[scope] = list(table.columns), table_path
    return columns, tables


def _workspace_of(path: Path):
    path = path.resolve()
    candidates = [folder / "workspace.yaml" for folder in list(path.parents)[:3]]
    root = next((folder for folder in path.parents if (folder / "policies").is_dir()), None)
    if root is not None and (root / "examples").is_dir():
        candidates += sorted((root / "examples").glob("*/workspace.yaml"))
    fallback = None
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            workspace = load_workspace(candidate)
        except UserError:
            continue
        if workspace.rules.resolve() == path:
            return workspace
        if fallback is None and candidate.parent == path.parent:
            fallback = workspace
    return fallback


def head_office_bounds(compiled: Compiled, param: str) -> dict:
    """Head office's bounds on a parameter's value (`minimum`, `maximum`, `const`…, `x-article`), read from
    the schema the measure names."""
    if compiled.schema_path is None:
        return {}
    try:
        schema = json.loads(Path(compiled.schema_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    for part in schema.get("allOf", []):
        node = part.get("properties", {}).get("params", {}).get("properties", {}).get(param, {})
        value = node.get("properties", {}).get("value")
        if value is not None:
            return _resolved(schema, value)
    return {}


def _resolved(schema: dict, node: dict) -> dict:
    while "$ref" in node and node["$ref"].startswith("#/"):
        target = schema
        for step in node["$ref"][2:].split("/"):
            target = target.get(step, {})
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node
