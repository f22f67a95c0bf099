"""Analysis -> HTML report, Markdown summary and DOT.

The one call for a caller is :func:`write_all`; the pure renderers beside it
(:func:`render_html`, :func:`render_markdown`, :func:`service_map_dot`) take an Analysis and
return text, and the SVG renderer is injectable so tests need neither disk nor graphviz.
"""

from reports.dot import service_map_dot
from reports.html import render_html
from reports.markdown import render_markdown
from reports.writing import ReportPaths, open_in_browser, write_all

__all__ = ["ReportPaths", "open_in_browser", "render_html", "render_markdown", "service_map_dot", "write_all"]
