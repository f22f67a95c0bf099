"""Read an Analysis from the point of view of one service: what it owns, what belongs elsewhere."""

from __future__ import annotations

from analyzer.model.analysis import Analysis, FieldInfo, ModelInfo, RouteInfo, Service
from extractor.closure import Boundary
from extractor.data_access import data_access_of, replica_sources, sql_file_access
from extractor.rewrite_model import ForeignRelation
from extractor.routes import is_reserved, route_refusal

MONOLITH = "monolith"


def model_owner(analysis: Analysis, label: str) -> str:
    """The service owning the model ``label`` (its table's owner), or ``monolith`` when unknown."""
    owners = analysis.table_owner()
    for model in analysis.models:
        if model.label == label:
            if model.db_table in owners:
                return owners[model.db_table]
            break
    for usage in analysis.tables:
        if usage.model == label:
            return usage.owner
    for service in analysis.services:
        if label in service.models:
            return service.name
    return MONOLITH


NOT_MODEL_SUFFIXES = ("Admin", "QuerySet", "Manager", "Form", "Serializer", "View", "Mixin")


def looks_like_model(model: ModelInfo) -> bool:
    """False for a class the analysis took for a model although nothing says so: no fields, no
    resolved base, and a name of Django's other classes (``CategoryAdmin``, ``UserManager``)."""
    return bool(model.fields or model.bases) or not model.name.endswith(NOT_MODEL_SUFFIXES)


def own_models(analysis: Analysis, service: Service) -> tuple[ModelInfo, ...]:
    """The concrete models ``service`` owns, in source order (path, line)."""
    owned = [m for m in analysis.models if not m.abstract and looks_like_model(m)
             and (m.label in service.models or model_owner(analysis, m.label) == service.name)]
    return tuple(sorted(owned, key=lambda m: (m.path, m.line, m.label)))


SHARED_MODELS = frozenset({"contenttypes.ContentType"})  # every service has them: relations stay
GENERIC_KEYS = frozenset({"GenericForeignKey"})  # resolved through a content type FK, not a relation
SET_RELATIONS = frozenset({"GenericRelation"})  # reverse generic relations: removed like a many-to-many


def relation_fields(analysis: Analysis, model: ModelInfo) -> tuple[tuple[FieldInfo, ModelInfo], ...]:
    """The fields of ``model`` and of its abstract bases and mixins (all levels), nearest first, each
    with the model declaring it."""
    by_label = {m.label: m for m in (*analysis.models, *analysis.abstract_models)}
    found: dict[str, tuple[FieldInfo, ModelInfo]] = {}
    queue, seen = [model.label], set()
    while queue:
        current = by_label.get(queue.pop(0))
        if current is None or current.label in seen or (current is not model and not current.abstract):
            continue
        seen.add(current.label)
        for field in current.fields:
            known = found.get(field.name)
            if known is None:
                found[field.name] = (field, current)
            elif (known[0].line, known[0].field_type) == (field.line, field.field_type):
                found[field.name] = (known[0], current)  # the analysis repeats a base's field: declared here
        queue.extend(current.bases)
    return tuple(found.values())


def _relations_elsewhere(analysis: Analysis, service: Service, model: ModelInfo) -> list[
    tuple[ForeignRelation, FieldInfo]
]:
    """Each relation of ``model`` (declared or inherited) whose target another service owns, with its
    field; own targets and shared ones (``contenttypes.ContentType``) left out."""
    found = []
    for field, declaring in relation_fields(analysis, model):
        if field.relation is None or field.target is None or field.field_type in GENERIC_KEYS:
            continue
        if field.target in SHARED_MODELS:
            continue
        owner = model_owner(analysis, field.target)
        if owner != service.name:
            kind = "m2m" if field.field_type in SET_RELATIONS else field.relation
            declared = f"{declaring.path}:{field.line}"
            found.append((ForeignRelation(field.name, kind, field.target, owner, declared), field))
    return found


def is_link(field: FieldInfo) -> bool:
    """Whether ``field`` is a plain many-to-many (no explicit through model, not a GenericRelation):
    its join table holds only the two ids, so it can stay in the service that owns the field."""
    return field.relation == "m2m" and field.field_type not in SET_RELATIONS and not field.through


def foreign_relations(analysis: Analysis, service: Service, model: ModelInfo,
                      keep_links: bool = False) -> tuple[ForeignRelation, ...]:
    """Relations of ``model`` -- declared or inherited -- whose target model another service owns,
    which the extraction rewrites (an ID column) or removes (a many-to-many).

    Classified: own (target owned here) and shared (``contenttypes.ContentType``; a GenericForeignKey
    goes through it) are kept; other services' are returned, a GenericRelation as a set relation.
    With ``keep_links`` (the service registers the monolith's apps, so the target's class is there)
    plain many-to-many fields are not returned: they stay, see ``kept_links``."""
    return tuple(rel for rel, field in _relations_elsewhere(analysis, service, model)
                 if not (keep_links and is_link(field)))


def kept_links(analysis: Analysis, service: Service) -> tuple[tuple[str, ForeignRelation], ...]:
    """(own model label, relation) of each plain many-to-many of the service's models to a model
    another service owns (or the monolith: ``auth.User``), kept as a many-to-many when the service
    registers the monolith's apps: the join table is the service's, the targets' rows are not."""
    return tuple((model.label, rel) for model in own_models(analysis, service)
                 for rel, field in _relations_elsewhere(analysis, service, model) if is_link(field))


def boundary_of(analysis: Analysis, service: Service, replicas: tuple[str, ...] = (),
                keep_links: bool = False) -> Boundary:
    """The Boundary the closure walk needs for ``service`` (``replicas``: labels of own models
    that are database views in the monolith; ``keep_links``: see ``foreign_relations``)."""
    foreign = {
        f"{m.module}.{m.name}": model_owner(analysis, m.label)
        for m in analysis.models
        if not m.abstract and model_owner(analysis, m.label) != service.name
    }
    units = {unit: s.name for s in analysis.services for unit in s.units}
    rewritten = {
        rel.field: rel.owner for m in own_models(analysis, service)
        for rel in foreign_relations(analysis, service, m, keep_links)
    }
    owners = analysis.table_owner()
    access = data_access_of(analysis, service, lambda label: model_owner(analysis, label))
    return Boundary(
        service=service.name,
        foreign_models=foreign,
        unit_services=units,
        shared_modules=frozenset(s.module for s in analysis.shared),
        rewritten_relations=rewritten,
        auth_owner=owners.get("auth_user", MONOLITH),
        data_access=access,
        sql_files=sql_file_access(access),
        replica_models=replica_sources(analysis, service, replicas,
                                       lambda label: model_owner(analysis, label)),
    )


def planned_routes(analysis: Analysis, service: Service) -> tuple[RouteInfo, ...]:
    """The routes the plan gives ``service`` (its own routes plus its plan step's), by pattern."""
    patterns = set(service.routes)
    for step in analysis.plan:
        if step.service == service.name:
            patterns.update(step.routes)
    routes = {r.pattern: r for r in analysis.routes if r.pattern in patterns}
    return tuple(routes[p] for p in sorted(routes))


def moved_routes(analysis: Analysis, service: Service) -> tuple[RouteInfo, ...]:
    """The planned routes the service serves with the monolith's code (reserved paths and refused
    routes left out: see ``refused_routes``)."""
    return tuple(r for r in planned_routes(analysis, service)
                 if not is_reserved(r) and route_refusal(r) is None)


def refused_routes(analysis: Analysis, service: Service) -> tuple[str, ...]:
    """Planned routes that are never written (unresolved, catch-all, an unmatchable regex), each as
    ``pattern (path:line): reason``."""
    return tuple(f"{r.pattern} ({r.path}:{r.line}): {reason}" for r in planned_routes(analysis, service)
                 if not is_reserved(r) and (reason := route_refusal(r)) is not None)


def staying_routes(analysis: Analysis, service: Service) -> list[RouteInfo]:
    """The monolith's routes this service does not take (the proxy must keep them on the monolith)."""
    moved = {r.pattern for r in moved_routes(analysis, service)}
    return [r for r in analysis.routes if r.pattern not in moved]


def reserved_routes(analysis: Analysis, service: Service) -> tuple[RouteInfo, ...]:
    """Planned routes whose path the generated project uses itself (``/healthz/``, ``/_api/``...)."""
    return tuple(r for r in planned_routes(analysis, service) if is_reserved(r))
