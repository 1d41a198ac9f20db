"""Validation of the IR against head office's JSON Schema, reported at source lines (SPEC §4).

A rules IR is validated against head office's schema, which builds on `ir.schema.json` beside it with
`allOf` + `$ref`; a measure checked alone, against `ir.schema.json`. On every run only head office's own
constraints are applied — parameters, products, targets, the reward, the mandated gates — and `ir.schema.json`
lends its definitions to them: the IR's structure and its expression trees are what lowering writes, held to
`ir.schema.json` once, by the tests (`tests/test_ir_schema.py`), rather than validated node by node on every
`check`, where they cost more than everything else together. Schemas are read with numbers as `Decimal`, so bounds compare exactly with the IR's
numbers. Whether the IR keeps the bounds is decided by `bounds.py`, a small validator with jsonschema's
semantics; jsonschema itself is imported only to word the violations of an IR that breaks them (or to decide
when a schema uses what `bounds.py` does not implement). Each violation is reported at the source span of the offending value (the IR's source map, walking
up to the nearest node that has a span), worded from annotations in the schema itself:

- `x-code`: the diagnostic's code (default E407);
- `x-article`: the article of the measure the bound implements (`第二十条` → "art. 20 (第二十条)");
- `x-format`: `percent` or `days`, how values and limits are printed;
- `x-message`, `x-help`: templates over `{name}`, `{item}`, `{value}`, `{limit}`, `{missing}`, `{article}`.

The codes (E401–E409) and their meanings are in the registry, `core/codes.py`.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from .bounds import Documents, as_json, holds
from .diagnostics import Diagnostic, percent, plain_number
from .resolve import PACKAGED_SCHEMAS, ir_schema_path
from .source import Span

DEFAULT_CODE = "E407"
MESSAGES = {
    "minimum": "`{name}` is {value}, below head office's minimum {limit}",
    "exclusiveMinimum": "`{name}` is {value}, it must be more than {limit}",
    "maximum": "`{name}` is {value}, above head office's maximum {limit}",
    "exclusiveMaximum": "`{name}` is {value}, it must be less than {limit}",
    "const": "`{name}` is {value}, but head office fixes it at {limit}",
    "enum": "`{name}` is {value}, not one of {limit}",
    "multipleOf": "`{name}` is {value}, it must be a multiple of {limit}",
    "type": "`{name}` is {value}, not {limit}",
    "required": "`{missing}` is missing",
}
HELPS = {
    "minimum": "{article} requires at least {limit}",
    "exclusiveMinimum": "{article} requires more than {limit}",
    "maximum": "{article} allows at most {limit}",
    "exclusiveMaximum": "{article} requires less than {limit}",
    "const": "{article} requires exactly {limit}",
    "enum": "{article} allows {limit}",
    "type": "{article} requires {limit}",
}
TYPE_WORDS = {"number": "a number", "integer": "a whole number", "string": "a text", "boolean": "true or false",
              "object": "a block", "array": "a list", "null": "empty"}
CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError


class SchemaProblem(Exception):
    """A schema file that cannot be used: unreadable, not JSON, not a JSON Schema, a `$ref` unresolved."""


def validate(ir: dict, source_map: dict[str, Span], schema_path: Path, fallback: Span) -> list[Diagnostic]:
    """Validate an IR; every violation becomes a diagnostic at the span of the offending value."""
    try:
        if holds(ir, _documents(Path(schema_path), ir.get("kind"))):
            return []
    except SchemaProblem as problem:
        return _unusable(problem, fallback)
    return _violations(ir, source_map, schema_path, fallback)


def _unusable(problem: SchemaProblem, fallback: Span) -> list[Diagnostic]:
    return [Diagnostic("E409", str(problem), fallback,
                       help="head office's schema files must be valid JSON Schema (draft 2020-12)")]


def _violations(ir: dict, source_map: dict[str, Span], schema_path: Path, fallback: Span) -> list[Diagnostic]:
    """The violations of an IR the small validator does not find valid, from jsonschema's own errors."""
    from referencing.exceptions import Unresolvable  # only when the small validator cannot say "valid"
    try:
        validator, name = _validator(Path(schema_path), ir.get("kind"))
        errors = list(validator.iter_errors(as_json(ir)))
    except SchemaProblem as problem:
        return _unusable(problem, fallback)
    except Unresolvable as exc:
        return [Diagnostic("E409", f"the schema `{Path(schema_path).name}` refers to `{exc.ref}`, which cannot be "
                                   "found", fallback, help="schemas refer to `ir.schema.json` beside them by name")]
    except RecursionError:
        return [Diagnostic("E408", "the expressions of this file are nested too deeply to check against "
                                   "head office's schema", fallback, help="split them into smaller parts with `let`")]
    found = [_diagnostic(e, ir, name, source_map, fallback) for e in _one_per_value(errors)]
    return sorted(_once(found, fallback.file), key=Diagnostic.sort_key)


def _once(diagnostics: list[Diagnostic], checked_file: str) -> list[Diagnostic]:
    """A value the measure only passes on (its statement publishes `publish_days` days) breaks the bound where
    the rules set it: the same violation is reported once, in the file being checked."""
    ours = {(d.code, d.message) for d in diagnostics if d.span.file == checked_file}
    return [d for d in diagnostics if d.span.file == checked_file or (d.code, d.message) not in ours]


# ---- loading ---------------------------------------------------------------------------------------


def _documents(schema_path: Path, kind) -> Documents:
    """What the small validator checks against: the same root and IR schema as `_validator`."""
    ir_path = ir_schema_path(schema_path)
    ir_schema = _definitions_only(_load(ir_path))
    root = ir_schema if kind == "measure" else _load(schema_path)
    return Documents(root, ir_schema, ir_path.name)


def _validator(schema_path: Path, kind) -> tuple[Draft202012Validator, str]:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    ir_path = ir_schema_path(schema_path)
    ir_schema = _definitions_only(_load(ir_path))
    root, root_path = (ir_schema, ir_path) if kind == "measure" else (_load(schema_path), schema_path)
    resource = Resource.from_contents(ir_schema, default_specification=DRAFT202012)
    base = root.get("$id", "")
    uris = {urljoin(base, ir_path.name), ir_path.name} | ({resource.id()} if resource.id() else set())
    registry = Registry().with_resources((uri, resource) for uri in uris)
    return Draft202012Validator(root, registry=registry), root_path.name.removesuffix(".schema.json")


def _load(path: Path) -> dict:
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise SchemaProblem(f"cannot read the schema `{path.name}` ({exc.strerror or exc})") from None
    return _load_cached(str(path), stamp)


@lru_cache(maxsize=16)
def _load_cached(path: str, stamp: int) -> dict:
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
        schema = json.loads(text, parse_float=Decimal)
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaProblem(f"cannot read the schema `{name}` ({exc})") from None
    except json.JSONDecodeError as exc:
        raise SchemaProblem(f"the schema `{name}` is not valid JSON: {exc.msg} at line {exc.lineno}, "
                            f"column {exc.colno}") from None
    if not _shipped(name, text):
        _check_schema(schema, name)
    if not isinstance(schema, dict):
        raise SchemaProblem(f"the schema `{name}` is not a JSON object")
    return schema


def _check_schema(schema, name: str) -> None:
    """A schema not shipped with crossmarket is held to the meta-schema (jsonschema imported for it alone)."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "its top level"
        raise SchemaProblem(f"the schema `{name}` is not a valid JSON Schema (at `{where}`): {exc.message}") from None


def _shipped(name: str, text: str) -> bool:
    """A schema exactly as crossmarket ships it: the tests hold those to the JSON Schema meta-schema, so they
    are not checked again on every run (a fifth of a second, more than all the rest of validation)."""
    try:
        return (PACKAGED_SCHEMAS / name).read_text(encoding="utf-8") == text
    except OSError:
        return False


def _definitions_only(ir_schema: dict) -> dict:
    """The IR schema as head office's schema refers to it on every run: its definitions, for `$ref`s into them,
    with any expression tree accepted as it is, and no constraints of its own (see the module's docstring)."""
    definitions = ir_schema.get("$defs")
    kept = {key: ir_schema[key] for key in ("$schema", "$id") if key in ir_schema}
    if isinstance(definitions, dict):
        kept["$defs"] = {**definitions, "expr": True} if "expr" in definitions else definitions
    return kept


# ---- errors in the user's terms ------------------------------------------------------------------


def _one_per_value(errors: list[ValidationError]) -> list[ValidationError]:
    """A value of the wrong type fails its bounds too; report the type alone."""
    mistyped = {(tuple(e.absolute_path), id(e.schema)) for e in errors if e.validator == "type"}
    return [e for e in errors
            if e.validator == "type" or (tuple(e.absolute_path), id(e.schema)) not in mistyped]


def _item_name(ir: dict, path: list) -> str:
    """The name of the nearest IR object around a path that has one (a product, a gate …)."""
    node, found = ir, ""
    for key in [*path, None]:
        if isinstance(node, dict) and isinstance(node.get("name"), str):
            found = node["name"]
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return found


def _diagnostic(error: ValidationError, ir: dict, schema_name: str, source_map: dict[str, Span],
                fallback: Span) -> Diagnostic:
    notes = error.schema if isinstance(error.schema, dict) else {}
    keyword = error.validator
    fields = _fields(error, ir, notes)
    template = notes.get("x-message") or MESSAGES.get(keyword)
    help_template = notes.get("x-help") or HELPS.get(keyword)
    if template is None:  # not a bound of head office's: the IR itself is malformed
        template = "the compiled rules do not have the structure of the language at `{pointer}`"
        help_template = help_template or f"`{keyword}` fails: {_shorten(error.message)}; the IR was edited by " \
                                         "hand, or this is a bug in crossmarket"
    elif keyword == "type" and error.instance is None and "x-message" not in notes:
        template = "`{name}` is not given"
    help_text = f"{_fill(help_template or 'see the schema', fields)}; schema {schema_name}"
    return Diagnostic(str(notes.get("x-code", DEFAULT_CODE)), _fill(template, fields),
                      _span(error.absolute_path, source_map, fallback), help=help_text)


def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _fields(error: ValidationError, ir: dict, notes: dict) -> dict[str, str]:
    style = notes.get("x-format")
    path = list(error.absolute_path)
    names = [p for p in path if isinstance(p, str) and p != "value"]
    limit = error.validator_value
    if error.validator == "type":
        shown_limit = " or ".join(TYPE_WORDS.get(t, t) for t in ([limit] if isinstance(limit, str) else limit))
    else:
        shown_limit = _show(limit, style)
    missing = [p for p in limit if p not in error.instance] if error.validator == "required" else []
    return {
        "name": notes.get("x-name") or (names[-1] if names else "the document"),
        "item": _item_name(ir, path),
        "value": _show(error.instance, style),
        "limit": shown_limit,
        "missing": ", ".join(missing),
        "article": _article(notes.get("x-article")),
        "pointer": _pointer(path) or "/",
    }


def _fill(template: str, fields: dict[str, str]) -> str:
    """Fill `{name}`-style placeholders; anything else in braces (`{ … }` in an example) stays as written."""
    return re.sub(r"\{(\w+)\}", lambda m: fields.get(m.group(1), m.group(0)), str(template))


def _show(value, style: str | None) -> str:
    if isinstance(value, list):
        return ", ".join(_show(v, style) for v in value)
    if isinstance(value, bool) or value is None:
        return {True: "`true`", False: "`false`", None: "empty"}[value]
    if isinstance(value, (Decimal, int, float)):
        number = Decimal(str(value))
        if style == "percent":
            return percent(number)
        text = plain_number(number)
        return f"{text} day{'s' if number != 1 else ''}" if style == "days" else text
    if isinstance(value, str):
        return f"`{value}`"
    return "a block" if isinstance(value, dict) else f"`{value}`"


def _article(article: str | None) -> str:
    """`第二十条` → `art. 20 (第二十条)`; no article → "head office"."""
    if not article:
        return "head office"
    match = re.fullmatch(r"第([一二三四五六七八九十]{1,3})条", article)
    number = _chinese_number(match.group(1)) if match else None
    return f"art. {number} ({article})" if number else article


def _chinese_number(text: str) -> int | None:
    """`九` → 9, `十九` → 19, `二十` → 20, `二十二` → 22 (articles of a measure stay below 100)."""
    tens, ten, ones = text.partition("十")
    if not ten:
        tens, ones = "", text
    elif not tens:
        tens = "一"
    if len(tens) > 1 or len(ones) > 1:
        return None
    return CHINESE_DIGITS.get(tens, 0) * 10 + CHINESE_DIGITS.get(ones, 0)


def _pointer(path) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _span(path, source_map: dict[str, Span], fallback: Span) -> Span:
    """The span of the offending value, else of its nearest ancestor that has one, else `fallback`."""
    path = list(path)
    while path:
        span = source_map.get(_pointer(path))
        if span is not None:
            return span
        path.pop()
    return fallback
