"""The ratchet's verdict in the formats CI reads: text, JSON, GitHub annotations, SARIF 2.1.0.

Pure: each renderer takes a :class:`RatchetResult` and gives the text to print. The places of
the new crossings are relative to the analysed tree; ``prefix`` (the tree's path from where CI
runs, usually the repository root) is put in front of them for the formats that link to files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from analyzer.ci.ratchet import RatchetResult, result_to_json
from analyzer.model.crossings import CROSSING_KINDS, Crossing
from analyzer.model.wording import plural

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_URI = "https://pypi.org/project/demonolith/"


def verdict_line(result: RatchetResult) -> str:
    """``ok: 451 crossings (baseline 451), none new`` or ``FAILED: 2 new crossings ...``."""
    fixed = f", {len(result.fixed)} fixed" if result.fixed else ""
    if result.ok:
        return f"ok: {plural(result.current, 'crossing')} (baseline {result.baseline}), none new{fixed}"
    return (f"FAILED: {plural(len(result.new), 'new crossing')} of the proposed boundaries "
            f"({result.current} now, baseline {result.baseline}{fixed}):")


def kinds_line(result: RatchetResult) -> str:
    """The current crossings by kind, worded as ``analyze`` prints them."""
    listed = ", ".join(f"{kind} {count}" for kind, count in result.current_kinds) or "none"
    return f"crossings: {result.current} ({listed})"


def text_verdict(result: RatchetResult, prefix: str = "", version: str = "") -> str:
    """The verdict, the new crossings with ``path:line``, then the count by kind."""
    new = [f"  {_place(c, prefix)}  {c.kind}  {c.subject}" for c in result.new]
    return "\n".join([verdict_line(result), *new, kinds_line(result)]) + "\n"


def json_verdict(result: RatchetResult, prefix: str = "", version: str = "") -> str:
    """The verdict as JSON (places relative to the analysed tree, as in analysis.json)."""
    return result_to_json(result)


def _escape(text: str, in_property: bool = False) -> str:
    """GitHub workflow-command escaping (``%``, CR, LF; and ``:`` ``,`` inside a property)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if in_property else text


def _message(crossing: Crossing) -> str:
    targets = ", ".join(crossing.targets)
    return f"{crossing.kind}: {crossing.subject} (from {crossing.source} into {targets})"


def github_verdict(result: RatchetResult, prefix: str = "", version: str = "") -> str:
    """One ``::error file=...,line=...`` annotation per new crossing, then the text summary."""
    lines = [f"::error title={_escape(f'demonolith check: {c.kind}', True)},"
             f"file={_escape(_joined(prefix, c.path), True)},line={c.line}::{_escape(_message(c))}"
             for c in result.new]
    return "\n".join([*lines, verdict_line(result), kinds_line(result)]) + "\n"


def sarif_verdict(result: RatchetResult, prefix: str = "", version: str = "") -> str:
    """A SARIF 2.1.0 log: one rule per crossing kind, one error result per new crossing."""
    rule_ids = sorted({*CROSSING_KINDS, *(c.kind for c in result.new)})
    driver: dict[str, Any] = {
        "name": "demonolith", "informationUri": TOOL_URI,
        "rules": [{"id": kind, "shortDescription": {"text": CROSSING_KINDS.get(kind, kind)}}
                  for kind in rule_ids],
    }
    if version:
        driver["version"] = version
    results = [{
        "ruleId": c.kind, "ruleIndex": rule_ids.index(c.kind), "level": "error",
        "message": {"text": _message(c)},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _joined(prefix, c.path)},
            "region": {"startLine": max(c.line, 1)}}}],
    } for c in result.new]
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0",
           "runs": [{"tool": {"driver": driver}, "results": results}]}
    return json.dumps(log, indent=2, sort_keys=True) + "\n"


RENDERERS: dict[str, Callable[[RatchetResult, str, str], str]] = {
    "text": text_verdict, "json": json_verdict, "github": github_verdict, "sarif": sarif_verdict,
}


def render_verdict(result: RatchetResult, fmt: str, prefix: str = "", version: str = "") -> str:
    """The verdict in ``fmt`` (one of :data:`FORMATS`)."""
    return RENDERERS[fmt](result, prefix, version)


def _joined(prefix: str, path: str) -> str:
    return f"{prefix.rstrip('/')}/{path}" if prefix and prefix != "." else path


def _place(crossing: Crossing, prefix: str) -> str:
    return f"{_joined(prefix, crossing.path)}:{crossing.line}"
