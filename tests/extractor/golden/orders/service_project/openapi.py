"""Build the OpenAPI 3.1 document of the service from its endpoint tables and its models' fields."""

from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.fields import AutoFieldMixin

SERVICE = "orders"
MOVED_ROUTES: tuple[dict[str, Any], ...] = [{'description': 'orders.views.checkout: stub (501) until it calls other services',
  'methods': ['post'],
  'operation': 'route_0_api_orders_checkout',
  'params': [],
  'path': '/api/orders/checkout/'}]
_TYPES: dict[str, dict[str, Any]] = {
    "BooleanField": {"type": "boolean"},
    "FloatField": {"type": "number"},
    "DecimalField": {"type": "string", "format": "decimal"},
    "DateField": {"type": "string", "format": "date"},
    "DateTimeField": {"type": "string", "format": "date-time"},
    "TimeField": {"type": "string", "format": "time"},
    "DurationField": {"type": "number"},
    "UUIDField": {"type": "string", "format": "uuid"},
    "JSONField": {},
}
_STRINGS = ("CharField", "TextField", "SlugField", "EmailField", "URLField", "FileField",
            "ImageField", "FilePathField", "GenericIPAddressField", "IPAddressField", "BinaryField")
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
GAP = ("not implemented in this service yet: saving needs another service's data "
       "(`needs` names it, from the extraction's stand-ins: service_project/relations.py)")
INVALID = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string"},
    "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}


def field_schema(field: models.Field) -> dict[str, Any]:  # type: ignore[type-arg]
    """The JSON schema of one concrete field as ``api.model_to_json`` renders it."""
    schema = _column_schema(field)
    if (field.null or isinstance(field, models.FileField)) and "type" in schema:  # no file: null
        schema["type"] = [schema["type"], "null"]
    return schema


def _column_schema(field: models.Field) -> dict[str, Any]:  # type: ignore[type-arg]
    if _own_python_value(field):
        return {}
    kind = field.get_internal_type()
    if kind in ("ForeignKey", "OneToOneField"):  # the column holds the target's key: a code, a UUID...
        return _column_schema(field.target_field)
    if kind in _TYPES:
        return dict(_TYPES[kind])
    if kind in _STRINGS:
        return {"type": "string"}
    if "Integer" in kind or "AutoField" in kind:
        return {"type": "integer"}
    return {}


def _own_python_value(field: models.Field) -> bool:  # type: ignore[type-arg]
    """Whether a field class of the monolith or a package turns its column into a value of its own
    (``from_db_value``: pretix's MultiStringField holds a list in a text column): not typed here."""
    return any("from_db_value" in vars(cls) and not cls.__module__.startswith("django.")
               for cls in type(field).__mro__)


def model_schema(label: str) -> dict[str, Any]:
    """An object schema with every concrete field of the model ``label``."""
    model = apps.get_model(label)
    fields = model._meta.concrete_fields
    return {
        "type": "object",
        "required": sorted(f.attname for f in fields),
        "properties": {f.attname: field_schema(f) for f in sorted(fields, key=lambda f: f.attname)},
        "x-primary-key": model._meta.pk.attname,
    }


def _pk_parameter(label: str) -> dict[str, Any]:
    """The ``{pk}`` path parameter, typed as the model's primary key."""
    schema = field_schema(apps.get_model(label)._meta.pk)
    return {"name": "pk", "in": "path", "required": True, "schema": schema}


def input_schema(label: str) -> dict[str, Any]:
    """The body of POST (create) and PATCH (update): the fields a client may set.

    ``required`` lists what a create needs; an update sends any subset.
    """
    model = apps.get_model(label)
    fields = sorted((f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)),
                    key=lambda f: f.attname)
    needed = [f.attname for f in fields if not (f.blank or f.null or f.has_default())]
    return {"type": "object", "additionalProperties": False, "required": needed,
            "properties": {f.attname: field_schema(f) for f in fields}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _write_operations(endpoint: dict[str, Any], name: str, schemas: dict[str, Any]) -> dict[str, Any]:
    schemas[name + "_input"] = input_schema(endpoint["label"])
    body = {"required": True, "content": {"application/json": {"schema": _ref(name + "_input")}}}
    invalid = INVALID
    who = ", ".join(endpoint["writers"])
    return {
        "post": {"operationId": f"create_{name}", "description": f"Create (written by {who}).",
                 "requestBody": body, "responses": {"201": _json(_ref(name), "created"),
                                                    "400": _json(invalid, "invalid data"),
                                                    "501": _json(ERROR, GAP)}},
        "patch": {"operationId": f"update_{name}", "description": f"Update some fields (written by {who}).",
                  "parameters": [_pk_parameter(endpoint["label"])],
                  "requestBody": {"required": True, "content": {"application/json": {"schema": {
                      k: v for k, v in schemas[name + "_input"].items() if k != "required"}}}},
                  "responses": {"200": _json(_ref(name), "updated"), "400": _json(invalid, "invalid data"),
                                "404": _json(ERROR, "not found"), "501": _json(ERROR, GAP)}},
    }


def _model_paths(endpoint: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    name = endpoint["label"].replace(".", "_")
    schemas[name] = model_schema(endpoint["label"])
    page = {"type": "object", "required": ["results", "page", "pages", "total"], "properties": {
        "results": {"type": "array", "items": _ref(name)}, "page": {"type": "integer"},
        "pages": {"type": "integer"}, "total": {"type": "integer"}}}
    query = [{"name": n, "in": "query", "required": False, "schema": {"type": t}}
             for n, t in (("ids", "string"), ("page", "integer"), ("page_size", "integer"))]
    base = "/_api/" + endpoint["path"]
    paths: dict[str, Any] = {
        base: {"get": {"operationId": f"list_{name}", "parameters": query,
                       "responses": {"200": _json(page, "a page"), "400": _json(ERROR, "bad query")}}},
        base + "{pk}/": {"get": {
            "operationId": f"get_{name}",
            "parameters": [_pk_parameter(endpoint["label"])],
            "responses": {"200": _json(_ref(name), "the object"), "404": _json(ERROR, "not found")}}},
    }
    if endpoint["writers"]:
        writes = _write_operations(endpoint, name, schemas)
        paths[base]["post"] = writes["post"]
        paths[base + "{pk}/"]["patch"] = writes["patch"]
    return paths


def _function_path(endpoint: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": "call_" + endpoint["name"].replace(".", "_"),
        "description": "Needs other services first: " + "; ".join(endpoint["needs"])
        if endpoint["needs"] else f"Calls {endpoint['name']}.",
        "responses": {
            "200": _json({"type": "object", "required": ["result"], "properties": {"result": {}}}, "result"),
            "400": _json(INVALID, "invalid arguments or data (field name -> messages)"),
            "501": _json(ERROR, "not implemented in this service yet"),
        },
    }
    params = {p: field_schema(apps.get_model(endpoint["model_params"][p])._meta.pk)
              if p in endpoint["model_params"] else {} for p in endpoint["params"]}
    if endpoint["method"] == "GET":
        operation["parameters"] = [{"name": p, "in": "query", "required": False,
                                    "schema": {"type": "string"}} for p in endpoint["params"]]
    else:
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"type": "object", "properties": params}}}}
    return {"/_api/" + endpoint["path"]: {endpoint["method"].lower(): operation}}


def build_document(model_endpoints: tuple[dict[str, Any], ...],
                   function_endpoints: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document, deterministic (sorted)."""
    schemas: dict[str, Any] = {"Error": ERROR}
    paths: dict[str, Any] = {"/healthz/": {"get": {"operationId": "health", "responses": {
        "200": _json({"type": "object", "required": ["status", "service"], "properties": {
            "status": {"const": "ok"}, "service": {"type": "string"},
            "database": {"type": "string"}}}, "healthy")}}}}
    for endpoint in model_endpoints:
        paths.update(_model_paths(endpoint, schemas))
    for endpoint in function_endpoints:
        paths.update(_function_path(endpoint))
    for route in MOVED_ROUTES:
        operation = {"operationId": route["operation"], "description": route["description"],
                     "parameters": [{"name": p, "in": "path", "required": True,
                                     "schema": {"type": "string"}} for p in route["params"]],
                     "responses": {"default": {"description": "as the monolith answers"}}}
        paths.setdefault(route["path"], {}).update({m: operation for m in route["methods"]})
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{SERVICE} service", "version": "1.0.0",
                 "description": "Generated by demonolith extract."},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(schemas.items()))},
    }
