"""Analysis -> HTML report, Markdown summary and DOT.

The one call for a caller is :func:`write_all`; the pure renderers beside it
(:func:`render_html`, :func:`render_markdown`, :func:`service_map_dot`) take an Analysis and
return text, and the SVG renderer is injectable so tests need neither disk nor graphviz. They are
imported on first use: a run whose outputs are current needs only :mod:`reports.current`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.dot import service_map_dot
    from reports.html import render_html
    from reports.markdown import render_markdown
    from reports.paths import ReportPaths
    from reports.writing import open_in_browser, write_all

__all__ = ["ReportPaths", "open_in_browser", "render_html", "render_markdown", "service_map_dot", "write_all"]

_HOMES = {
    "ReportPaths": "reports.paths", "open_in_browser": "reports.writing", "write_all": "reports.writing",
    "render_html": "reports.html", "render_markdown": "reports.markdown", "service_map_dot": "reports.dot",
}


def __getattr__(name: str) -> object:
    """The public names, each from its module when first asked for."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'reports' has no attribute {name!r}")
