"""The pieces of the report page, in page order: the template each renders, the variables and
pictures it shows, and the Analysis fields its text depends on (through those variables and
pictures); ``tests/reports/test_pieces.py`` checks both lists against the templates and a traced
render."""

from __future__ import annotations

from dataclasses import dataclass

from reports.pieces import Piece

INSIDE = "inside"  # the pictures of every service's inside, as a piece asks for them
MAP_KEY = "map"
MAP_STRONG_KEY = "map-strong"

@dataclass(frozen=True)
class PagePiece:
    """A piece of the page: the template it renders (None: the packed data named ``data``), the
    lazy page it waits in (None: shown at once), the template variables and pictures it shows."""

    piece: Piece
    template: str | None
    page: str | None = None
    context: tuple[str, ...] = ()
    pictures: tuple[str, ...] = ()
    data: str = ""


def _piece(name: str, template: str | None, fields: tuple[str, ...], context: tuple[str, ...] = (),
           page: str | None = None, pictures: tuple[str, ...] = (),
           values: tuple[str, ...] = ()) -> PagePiece:
    return PagePiece(Piece(f"page:{name}", fields, values), template, page, context, pictures,
                     "" if template else name)


# what service_views reads
_VIEWS = ("dependencies", "interfaces", "models", "routes", "services", "tables", "violations")
_COUPLING = ("coupling", "routes", "services")  # whatif_data

PAGE: tuple[PagePiece, ...] = (
    _piece("head", "_head.j2", (*_VIEWS, "project_name", "tool_version", "warnings"),
           ("a", "colors", "css", "services")),
    _piece("overview", "_overview.j2",
           (*_VIEWS, "app_placements", "count_curve_choice", "count_reason", "count_scores",
            "database_engine", "django_version", "metrics", "model_placements", "module_splits",
            "project_name", "reference_differences", "settings_module", "shared", "source_root",
            "tool_version", "warnings"),
           ("a", "comparison", "kind_counts", "map_key", "map_strong_key", "metrics_chart",
            "module_count", "name_origin", "notable_max", "notable_stories", "readiness",
            "score_curve", "services", "split_stories"), pictures=(MAP_KEY, MAP_STRONG_KEY),
           values=("readiness",)),  # the coupling's share inside services, not its positions
    _piece("services", "_service_pages.j2", (*_VIEWS, "model_placements", "module_splits"),
           ("aggregates", "colors", "module_groups", "name_origin", "services", "splits_of", "stories"),
           pictures=(INSIDE,)),
    _piece("models", "_models.j2", ("model_placements", "models"), ("stories",), "models"),
    _piece("data", "_data.j2", ("services", "tables", "violations"),
           ("data_violations", "grid_max", "matrix", "matrix_services"), "data"),
    _piece("violations", "_violations.j2", ("services", "violations"),
           ("kind_counts", "matrix_services", "violations"), "violations"),
    _piece("plan", "_plan.j2", ("plan", "violations"), ("plan_steps",), "plan"),
    _piece("whatif", "_whatif.j2", _COUPLING, ("whatif",), "whatif"),
    _piece("target", "_target.j2", ("database_engine", "services", "violations"),
           ("target_parts", "targets"), "target"),
    _piece("warnings", "_warnings.j2",
           ("database_engine", "django_version", "routes", "settings_module", "warnings"),
           ("renderer_missing", "warning_groups"), "warnings"),
    _piece("close", "_close.j2", ()),
    _piece("search-index", None, ("model_placements", "services", "tables", "violations")),
    _piece("violations-data", None, ("violations",)),
    _piece("whatif-data", None, _COUPLING),
    _piece("end", "_end.j2", (), ("js",)),
)

_MAP = ("dependencies", "services", "violations")  # service_map_dot

# the files beside the page, one piece each, by their path in the output directory
SIDE_PIECES: dict[str, Piece] = {
    "report.md": Piece("report.md", (*_VIEWS, "count_reason", "metrics", "model_placements", "module_splits",
                                     "plan", "project_name", "reference_differences", "warnings")),
    "graph.dot": Piece("graph.dot", _MAP),
    "report/service-map.svg": Piece("service-map.svg", _MAP),
}
