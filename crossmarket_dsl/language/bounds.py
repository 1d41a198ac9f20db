"""Does an IR keep head office's bounds? A small validator that answers exactly as jsonschema would, without
importing it.

`check` runs on every save in an editor and on every file of a repository; importing jsonschema (and its
`referencing`, `attrs`, format checkers) costs more than validating a 5,000-line file. Head office's schemas
use a handful of keywords, so this module implements those, with jsonschema's own semantics (its type checks,
its `equal` that tells `true` from 1, `if`/`then`/`else`, `contains`), and only says whether the IR is
valid. When it is not, `schema.py` asks jsonschema for the violations, so every message is worded from
jsonschema's own errors; when a schema uses a keyword or a reference this module does not know, it answers
"cannot tell" and jsonschema decides. `tests/test_bounds.py` holds the two to the same verdict on every sample,
every diagnostic case and mutated IRs.

The IR is read as `schema._as_json` writes it to disk — dates as ISO text, tuples as lists, expression trees
as lowering wrote them — but lazily: only the values a schema looks at are visited.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from datetime import date
from urllib.parse import unquote, urljoin

from .lower import EXPRESSION_SLOTS

# Every keyword jsonschema's Draft 2020-12 validator acts on (its `VALIDATORS`; a test keeps the list true).
# Any other key is an annotation it ignores, and so do we.
VALIDATING = frozenset({
    "$dynamicRef", "$ref", "additionalProperties", "allOf", "anyOf", "const", "contains", "dependentRequired",
    "dependentSchemas", "enum", "exclusiveMaximum", "exclusiveMinimum", "format", "if", "items", "maxItems",
    "maxLength", "maxProperties", "maximum", "minItems", "minLength", "minProperties", "minimum", "multipleOf",
    "not", "oneOf", "pattern", "patternProperties", "prefixItems", "properties", "propertyNames", "required",
    "type", "unevaluatedItems", "unevaluatedProperties", "uniqueItems",
})
# `format` is only an annotation unless a format checker is given, and none is.
ANNOTATION_ONLY = frozenset({"format"})
# Keywords that name anchors or change how `contains` counts: left to jsonschema.
LEFT_TO_JSONSCHEMA = frozenset({"$anchor", "$dynamicAnchor", "minContains", "maxContains"})


class CannotTell(Exception):
    """The schema uses something this module does not implement: jsonschema must decide."""


class Documents:
    """The schemas a reference may lead to: the root (head office's schema, or the IR schema for a measure)
    and the IR schema it builds on, under every name jsonschema's registry knows it by."""

    def __init__(self, root: dict, ir_schema: dict, ir_name: str):
        self.root = root
        self.base = root.get("$id", "") if isinstance(root.get("$id", ""), str) else ""
        ir_id = ir_schema.get("$id")
        self.by_uri = {urljoin(self.base, ir_name): ir_schema, ir_name: ir_schema}
        if isinstance(ir_id, str) and ir_id:
            self.by_uri[ir_id] = ir_schema
        if self.base:
            self.by_uri[self.base] = root

    def resolve(self, ref: str, document: dict) -> tuple[object, dict]:
        """The subschema `ref` names from inside `document`, and the document it lies in."""
        uri, _, fragment = ref.partition("#")
        if uri:
            base = document.get("$id", "") if document is not self.root else self.base
            target = self.by_uri.get(urljoin(base, uri)) if isinstance(base, str) else None
            if target is None:
                raise CannotTell(ref)
            document = target
        node = document
        if fragment and not fragment.startswith("/"):
            raise CannotTell(ref)  # an anchor
        for part in fragment.split("/")[1:]:
            key = unquote(part).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                raise CannotTell(ref)
        return node, document


def holds(ir: dict, documents: Documents) -> bool | None:
    """True if the IR keeps every bound of the root schema, False if it breaks one, None if only jsonschema
    can tell (an unknown keyword or reference, a value it would fail on, nesting too deep)."""
    try:
        return _valid(ir, False, documents.root, documents.root, documents)
    except (CannotTell, RecursionError, ArithmeticError, TypeError, ValueError):
        return None


def _valid(instance, raw: bool, schema, document: dict, documents: Documents) -> bool:
    """Whether `instance` is valid under `schema`. `raw`: inside an expression tree, which the IR on disk
    keeps as lowering wrote it (no dates turned to text, tuples kept)."""
    if schema is True:
        return True
    if schema is False:
        return False
    if not isinstance(schema, dict):
        raise CannotTell(schema)
    if "$id" in schema and schema is not document:
        raise CannotTell("$id")
    if not raw:
        instance = _on_disk(instance)
    for keyword in schema:
        if keyword in LEFT_TO_JSONSCHEMA or keyword in VALIDATING and keyword not in CHECKS \
                and keyword not in ANNOTATION_ONLY:
            raise CannotTell(keyword)
    return all(CHECKS[keyword](instance, raw, value, schema, document, documents)
               for keyword, value in schema.items() if keyword in CHECKS)


def _on_disk(value):
    """One value as the IR on disk holds it (its items are converted when they are visited)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def as_json(value):
    """The IR as it is written to disk: dates as ISO text, tuples as lists, `Decimal` kept exact. Expression
    trees stay as lowering wrote them (they hold no dates: a date literal is already text)."""
    if isinstance(value, dict):
        return {key: item if key in EXPRESSION_SLOTS else as_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _deep(instance, raw: bool):
    """The whole value as written to disk, for comparing with `const` and `enum`."""
    return instance if raw else as_json(instance)


# ---- jsonschema's type checks and equality ------------------------------------------------------------


def is_type(instance, kind: str) -> bool:
    if kind == "number":
        return not isinstance(instance, bool) and isinstance(instance, numbers.Number)
    if kind == "integer":
        return not isinstance(instance, bool) and isinstance(instance, int)
    types = {"array": list, "boolean": bool, "object": dict, "string": str}
    if kind in types:
        return isinstance(instance, types[kind])
    if kind == "null":
        return instance is None
    raise CannotTell(kind)


def equal(one, two) -> bool:
    """jsonschema's equality: `true` is not 1, lists and objects compared item by item."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(key in two and equal(item, two[key]) for key, item in one.items())
    return _unbool(one) == _unbool(two)


_TRUE, _FALSE = object(), object()


def _unbool(value):
    return _TRUE if value is True else _FALSE if value is False else value


# ---- the keywords -------------------------------------------------------------------------------------


def _type(instance, raw, types, schema, document, documents):
    return any(is_type(instance, kind) for kind in ([types] if isinstance(types, str) else types))


def _bound(compare):
    def check(instance, raw, limit, schema, document, documents):
        return not is_type(instance, "number") or compare(instance, limit)
    return check


def _multiple_of(instance, raw, divisor, schema, document, documents):
    if not is_type(instance, "number"):
        return True
    if isinstance(divisor, float):
        raise CannotTell("a float divisor")
    return not instance % divisor


def _const(instance, raw, value, schema, document, documents):
    return equal(_deep(instance, raw), value)


def _enum(instance, raw, values, schema, document, documents):
    instance = _deep(instance, raw)
    return any(equal(each, instance) for each in values)


def _required(instance, raw, names, schema, document, documents):
    return not is_type(instance, "object") or all(name in instance for name in names)


def _properties(instance, raw, properties, schema, document, documents):
    if not is_type(instance, "object"):
        return True
    return all(_valid(instance[key], raw or key in EXPRESSION_SLOTS, subschema, document, documents)
               for key, subschema in properties.items() if key in instance)


def _items(instance, raw, items, schema, document, documents):
    return not is_type(instance, "array") or all(_valid(each, raw, items, document, documents) for each in instance)


def _contains(instance, raw, contains, schema, document, documents):
    return not is_type(instance, "array") or any(_valid(each, raw, contains, document, documents)
                                                 for each in instance)


def _min_items(instance, raw, least, schema, document, documents):
    return not is_type(instance, "array") or len(instance) >= least


def _max_items(instance, raw, most, schema, document, documents):
    return not is_type(instance, "array") or len(instance) <= most


def _all_of(instance, raw, subschemas, schema, document, documents):
    return all(_valid(instance, raw, each, document, documents) for each in subschemas)


def _if(instance, raw, condition, schema, document, documents):
    branch = "then" if _valid(instance, raw, condition, document, documents) else "else"
    return branch not in schema or _valid(instance, raw, schema[branch], document, documents)


def _ref(instance, raw, ref, schema, document, documents):
    if not isinstance(ref, str):
        raise CannotTell(ref)
    target, target_document = documents.resolve(ref, document)
    return _valid(instance, raw, target, target_document, documents)


CHECKS = {
    "type": _type, "const": _const, "enum": _enum, "multipleOf": _multiple_of, "required": _required,
    # written as jsonschema fails them, so that a NaN passes as it does there
    "minimum": _bound(lambda value, limit: not value < limit), "maximum": _bound(lambda value, limit: not value > limit),
    "exclusiveMinimum": _bound(lambda value, limit: not value <= limit),
    "exclusiveMaximum": _bound(lambda value, limit: not value >= limit),
    "properties": _properties, "items": _items, "contains": _contains, "minItems": _min_items,
    "maxItems": _max_items, "allOf": _all_of, "if": _if, "$ref": _ref,
}
