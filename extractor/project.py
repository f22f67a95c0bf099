"""The template context of a generated service: apps, routes, stubs, endpoints, sagas, proxy routes."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from typing import Any

from analyzer.model.analysis import Analysis, RouteInfo, Service, Violation
from extractor.api_names import method_names, model_class_names, snake_case
from extractor.boundary import foreign_relations
from extractor.carry import CarriedCode, Param, Root
from extractor.payload_types import static_fields
from extractor.remote_calls import http_method
from extractor.routes import (
    django_pattern,
    gateway_regex,
    inner_regex,
    openapi_path,
    path_parameters,
    proxy_match,
    shadowed_paths,
)

SIMPLE_TYPES = ("int", "str", "float", "bool")


def identifier(text: str) -> str:
    """A lower-case Python identifier made from ``text``."""
    name = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower() or "x"
    return f"n_{name}" if name[0].isdigit() else name


def camel(text: str) -> str:
    """``catalog.Product`` -> ``CatalogProduct``."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9a-zA-Z]+", text) if p)


def shadow_secret_env(service: str) -> str:
    """The proxy's environment variable with the key of ``service``'s shadow marker."""
    return "DEMONOLITH_SHADOW_SECRET_" + re.sub(r"[^0-9A-Za-z]+", "_", service).upper()


def app_package(module: str) -> str:
    """The package of a models module: ``shop.catalog.models`` -> ``shop.catalog``."""
    parts = module.split(".")
    return ".".join(parts[: parts.index("models")]) if "models" in parts[1:] else module.rsplit(".", 1)[0]


def apps_of(carried: CarriedCode) -> list[dict[str, str]]:
    """One AppConfig per (package, label) of the owned models."""
    found = sorted({(app_package(m.module), m.app_label) for m in carried.models})
    return [{"package": p, "label": label, "class_name": camel(label) + "Config"} for p, label in found]


def _view_target(root: Root, stub_name: str) -> str:
    if not root.carried:
        return f"stubs.{stub_name}"
    return root.qualname + (".as_view()" if root.class_based else "")


def route_entries(routes: tuple[RouteInfo, ...], carried: CarriedCode) -> list[dict[str, Any]]:
    """One entry per moved route with its Django pattern, target and stub information."""
    entries = []
    for index, route in enumerate(routes):
        root = carried.views[route.pattern]
        function, pattern = django_pattern(route)
        stub_name = f"stub_{identifier(root.qualname.rsplit('.', 1)[-1])}_{index}"
        namespace, _, url_name = (route.name or "").rpartition(":")
        entries.append({
            "pattern": route.pattern, "view": root.qualname, "carried": root.carried,
            "function": function, "django_pattern": pattern, "target": _view_target(root, stub_name),
            "inner": inner_regex(route),
            "namespace": namespace if ":" not in namespace else "", "url_name": url_name or None,
            "stub_name": stub_name, "methods": list(route.methods),
            "crossings": [str(c) for c in root.crossings]
            or ([] if root.definition else [f"view {root.qualname} not found in the monolith's source"]),
        })
    return entries


def route_groups(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Routes grouped by URL namespace so ``reverse("ns:name")`` keeps working."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        groups[entry["namespace"]].append(entry)
    return [{"namespace": ns, "routes": groups[ns]} for ns in sorted(groups)]


def proxy_routes(service: str, routes: tuple[RouteInfo, ...], carried: CarriedCode) -> list[dict[str, Any]]:
    """Routes for the proxy's routes file and the HTTPRoute, most specific first.

    ``identity`` marks routes that need the logged-in user: the analysis says so
    (``RouteInfo.login_required``) or the view does (``login.needs_user``).
    """
    entries = []
    for index, route in enumerate(routes):
        match = proxy_match(route)
        root = carried.views.get(route.pattern)
        entries.append({
            "name": f"{service}-{index + 1}-{identifier(route.pattern)}"[:80],
            "match_key": match.key, "match_value": match.value,
            "k8s_type": "Exact" if match.key == "path" else "RegularExpression",
            "k8s_value": match.value if match.key == "path" else gateway_regex(match),
            "methods": sorted(route.methods),
            "identity": route.login_required or (root is not None and root.needs_user),
        })
    return entries


def monolith_guards(routes: tuple[RouteInfo, ...], staying: list[RouteInfo]) -> list[dict[str, str]]:
    """Exact routes kept on the monolith because a moved ``{name}`` pattern would take them too."""
    paths = sorted({p for r in routes for p in shadowed_paths(proxy_match(r), staying)})
    return [{"name": f"monolith-keeps-{identifier(p)}"[:80], "path": p} for p in paths]


def moved_route_docs(entries: list[dict[str, Any]],
                     routes: tuple[RouteInfo, ...]) -> list[dict[str, Any]]:
    """The moved routes as the OpenAPI builder lists them."""
    docs = []
    for index, (entry, route) in enumerate(zip(entries, routes, strict=True)):
        methods = sorted(m.lower() for m in route.methods) or ["get"]
        state = "original code" if entry["carried"] else "stub (501) until it calls other services"
        docs.append({"path": openapi_path(route), "methods": methods,
                     "operation": f"route_{index}_{identifier(route.pattern)}",
                     "description": f"{route.view}: {state}", "params": list(path_parameters(route))})
    return docs


def function_entries(analysis: Analysis, service: Service, carried: CarriedCode) -> list[dict[str, Any]]:
    """One JSON endpoint per function other services really call (the carried ``functions``:
    ``remote_calls`` decided which), GET only for those that only read."""
    own = {m.name: m.label for m in carried.models}
    read_only = {i.name: i.read_only for i in analysis.interfaces if i.service == service.name}
    classes = model_class_names(m.label for m in carried.models)
    taken = {"health"} | {f"{verb}_{snake_case(name)}" for name in classes.values()
                          for verb in ("get", "list", "create", "update")}
    names = method_names(carried.functions, taken)
    entries = []
    for name in sorted(carried.functions):
        root = carried.functions[name]
        params = [p for p in root.params if p.name not in ("self", "cls")]
        model_params = {p.name: own[_annotated(p)] for p in params if _annotated(p) in own}
        body = root.definition.node if root.definition is not None else None
        entries.append({
            "name": name, "method": http_method(name, read_only.get(name, True), body),
            "params": [p.name for p in params], "model_params": model_params,
            "carried": root.carried, "needs": [str(c) for c in root.crossings]
            or ([] if root.definition else [f"{name} not found in the monolith's source"]),
            "method_name": names[name],
            "typed_params": [client_param(p, p.name in model_params) for p in params],
            "returns": _annotated(root.returns) if root.returns else "",
        })
    return entries


def _annotated(param: Param | str) -> str:
    text = param if isinstance(param, str) else param.annotation
    return text.split(".")[-1].strip("'\"")


def client_param(param: Param, model: bool) -> dict[str, Any]:
    """A parameter of the client's method: its type (``int`` for a model's primary key), its
    default when the source gives a literal (else the client's ``UNSET``: not sent), keyword-only
    as in the source."""
    literal = _literal(param.default)
    if model:
        kind = "int"
    elif param.annotation in SIMPLE_TYPES:
        kind = param.annotation
    elif literal is not None and literal[0] is not None:
        kind = type(literal[0]).__name__
    else:
        kind = "Any"
    default = "" if not param.default else (repr(literal[0]) if literal is not None else "UNSET")
    if default == "None" and kind != "Any":
        kind += " | None"
    return {"name": param.name, "type": kind, "default": default, "keyword_only": param.keyword_only}


def _literal(text: str) -> tuple[object] | None:
    """``(value,)`` of a default written as a plain literal (number, string, bool, None), else None."""
    try:
        value = ast.literal_eval(text) if text else ...
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return (value,) if value is None or isinstance(value, bool | int | float | str) else None


def model_entries(analysis: Analysis, service: Service, carried: CarriedCode) -> list[dict[str, Any]]:
    """Model endpoints: the owned models other services use (all owned, when none listed).

    A model is writable (POST to create, PATCH to update) when another service writes its table
    (the analysis' ``tables[].writers``) or writes through it (an interface that is not read-only);
    read replicas of unmanaged models never are.
    """
    used = {i.name for i in analysis.interfaces if i.service == service.name and i.kind == "model"}
    chosen = [m for m in carried.models if f"{m.module}.{m.name}" in used or m.label in used or not used]
    classes = model_class_names(m.label for m in chosen)
    return [{"label": m.label, "app_label": m.app_label, "model_lower": m.name.lower(),
             "name": classes[m.label],
             "path": f"models/{m.app_label}/{m.name.lower()}/",
             "writers": [] if m.label in carried.replicas else foreign_writers(analysis, service, m.label),
             "static_fields": static_fields(analysis, m)}
            for m in chosen]


def foreign_writers(analysis: Analysis, service: Service, label: str) -> list[str]:
    """The other services that write the model ``label`` (its tables, or through its interface)."""
    writers = {w for t in analysis.tables if t.model == label and t.owner == service.name
               for w in t.writers if w != service.name}
    writers.update(u for i in analysis.interfaces if i.service == service.name and i.kind == "model"
                   and i.name == label and not i.read_only for u in i.used_by)
    return sorted(writers)


def saga_entries(analysis: Analysis, service: Service) -> list[dict[str, Any]]:
    """Sagas of the distributed transactions this service takes part in."""
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for violation in sorted(analysis.violations, key=lambda v: v.id):
        saga = violation.saga
        if saga is None or not _touches(violation, service.name):
            continue
        module = "saga_" + identifier(saga.name)
        while module in seen:
            module += "_2"
        seen.add(module)
        steps = [{"service": s.service, "action": s.action, "compensation": s.compensation,
                  "action_name": f"step_{i + 1}_{identifier(s.action)}"[:60],
                  "compensation_name": f"compensate_{i + 1}_{identifier(s.compensation)}"[:60]}
                 for i, s in enumerate(saga.steps)]
        entries.append({"name": saga.name, "module": module, "violation": violation.id,
                        "location": f"{violation.path}:{violation.line}",
                        "subject": violation.subject, "steps": steps})
    return entries


def _touches(violation: Violation, service: str) -> bool:
    saga = violation.saga
    steps = saga.steps if saga is not None else ()
    return violation.source_service == service or any(s.service == service for s in steps)


def relation_notes(analysis: Analysis, service: Service, carried: CarriedCode) -> list[str]:
    """README lines: each foreign relation that became an ID column."""
    keep = bool(carried.kept_links)
    return [f"`{m.label}.{r.field}` -> removed: a many-to-many to {r.target}, kept by {r.owner}"
            if r.relation == "m2m"
            else f"`{m.label}.{r.field}` -> `{r.field}_id` (a {r.target}, owned by {r.owner})"
            for m in carried.models for r in foreign_relations(analysis, service, m, keep)] + [
        f"`{label}.{r.field}` -> kept: a many-to-many to {r.target} (owned by {r.owner}) without a database "
        "constraint; its join table is copied here, reading the targets through it raises (their rows are "
        "not in this database): use the ids, `through`, and that service's API"
        for label, r in carried.kept_links]
