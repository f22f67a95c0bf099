"""Analysis -> one self-contained HTML page (jinja2, autoescaped; CSS, JS and SVG inline).

The page holds every section (overview, one page per service, data, violations, plan, target
architecture, warnings); a few lines of JavaScript show one at a time from the URL's hash, so
the report opens from ``file://`` and makes no request to any host.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
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
from reports.plan_view import plan_views
from reports.readiness import readiness
from reports.svg import INSTALL_HINT, Picture, SvgRenderer, render_pictures
from reports.warnings_view import warning_groups
from reports.whatif import whatif_data

MAP_KEY = "map"
MAP_STRONG_KEY = "map-strong"
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


def picture_dots(analysis: Analysis) -> list[tuple[str, str]]:
    """The DOT text of every picture of the page, by key: the service maps, each service's
    inside graph."""
    dots = [(MAP_KEY, service_map_dot(analysis)), (MAP_STRONG_KEY, service_map_dot(analysis, strongest=True))]
    return dots + [(ids.service_page_id(s.name), inside_dot(analysis, s))
                   for s in sorted(analysis.services, key=lambda s: s.name)]


def draw_pictures(analysis: Analysis, renderer: SvgRenderer | None) -> dict[str, Picture]:
    """Return the service map and every service's inside graph, rendered with ``renderer``, each
    drawing longer than :data:`PACKED_PICTURE_MIN` packed as the page embeds it."""
    return {key: replace(picture, packed=pack(picture.svg))
            if picture.svg is not None and len(picture.svg) > PACKED_PICTURE_MIN else picture
            for key, picture in render_pictures(picture_dots(analysis), renderer).items()}


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
    # graphviz draws (and zlib packs, the GIL released) while the page's data is gathered
    with ThreadPoolExecutor(max_workers=1) as background:
        drawing = background.submit(draw_pictures, analysis, renderer)
        template = _environment(bytecode_dir).get_template("report.html.j2")
        context = data_context(analysis, mapping or default_cloud_mapping())
        comparison = compare_runs(previous, analysis) if previous else None
        pictures = drawing.result()
    html = template.render(**context, pictures=pictures, renderer_missing=renderer is None,
                           comparison=comparison)
    return RenderedReport(html=html, pictures=pictures)


def data_context(analysis: Analysis, mapping: CloudMapping) -> dict[str, Any]:
    """The template variables but the pictures (graphviz draws them meanwhile); pure: everything
    is computed from its arguments."""
    service_count = len(analysis.services)
    return {
        "a": analysis,
        "css": _static("report.css"),
        "js": _static("whatif.js") + _static("report.js"),
        "map_key": MAP_KEY,
        "map_strong_key": MAP_STRONG_KEY,
        "grid_max": GRID_MAX,
        "violation_records": views.violation_records(analysis),
        "whatif": whatif_data(analysis),
        "plan_steps": plan_views(analysis),
        "warning_groups": warning_groups(analysis),
        "readiness": readiness(analysis),
        **explanation_context(analysis),
        "name_origin": {s.name: why.name_origin(s, analysis) for s in analysis.services},
        "module_groups": {s.name: grouped_modules(s) for s in analysis.services},
        "target_parts": target_parts(analysis, mapping),
        "services": views.service_views(analysis),
        "colors": service_colors(analysis),
        "kind_counts": views.violation_counts(analysis),
        "matrix": views.table_matrix(analysis),
        "matrix_services": sorted(s.name for s in analysis.services),
        "data_violations": views.violations_of_kinds(analysis, DATA_VIOLATION_KINDS),
        "violations": sorted(analysis.violations, key=lambda v: (v.kind, v.path, v.line, v.id)),
        "search_index": [e.as_json() for e in views.search_entries(analysis)],
        "metrics_chart": charts.metrics_chart(analysis.metrics) if analysis.metrics else None,
        "score_curve": charts.score_curve(analysis.count_scores, service_count),
        "targets": service_targets(analysis, mapping),
        "module_count": len({m for s in analysis.services for m in s.modules}),
    }


def explanation_context(analysis: Analysis) -> dict[str, Any]:
    """The analyzer's explanations as the templates show them: per model, notable ones, splits, aggregates."""
    stories = explain.model_stories(analysis)
    splits = explain.split_stories(analysis)
    return {
        "stories": stories,
        "notable_stories": explain.notable_stories(stories),
        "notable_max": NOTABLE_MAX,
        "split_stories": splits,
        "splits_of": explain.splits_by_service(splits),
        "aggregates": explain.aggregates_of(analysis),
    }


def target_parts(analysis: Analysis, mapping: CloudMapping) -> list[tuple[str, Any, int]]:
    """Each cloud part once (its products) with how many services need it."""
    targets = service_targets(analysis, mapping)
    database = mapping.database_for(analysis.database_engine)
    offers = (("gateway", mapping.gateway), ("compute", mapping.compute), ("database", database),
              ("messaging", mapping.messaging), ("workflow", mapping.workflow))
    return [(part, offer, sum(1 for t in targets if getattr(t, part) is not None)) for part, offer in offers]
