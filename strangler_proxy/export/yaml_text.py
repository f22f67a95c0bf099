"""A small deterministic YAML writer for the exports (no dependency: the proxy is deployed alone).

Handles what the exporters build: dicts (keys kept in insertion order), lists, strings, ints,
floats, booleans and ``None``. Strings that could read as anything else are double-quoted with
JSON escapes, which YAML's double-quoted style shares.
"""

from __future__ import annotations

import json
import re
from typing import Any

_PLAIN = re.compile(r"^[A-Za-z_/.][A-Za-z0-9_./@-]*$")
_RESERVED = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", "."})


def scalar(value: Any) -> str:
    """One YAML scalar."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED and not text.startswith(".."):
        return text
    return json.dumps(text)


def _block(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return [pad + "{}"]
        lines = []
        for key, item in value.items():
            lines.extend(_entry(pad + scalar(key) + ":", item, indent))
        return lines
    if isinstance(value, list):
        if not value:
            return [pad + "[]"]
        lines = []
        for item in value:
            inner = _block(item, indent + 2)
            lines.append(pad + "- " + inner[0][indent + 2:])
            lines.extend(inner[1:])
        return lines
    return [pad + scalar(value)]


def _entry(head: str, item: Any, indent: int) -> list[str]:
    if isinstance(item, dict | list) and item:
        return [head, *_block(item, indent + 2)]
    return [head + " " + _block(item, 0)[0]]


def to_yaml(value: Any) -> str:
    """``value`` as a YAML document (block style, two-space indent, trailing newline)."""
    return "\n".join(_block(value, 0)) + "\n"
