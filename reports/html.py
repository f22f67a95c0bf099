"""Analysis -> one self-contained HTML page (jinja2, autoescaped; CSS, JS and SVG inline).

The page holds every section (overview, one page per service, data, violations, plan, target
architecture, warnings); a few lines of JavaScript show one at a time from the URL's hash, so
the report opens from ``file://`` and makes no request to any host.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from analyzer.model.analysis import Analysis, Service
from analyzer.model.wording import noun, plural, verb
from reports import charts, explain, ids, tags, views, why
from reports.cloud import CLOUDS, CloudMapping, default_cloud_mapping, service_targets
from reports.compare_view import compare_runs
from reports.dot import service_colors, service_inside_dot, service_map_dot
from reports.dot_grouped import grouped_inside_dot, grouped_modules
from reports.embed import pack
from reports.page_pieces import INSIDE, MAP_KEY, MAP_STRONG_KEY, PAGE, PagePiece
from reports.plan_view import plan_views
from reports.readiness import readiness
from reports.svg import INSTALL_HINT, Picture, SvgRenderer, render_pictures
from reports.warnings_view import warning_groups
from reports.whatif import whatif_data

DETAIL_MAX = 80  # a service with more modules, models, tables and routes is drawn grouped
GRID_MAX = 12  # the ownership grid is shown up to this many service columns
PACKED_PICTURE_MIN = 16_000  # an SVG longer than this is embedded packed and drawn on demand
NOTABLE_MAX = 25  # the overview explains this many hubs and moved models; the models page all
DATA_VIOLATION_KINDS = frozenset({"cross-service-fk", "cross-service-join", "cross-service-query"})


@dataclass(frozen=True)
class RenderedReport:
    """The HTML page and the pictures drawn for it (keyed "map" and by service page id)."""

    html: str
    pictures: dict[str, Picture]


def _environment(bytecode_dir: Path | None = None) -> jinja2.Environment:
    """The templates' environment; with ``bytecode_dir``, their compiled code is kept there
    (jinja2's own bytecode cache, checked against each template's source)."""
    cache = jinja2.FileSystemBytecodeCache(str(bytecode_dir)) if bytecode_dir is not None else None
    if bytecode_dir is not None:
        bytecode_dir.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        bytecode_cache=cache,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        svc_id=ids.service_page_id, item_id=ids.service_item_id, v_id=ids.violation_id,
        table_id=ids.table_row_id, model_id=ids.model_row_id, install_hint=INSTALL_HINT,
        metric_specs=charts.METRIC_SPECS,
        metric_value=charts.metric_value, clouds=CLOUDS, pack=pack, plural=plural, noun=noun, verb=verb,
        loc=tags.loc, svc_link=tags.svc_link, svc_links=tags.svc_links,
    )
    return env


def compile_templates(bytecode_dir: Path) -> None:
    """Compile every template into ``bytecode_dir``, where :func:`render_html` then only loads
    them."""
    environment = _environment(bytecode_dir)
    for name in environment.list_templates(extensions=["j2"]):
        environment.get_template(name)


def _static(name: str) -> Markup:
    text = resources.files("reports").joinpath("static", name).read_text(encoding="utf-8")
    if "</" + "script" in text.lower() or "</" + "style" in text.lower():
        raise ValueError(f"static/{name} must not close its own element")
    return Markup(text)


def picture_dots(analysis: Analysis,
                 keys: Collection[str] = (MAP_KEY, MAP_STRONG_KEY, INSIDE)) -> list[tuple[str, str]]:
    """The DOT text of the pictures of ``keys``, by key: the service map, its strongest
    dependencies, and with :data:`INSIDE` every service's inside graph."""
    dots = [(key, service_map_dot(analysis, strongest=key == MAP_STRONG_KEY))
            for key in (MAP_KEY, MAP_STRONG_KEY) if key in keys]
    if INSIDE in keys:
        dots += [(ids.service_page_id(s.name), inside_dot(analysis, s))
                 for s in sorted(analysis.services, key=lambda s: s.name)]
    return dots


def draw_pictures(analysis: Analysis, renderer: SvgRenderer | None,
                  keys: Collection[str] = (MAP_KEY, MAP_STRONG_KEY, INSIDE)) -> dict[str, Picture]:
    """Return the pictures of ``keys`` (see :func:`picture_dots`), rendered with ``renderer``, each
    drawing longer than :data:`PACKED_PICTURE_MIN` packed as the page embeds it."""
    return {key: replace(picture, packed=pack(picture.svg))
            if picture.svg is not None and len(picture.svg) > PACKED_PICTURE_MIN else picture
            for key, picture in render_pictures(picture_dots(analysis, keys), renderer).items()}


def inside_dot(analysis: Analysis, service: Service) -> str:
    """Every unit for a small service; packages, model groups and other services for a large one."""
    size = len(service.modules) + len(service.models) + len(service.tables) + len(service.routes)
    if size <= DETAIL_MAX:
        return service_inside_dot(analysis, service)
    return grouped_inside_dot(analysis, service)


def render_html(analysis: Analysis, renderer: SvgRenderer | None,
                mapping: CloudMapping | None = None, previous: Analysis | None = None,
                bytecode_dir: Path | None = None) -> RenderedReport:
    """Return the report page for ``analysis``; ``renderer`` None shows DOT text instead of SVG;
    ``bytecode_dir`` keeps the compiled templates between runs."""
    with Page(analysis, renderer, mapping, previous, bytecode_dir) as page:
        page.draw({key for piece in PAGE for key in piece.pictures})
        html = "".join(page.render(piece) for piece in PAGE)
        return RenderedReport(html=html, pictures=page.pictures())


class Page:
    """The report page of one Analysis, rendered piece by piece; its pictures are drawn in a
    background thread (graphviz, and zlib for the large ones, release the GIL) meanwhile."""

    def __init__(self, analysis: Analysis, renderer: SvgRenderer | None,
                 mapping: CloudMapping | None = None, previous: Analysis | None = None,
                 bytecode_dir: Path | None = None) -> None:
        """The page of ``analysis`` (see :func:`render_html`)."""
        self.analysis, self.renderer = analysis, renderer
        self.data = PageData(analysis, mapping or default_cloud_mapping(), previous, renderer is None)
        self._bytecode_dir = bytecode_dir
        self._background = ThreadPoolExecutor(max_workers=1)
        self._drawing: Future[dict[str, Picture]] | None = None
        self._env: jinja2.Environment | None = None

    def __enter__(self) -> Page:
        """The page, its background thread ended on the way out."""
        return self

    def __exit__(self, *_: object) -> None:
        """End the background thread."""
        self._background.shutdown()

    def draw(self, keys: Collection[str]) -> None:
        """Start drawing the pictures of ``keys`` (once: the later calls add nothing)."""
        if self._drawing is None:
            self._drawing = self._background.submit(draw_pictures, self.analysis, self.renderer, keys)

    def pictures(self) -> dict[str, Picture]:
        """The pictures drawn (none when :meth:`draw` was not called)."""
        return self._drawing.result() if self._drawing is not None else {}

    def render(self, piece: PagePiece) -> str:
        """The text of ``piece`` as it sits in the page."""
        if piece.template is None:
            return packed_script(piece.data, self.data.value(piece.data))
        values = {name: self.data.value(name) for name in piece.context}
        if piece.pictures:
            values["pictures"] = self.pictures()
        text = self._environment().get_template(piece.template).render(**values)
        if piece.page is None:
            return text
        return f'<template class="lazy-page" data-page="{piece.page}">{text}</template>\n'

    def _environment(self) -> jinja2.Environment:
        if self._env is None:
            self._env = _environment(self._bytecode_dir)
        return self._env


def packed_script(element_id: str, value: Any) -> str:
    """The element holding ``value`` packed (:func:`reports.embed.pack`)."""
    return (f'<script type="application/octet-stream" id="{element_id}" data-packed="deflate-base64">'
            f"{pack(value)}</script>\n")


class PageData:
    """The template variables of one page, each computed on first use (pure: from the Analysis,
    the cloud mapping, the previous run and whether graphviz is missing)."""

    def __init__(self, analysis: Analysis, mapping: CloudMapping, previous: Analysis | None,
                 renderer_missing: bool) -> None:
        """The variables of ``analysis``'s page."""
        self.analysis, self.mapping, self.previous = analysis, mapping, previous
        self.renderer_missing = renderer_missing
        self._values: dict[str, Any] = {}

    def seed(self, values: dict[str, Any]) -> None:
        """Take ``values`` as computed elsewhere from the same inputs."""
        self._values.update(values)

    def value(self, name: str) -> Any:
        """The variable ``name`` (computed once)."""
        if name not in self._values:
            self._values[name] = _VARIABLES[name](self)
        return self._values[name]


_VARIABLES: dict[str, Callable[[PageData], Any]] = {
    "a": lambda d: d.analysis,
    "css": lambda d: _static("report.css"),
    "js": lambda d: _static("whatif.js") + _static("report.js"),
    "map_key": lambda d: MAP_KEY,
    "map_strong_key": lambda d: MAP_STRONG_KEY,
    "grid_max": lambda d: GRID_MAX,
    "notable_max": lambda d: NOTABLE_MAX,
    "renderer_missing": lambda d: d.renderer_missing,
    "comparison": lambda d: compare_runs(d.previous, d.analysis) if d.previous else None,
    "search-index": lambda d: [e.as_json() for e in views.search_entries(d.analysis)],
    "violations-data": lambda d: views.violation_records(d.analysis),
    "whatif-data": lambda d: d.value("whatif"),
    "whatif": lambda d: whatif_data(d.analysis),
    "plan_steps": lambda d: plan_views(d.analysis),
    "warning_groups": lambda d: warning_groups(d.analysis),
    "readiness": lambda d: readiness(d.analysis),
    "stories": lambda d: explain.model_stories(d.analysis),
    "notable_stories": lambda d: explain.notable_stories(d.value("stories")),
    "split_stories": lambda d: explain.split_stories(d.analysis),
    "splits_of": lambda d: explain.splits_by_service(d.value("split_stories")),
    "aggregates": lambda d: explain.aggregates_of(d.analysis),
    "name_origin": lambda d: {s.name: why.name_origin(s, d.analysis) for s in d.analysis.services},
    "module_groups": lambda d: {s.name: grouped_modules(s) for s in d.analysis.services},
    "target_parts": lambda d: target_parts(d.analysis, d.mapping),
    "services": lambda d: views.service_views(d.analysis),
    "colors": lambda d: service_colors(d.analysis),
    "kind_counts": lambda d: views.violation_counts(d.analysis),
    "matrix": lambda d: views.table_matrix(d.analysis),
    "matrix_services": lambda d: sorted(s.name for s in d.analysis.services),
    "data_violations": lambda d: views.violations_of_kinds(d.analysis, DATA_VIOLATION_KINDS),
    "violations": lambda d: sorted(d.analysis.violations, key=lambda v: (v.kind, v.path, v.line, v.id)),
    "metrics_chart": lambda d: charts.metrics_chart(d.analysis.metrics) if d.analysis.metrics else None,
    "score_curve": lambda d: charts.score_curve(
        d.analysis.count_scores, d.analysis.count_curve_choice or len(d.analysis.services),
        len(d.analysis.services)),
    "targets": lambda d: service_targets(d.analysis, d.mapping),
    "module_count": lambda d: len({m for s in d.analysis.services for m in s.modules}),
}


def target_parts(analysis: Analysis, mapping: CloudMapping) -> list[tuple[str, Any, int]]:
    """Each cloud part once (its products) with how many services need it."""
    targets = service_targets(analysis, mapping)
    database = mapping.database_for(analysis.database_engine)
    offers = (("gateway", mapping.gateway), ("compute", mapping.compute), ("database", database),
              ("messaging", mapping.messaging), ("workflow", mapping.workflow))
    return [(part, offer, sum(1 for t in targets if getattr(t, part) is not None)) for part, offer in offers]
