"""Exact JSON and YAML for documents holding `Decimal`: numbers are written as their decimal text.

`json` would need `float` for numbers, which is exactly what exact money must never pass through.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import yaml


def plain(value: Decimal) -> str:
    """`Decimal` as plain positional text: `2E+6` → `2000000`, `0.850` → `0.850`."""
    return format(value, "f")


def dumps(document, indent: int = 2) -> str:
    """JSON text of a document; `Decimal` becomes a JSON number with exactly its digits."""
    try:  # documents of plain strings and ints (evaluation results) take the C encoder
        return json.dumps(document, ensure_ascii=False, indent=indent, default=_refuse)
    except _NeedsExactEncoder:
        return "".join(_encode(document, indent, 0))


class _NeedsExactEncoder(Exception):
    pass


def _refuse(value):
    raise _NeedsExactEncoder


def _encode(value, indent: int, level: int):
    if isinstance(value, Decimal):
        yield plain(value)
    elif isinstance(value, date):
        yield json.dumps(value.isoformat())
    elif isinstance(value, dict):
        yield from _container("{", "}", [(json.dumps(str(k), ensure_ascii=False) + ": ", v)
                                         for k, v in value.items()], indent, level)
    elif isinstance(value, (list, tuple)):
        yield from _container("[", "]", [("", v) for v in value], indent, level)
    else:
        yield json.dumps(value, ensure_ascii=False)


def _container(open_, close, items, indent, level):
    if not items:
        yield open_ + close
        return
    pad, inner = "\n" + " " * indent * level, "\n" + " " * indent * (level + 1)
    yield open_
    for i, (prefix, item) in enumerate(items):
        yield ("," if i else "") + inner + prefix
        yield from _encode(item, indent, level + 1)
    yield pad + close


def loads(text: str):
    """JSON text → document with exact `Decimal` numbers."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper, value: Decimal):
    text = plain(value)
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _represent_decimal)


def yaml_dumps(document) -> str:
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
