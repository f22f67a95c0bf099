"""analysis.json in parts, one per top-level key, each with the Analysis fields it is made of: a
writer that keeps the parts of the fields that did not change joins the same bytes as
:func:`analyzer.model.analysis.analysis_json_bytes` (``tests/analyzer/model/test_analysis_parts.py``)."""

from __future__ import annotations

from dataclasses import fields

from analyzer.model.analysis import Analysis, json_document
from analyzer.model.json_form import dumps_sorted

# each top-level key of analysis.json and the Analysis fields its value is made of
JSON_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(sorted(
    [(f.name, (f.name,)) for f in fields(Analysis)] + [("table_owner", ("tables",))]))


def analysis_json_part(analysis: Analysis, key: str) -> bytes:
    """The bytes of one top-level ``key`` of :func:`analysis_json_bytes`, as they sit in the file
    (indented one level, no separator); :func:`analysis_json_from_parts` joins them."""
    value = json_document(analysis)[key] if key == "table_owner" else getattr(analysis, key)
    text = dumps_sorted(value, newline=False).replace(b"\n", b"\n  ")  # no raw newline in a JSON string
    return b'  "' + key.encode() + b'": ' + text


JSON_FRAME = (b"{\n", b",\n", b"\n}\n")  # before, between and after the parts


def analysis_json_from_parts(parts: list[bytes]) -> bytes:
    """:func:`analysis_json_bytes` from the parts of every key of :data:`JSON_PARTS`, in its order."""
    before, between, after = JSON_FRAME
    return before + between.join(parts) + after
