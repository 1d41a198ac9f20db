"""Exact JSON and YAML for documents holding `Decimal`: numbers are written as their decimal text.

`json` would need `float` for numbers, which is exactly what exact money must never pass through.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from json.encoder import encode_basestring

import yaml


def plain(value: Decimal) -> str:
    """`Decimal` as plain positional text: `2E+6` → `2000000`, `0.850` → `0.850`."""
    return format(value, "f")


def dumps(document, indent: int = 2) -> str:
    """JSON text of a document, as `json.dumps(document, ensure_ascii=False, indent=indent)` writes it; `Decimal`
    becomes a JSON number with exactly its digits, a `date` its ISO text."""
    parts: list[str] = []
    _write(document, parts, "\n", " " * indent)
    return "".join(parts)


# `json` writes indented text in Python, a generator a value (about 0.1 s for the 5 MB result of a million
# deals, 20,000 rejected rows); this writer appends each value's text to one list instead, in half the time,
# and writes the same bytes (`tests/test_jsonout.py`).
_SCALARS = {str: encode_basestring, int: int.__repr__, bool: lambda value: "true" if value else "false",
            type(None): lambda value: "null", Decimal: plain}


def _write(value, parts: list[str], pad: str, step: str) -> None:
    """Append the text of `value`, written at the indentation `pad` (a line feed and spaces)."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        parts.append(scalar(value))
    elif isinstance(value, dict):
        _members(value, parts, pad, step)
    elif isinstance(value, (list, tuple)):
        _items(value, parts, pad, step)
    else:
        parts.append(_other(value))


def _members(value: dict, parts: list[str], pad: str, step: str) -> None:
    if not value:
        parts.append("{}")
        return
    inner = pad + step
    separator = "{" + inner
    for key, item in value.items():
        name = separator + encode_basestring(key if type(key) is str else _key(key)) + ": "
        scalar = _SCALARS.get(type(item))
        if scalar is not None:  # most members (a rejected row's) are text and numbers: written without a call
            parts.append(name + scalar(item))
        else:
            parts.append(name)
            _write(item, parts, inner, step)
        separator = "," + inner
    parts.append(pad + "}")


def _items(value, parts: list[str], pad: str, step: str) -> None:
    if not value:
        parts.append("[]")
        return
    inner = pad + step
    separator = "[" + inner
    for item in value:
        parts.append(separator)
        _write(item, parts, inner, step)
        separator = "," + inner
    parts.append(pad + "]")


def _key(key) -> str:
    """A key that is not text, as `json` writes it (`true`, `null`, `2`), or its text (a `Decimal`, a date)."""
    if key is None or isinstance(key, (bool, int, float)):
        return json.dumps(key)
    return str(key)


def _other(value) -> str:
    """A value of another type: a date as ISO text, a `Decimal` (a subclass of one) exactly, else as `json` does."""
    if isinstance(value, date):
        return encode_basestring(value.isoformat())
    if isinstance(value, Decimal):
        return plain(value)
    return json.dumps(value, ensure_ascii=False)


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
