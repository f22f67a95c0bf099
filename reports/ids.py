"""Stable, safe element ids for the HTML report, built from names found in user code."""

from __future__ import annotations

import functools
import hashlib
import re

_SAFE = re.compile(r"^[A-Za-z0-9_.]+$")
_SAFE_LAST = re.compile(r"^[A-Za-z0-9_.-]+$")
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


@functools.cache  # the report asks for the same ids many times (nautobot: 26,740 calls)
def dom_id(*parts: str) -> str:
    """Return an HTML id for ``parts``: readable, unique per parts, and free of unsafe characters.

    Parts made only of letters, digits, ``_`` and ``.`` (the last part may also hold ``-``) are
    joined with ``-`` as they are; otherwise the id is cleaned and gets a short hash of all parts,
    so two different names never get the same id.
    """
    readable = "-".join(_UNSAFE_CHARS.sub("_", part) or "_" for part in parts)
    if all(_SAFE.match(part) for part in parts[:-1]) and _SAFE_LAST.match(parts[-1]):
        return readable
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:8]
    return f"{readable}-{digest}"


def service_page_id(service: str) -> str:
    """Return the id of a service's page."""
    return dom_id("svc", service)


def service_item_id(service: str, kind: str, name: str) -> str:
    """Return the id of one module, model, table or route row on a service's page."""
    return dom_id("svc", service, kind, name)


def violation_id(violation: str) -> str:
    """Return the id of a violation's entry on the violations page."""
    return dom_id("v", violation)


def table_row_id(table: str) -> str:
    """Return the id of a table's row in the ownership matrix."""
    return dom_id("table", table)


def model_row_id(label: str) -> str:
    """Return the id of a model's row on the models page."""
    return dom_id("model", label)
