"""Warnings that teach: grouped by cause, counted, each place with ``path:line``, and what to do.

The analyzer's warnings (files it could not read, SQL it could not parse, routes it could not
resolve or reach) are grouped by the cause at the start of their reason; the report adds what the
Analysis itself shows unknown: the settings module, database engine or Django version.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from analyzer.model.analysis import Analysis

SHOWN = 50
ADVICE = (
    ("syntax", "Python it could not parse (often Python 2 or a template): fix the file or add it to "
               "`exclude` in [tool.demonolith]."),
    ("decode", "not UTF-8: re-encode the file, or exclude it."),
    ("nul", "binary content in a .py file: exclude it."),
    ("too large", "generated code: exclude it (its coupling is not your design)."),
    ("sql", "SQL sqlglot could not parse in this dialect: its tables are missing from ownership; "
            "check the DATABASES engine, or move the query to the ORM."),
    ("unresolved route", "a part of the URL built at run time (a value only the running project has, "
                         "a call's result): the route is listed with that part as {its expression}; "
                         "extract writes no proxy prefix for it: name the part literally, or list the "
                         "route in the proxy's routes file by hand."),
    ("unreached route", "patterns no include followed from ROOT_URLCONF reaches (a test URLconf, a "
                        "registry or plugin loop filled at run time, a reusable app its project "
                        "mounts): listed with their own pattern and reachable=false; no service's "
                        "proxy routes them."),
    ("settings", "the settings could not be read statically: pass the settings module "
                 "(DJANGO_SETTINGS_MODULE in manage.py) as a literal string."),
)


@dataclass(frozen=True)
class WarningGroup:
    """One cause: how many places, the first few, and what the user can do."""

    cause: str
    count: int
    places: tuple[tuple[str, int, str], ...]  # (path, line, reason)
    advice: str


def cause_of(reason: str) -> str:
    """The cause a warning's reason names (its words before the first colon, lowercased)."""
    head = reason.split(":", 1)[0].strip().lower()
    return re.sub(r"\s+", " ", head)[:60] or "other"


def _advice(cause: str) -> str:
    return next((text for key, text in ADVICE if key in cause), "the analysis went on without this place.")


def warning_groups(analysis: Analysis) -> tuple[WarningGroup, ...]:
    """Every warning and unresolved thing, grouped by cause, biggest group first."""
    grouped: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for warning in analysis.warnings:
        grouped[cause_of(warning.reason)].append((warning.path, warning.line, warning.reason))
    for missing, what in ((not analysis.settings_module, "settings module not found"),
                          (not analysis.database_engine, "settings: database engine not found"),
                          (not analysis.django_version, "settings: Django version unknown")):
        if missing:
            grouped[what].append((analysis.settings_module or "settings", 0, what))
    return tuple(WarningGroup(cause, len(places), tuple(sorted(places)[:SHOWN]), _advice(cause))
                 for cause, places in sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0])))
