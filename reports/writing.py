"""The I/O edge of the reports package: write the HTML report, the Markdown summary and the DOT.

``write_all`` is what ``demonolith analyze`` and ``demonolith report`` call. Everything it writes
is computed by the pure functions of the package; this module only creates files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from analyzer.model.analysis import Analysis
from reports.cloud import CloudMapping
from reports.dot import service_map_dot
from reports.html import MAP_KEY, compile_templates, render_html
from reports.markdown import render_markdown
from reports.svg import SvgRenderer, find_renderer


@dataclass(frozen=True)
class ReportPaths:
    """Where the outputs went; ``service_map_svg`` is None when graphviz could not draw it."""

    index_html: Path
    markdown: Path
    dot: Path
    service_map_svg: Path | None
    graphviz_missing: bool


def write_all(
    analysis: Analysis,
    out_dir: Path,
    *,
    renderer: SvgRenderer | Literal["auto"] | None = "auto",
    cloud_mapping: CloudMapping | None = None,
    previous: Analysis | None = None,
    cache_dir: Path | None = None,
) -> ReportPaths:
    """Write ``out_dir/report/index.html``, ``out_dir/report.md`` and ``out_dir/graph.dot``.

    ``renderer`` defaults to graphviz's ``dot`` when it is on the PATH; pass None to skip the
    pictures (the report then shows DOT text), or any ``str -> str`` DOT-to-SVG function.
    ``cache_dir`` keeps what only saves time there (the compiled templates).
    """
    chosen = find_renderer() if isinstance(renderer, str) else renderer
    report_dir = out_dir / "report"
    report_dir.mkdir(parents=True, exist_ok=True)
    rendered = render_html(analysis, chosen, cloud_mapping, previous,
                           cache_dir / "templates" if cache_dir is not None else None)
    paths = ReportPaths(
        index_html=report_dir / "index.html",
        markdown=out_dir / "report.md",
        dot=out_dir / "graph.dot",
        service_map_svg=None,
        graphviz_missing=chosen is None,
    )
    _write(paths.index_html, rendered.html)
    _write(paths.markdown, render_markdown(analysis))
    _write(paths.dot, service_map_dot(analysis))
    svg = rendered.pictures[MAP_KEY].svg
    if svg is not None:
        svg_path = report_dir / "service-map.svg"
        _write(svg_path, svg)
        paths = ReportPaths(paths.index_html, paths.markdown, paths.dot, svg_path, False)
    return paths


def prepare_templates(cache_dir: Path) -> None:
    """Compile the templates into the cache :func:`write_all` reads with ``cache_dir`` (a caller
    can do it while it waits for something else)."""
    compile_templates(cache_dir / "templates")


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def open_in_browser(paths: ReportPaths) -> bool:
    """Open the report's index.html in the default browser; return False when none could start."""
    import webbrowser

    return webbrowser.open(paths.index_html.resolve().as_uri())
