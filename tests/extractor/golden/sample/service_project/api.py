"""The JSON API other parts of the monolith use, generated from the analysis' interface list.

Models: ``GET /_api/models/<app>/<model>/?ids=1,2&page=&page_size=`` and ``.../<pk>/``; for the
models other services write, also ``POST .../`` (create, 201) and ``PATCH .../<pk>/`` (update) with
a JSON object of field values by attribute name (``customer_id``), validated with ``full_clean``.
Functions (only those other services call at run time): ``/_api/functions/<qualified name>/`` --
GET with query arguments (JSON-decoded when possible) for functions that only read, POST with a
JSON object body for any that may write; answer ``{"result": ...}``.
Every ``/_api/`` call needs a signed identity header (the proxy's, or the client's
``signed_identity``; see ``identity.py``) or ``Authorization: Bearer $DEMONOLITH_SERVICE_TOKEN``;
otherwise 401. They are exempt from CSRF only because of that: no cookie authenticates them (the
moved browser routes keep Django's CSRF check). Errors are always ``{"error": "..."}``, with
``"fields"`` (name -> messages) on a 400 for invalid data or arguments, including a
``ValidationError`` the function raises and a ``ValueError`` a model's ``save()`` refuses a row with
(``"__all__"``). Rows are read through each model's ``_base_manager``
(Django's plain manager, the one it uses for related objects), never its default manager: a
project's default manager may filter or refuse queries outside a request's context (django_scopes'
``ScopedManager`` raises ``ScopeError`` without an active scope; a "published only" manager hides
rows), while a caller of ``/_api/`` names the rows it wants by primary key. The OpenAPI document
(``/openapi.json``) is built from the same tables, so it cannot drift from the code.
"""

import dataclasses
import datetime
import decimal
import functools
import hmac
import importlib
import inspect
import json
import uuid
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model
from django.db.models.fields import AutoFieldMixin
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.urls import path
from django.views import defaults as http_defaults
from django.views.decorators.csrf import csrf_exempt

from service_project.openapi import build_document
from service_project.relations import is_extraction_gap

SERVICE = "shipping"
MODEL_ENDPOINTS: tuple[dict[str, Any], ...] = (
    {"label": "shipping.Carrier", "path": "models/shipping/carrier/",
     "writers": []},
    {"label": "shipping.Shipment", "path": "models/shipping/shipment/",
     "writers": []},
)
FUNCTION_ENDPOINTS: tuple[dict[str, Any], ...] = (
    {
        "name": "orders.services.cancel_open_shipments",
        "path": "functions/orders.services.cancel_open_shipments/",
        "method": "POST",
        "params": ['order'],
        "model_params": {},
        "carried": False,
        "needs": ['orders/services.py:403: Order -> orders.models.Order (service orders)'],
    },
    {
        "name": "orders.services.carrier_for",
        "path": "functions/orders.services.carrier_for/",
        "method": "POST",
        "params": ['code'],
        "model_params": {},
        "carried": True,
        "needs": [],
    },
    {
        "name": "orders.services.create_shipment",
        "path": "functions/orders.services.create_shipment/",
        "method": "POST",
        "params": ['order', 'quote', 'address'],
        "model_params": {},
        "carried": False,
        "needs": ['orders/services.py:366: Order -> orders.models.Order (service orders)',
 'orders/services.py:371: Address -> customers.models.Address (service customers)',
 'orders/services.py:371: Order -> orders.models.Order (service orders)',
 "orders/services.py:371: address -> relation 'address' (now an ID) (service customers)",
 "orders/services.py:371: order -> relation 'order' (now an ID) (service orders)",
 'orders/services.py:372: data: cross-service-query -> orders.services.create_shipment reads '
 'customers.Address (lookup through shipping.Shipment) (service customers)',
 'orders/services.py:372: data: cross-service-query -> orders.services.create_shipment reads '
 'orders.Order (lookup through shipping.Shipment) (service orders)'],
    },
    {
        "name": "orders.services.quote_shipping",
        "path": "functions/orders.services.quote_shipping/",
        "method": "GET",
        "params": ['country', 'weight_grams', 'subtotal'],
        "model_params": {},
        "carried": True,
        "needs": [],
    },
)


def to_jsonable(value: Any) -> Any:
    """Plain JSON data for model instances, querysets, dataclasses, named tuples, decimals, dates,
    containers and stored files (their name; ``null`` when there is no file)."""
    if isinstance(value, Model):
        return model_to_json(value)
    if isinstance(value, FieldFile):  # iterating one would read the file from its storage
        return value.name or None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return to_jsonable(value._asdict())
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set) or hasattr(value, "__iter__") and not isinstance(
        value, str | bytes
    ):
        return [to_jsonable(v) for v in value]
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def model_to_json(instance: Model) -> dict[str, Any]:
    """Every concrete field of ``instance`` by attribute name (FKs as ``<name>_id``)."""
    return {f.attname: to_jsonable(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def authenticated(request: HttpRequest) -> bool:
    """A verified signed identity, or the service token in ``Authorization: Bearer``."""
    if getattr(request.user, "is_authenticated", False):
        return True
    token = settings.DEMONOLITH_SERVICE_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    return bool(token) and given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip(), token)


def internal(view: Any) -> Any:
    """An ``/_api/`` view: 401 unless ``authenticated``; CSRF-exempt (no cookie authenticates it)."""
    @csrf_exempt
    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not authenticated(request):
            return _error("authentication required: a signed identity or the service token", 401)
        return view(request, *args, **kwargs)

    return guarded


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 answer: Django's page (the monolith's 500.html when its templates are installed), or
    plain text when that page cannot render itself (pretix's needs compressed assets only its
    deployment builds): the error the request hit is then the one reported, not the page's."""
    try:
        return http_defaults.server_error(request)
    except Exception:  # noqa: BLE001 - the page failed; the request's own error was logged first
        return HttpResponseServerError("Server Error (500)", content_type="text/plain")


def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database readiness."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return JsonResponse({"status": "error", "service": SERVICE, "database": str(exc)}, status=503)
    missing = unregistered_models()
    if missing:
        return JsonResponse({"status": "error", "service": SERVICE, "database": database,
                             "models": f"not registered: {', '.join(missing)}"}, status=503)
    return JsonResponse({"status": "ok", "service": SERVICE, "database": database})


OWN_MODELS: tuple[str, ...] = ['shipping.Carrier', 'shipping.Shipment']


def unregistered_models() -> list[str]:
    """The labels of this service's models that Django did not register (a models package that
    imports none of them, an app missing from INSTALLED_APPS)."""
    registered = {model._meta.label for model in apps.get_models(include_auto_created=True)}
    return [label for label in OWN_MODELS if label not in registered]


def openapi_document(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 document of this service."""
    return JsonResponse(build_document(MODEL_ENDPOINTS, FUNCTION_ENDPOINTS), json_dumps_params={"indent": 2})


def input_fields(model: type[Model]) -> dict[str, Field]:  # type: ignore[type-arg]
    """The fields a client may set, by attribute name: every concrete field but an auto primary key."""
    return {f.attname: f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)}


def _json_object(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise ValidationError(f"the body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValidationError("the body must be a JSON object of field values")
    return data


def unique_errors(instance: Model, exclude: set[str]) -> dict[str, list[str]]:
    """Django's uniqueness checks (unique fields, ``unique_together``) of ``instance``, read through
    the base manager: ``full_clean()`` reads the default manager, which may refuse the query."""
    errors: dict[str, list[str]] = {}
    for model_class, names in instance._get_unique_checks(exclude=exclude)[0]:
        lookup = {}
        for name in names:
            field = model_class._meta.get_field(name)
            lookup[field.attname] = getattr(instance, field.attname)
        if any(value is None for value in lookup.values()):
            continue  # a null is never equal to another
        found = model_class._base_manager.filter(**lookup)
        pk = instance._get_pk_val(model_class._meta)
        if not instance._state.adding and pk is not None:
            found = found.exclude(pk=pk)
        if found.exists():
            key = names[0] if len(names) == 1 else "__all__"
            errors.setdefault(key, []).extend(instance.unique_error_message(model_class, names).messages)
    return errors


def validate(instance: Model) -> None:
    """``full_clean()`` less its reads of the default manager: uniqueness by ``unique_errors``;
    ``Meta.constraints`` and ``unique_for_date`` are left to the database and the monolith's forms
    (an ``IntegrityError`` on save is a 400)."""
    unread = {"validate_constraints": False} if django.VERSION >= (4, 1) else {}
    errors: dict[str, list[str]] = {}
    try:
        instance.full_clean(validate_unique=False, **unread)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    for name, messages in unique_errors(instance, set(errors)).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _save(instance: Model, data: dict[str, Any], status: int) -> JsonResponse:
    """Set the fields in ``data`` on ``instance``, validate, save; 400 with the field errors."""
    fields = input_fields(type(instance))
    try:
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise ValidationError({name: ["unknown field"] for name in unknown})
        for name, value in data.items():
            setattr(instance, name, fields[name].to_python(value))
        validate(instance)
        with transaction.atomic():
            instance.save()
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return JsonResponse({"error": "invalid data", "fields": errors}, status=400)
    except IntegrityError as exc:  # a database constraint refused the row
        return JsonResponse({"error": "invalid data", "fields": {"__all__": [str(exc)]}}, status=400)
    except ValueError as exc:  # the model's own save() refused the row (pretix: "`acceptor` should be set")
        return JsonResponse({"error": "invalid data", "fields": {"__all__": [str(exc)]}}, status=400)
    except NotImplementedError as exc:  # save() follows a relation the extraction cut: not this service's
        if not is_extraction_gap(exc):
            raise
        return _not_here(exc)
    return JsonResponse(model_to_json(instance), status=status)


def _not_here(exc: NotImplementedError) -> JsonResponse:
    """501 for a call that needs another service's data (a stand-in of the extraction refused it)."""
    return JsonResponse({"error": "not implemented in this service yet", "needs": [str(exc)]}, status=501)


def _model_list(endpoint: dict[str, Any]) -> Any:
    @internal
    def view(request: HttpRequest) -> JsonResponse:
        model = apps.get_model(endpoint["label"])
        if request.method == "POST" and endpoint["writers"]:
            try:
                return _save(model(), _json_object(request), 201)
            except ValidationError as exc:
                return _error(str(exc.messages[0]), 400)
        if request.method != "GET":
            return _error("use GET" + (" or POST" if endpoint["writers"] else ""), 405)
        queryset = model._base_manager.order_by("pk")
        ids = request.GET.get("ids")
        if ids:
            try:
                queryset = queryset.filter(pk__in=[model._meta.pk.to_python(i) for i in ids.split(",") if i])
            except (ValueError, ValidationError):
                return _error(f"ids must be a comma-separated list of {model._meta.label} primary keys", 400)
        try:
            size = min(max(int(request.GET.get("page_size", "50")), 1), 500)
            number = max(int(request.GET.get("page", "1")), 1)
        except ValueError:
            return _error("page and page_size must be integers", 400)
        paginator = Paginator(queryset, size)
        page = paginator.get_page(number)
        results = [model_to_json(obj) for obj in page.object_list]
        meta = {"page": page.number, "pages": paginator.num_pages, "total": paginator.count}
        return JsonResponse({"results": results, **meta})

    return view


def _model_detail(endpoint: dict[str, Any]) -> Any:
    @internal
    def view(request: HttpRequest, pk: str) -> JsonResponse:
        label = endpoint["label"]
        allowed = ("GET", "PATCH") if endpoint["writers"] else ("GET",)
        if request.method not in allowed:
            return _error("use " + " or ".join(allowed), 405)
        model = apps.get_model(label)
        try:
            instance = model._base_manager.filter(pk=model._meta.pk.to_python(pk)).first()
        except (ValueError, ValidationError):
            instance = None
        if instance is None:
            return _error(f"{label} {pk} not found", 404)
        if request.method == "PATCH":
            try:
                return _save(instance, _json_object(request), 200)
            except ValidationError as exc:
                return _error(str(exc.messages[0]), 400)
        return JsonResponse(model_to_json(instance))

    return view


def _arguments(request: HttpRequest) -> dict[str, Any]:
    """The keyword arguments of a call: the query (values JSON-decoded when they parse) or the body."""
    if request.method == "GET":
        arguments: dict[str, Any] = {}
        for key, raw in request.GET.items():
            try:
                arguments[key] = json.loads(raw)
            except ValueError:
                arguments[key] = raw
        return arguments
    return _json_object(request)


def argument_errors(function: Any, arguments: dict[str, Any]) -> dict[str, list[str]]:
    """Field errors of calling ``function(**arguments)``: unknown and missing arguments."""
    parameters = inspect.signature(function).parameters
    kinds = {p.kind for p in parameters.values()}
    by_name = {n: p for n, p in parameters.items()
               if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    errors = {} if inspect.Parameter.VAR_KEYWORD in kinds else {
        name: ["unexpected argument"] for name in arguments if name not in by_name}
    errors.update({name: ["this argument is required"] for name, p in by_name.items()
                   if p.default is p.empty and name not in arguments})
    return dict(sorted(errors.items()))


def _load_models(endpoint: dict[str, Any], arguments: dict[str, Any]) -> dict[str, list[str]]:
    """Replace the primary keys of model arguments by the objects; field errors for unknown keys."""
    errors = {}
    for name, label in endpoint["model_params"].items():
        if name not in arguments:
            continue
        try:
            found = apps.get_model(label)._base_manager.filter(pk=arguments[name]).first()
        except (ValueError, TypeError, ValidationError):
            found = None
        if found is None:
            errors[name] = [f"no {label} with primary key {arguments[name]!r}"]
        arguments[name] = found
    return errors


def _invalid(fields: dict[str, list[str]], message: str = "invalid arguments") -> JsonResponse:
    return JsonResponse({"error": message, "fields": fields}, status=400)


def _call(endpoint: dict[str, Any]) -> Any:
    @internal
    def view(request: HttpRequest) -> JsonResponse:
        if request.method != endpoint["method"]:
            return _error(f"use {endpoint['method']}", 405)
        if not endpoint["carried"]:
            return JsonResponse({"error": "not implemented in this service yet",
                                 "needs": endpoint["needs"]}, status=501)
        module, _, attribute = endpoint["name"].rpartition(".")
        function = getattr(importlib.import_module(module), attribute)
        try:
            arguments = _arguments(request)
        except ValidationError as exc:
            return _invalid({"__all__": exc.messages}, "bad arguments")
        errors = {**argument_errors(function, arguments), **_load_models(endpoint, arguments)}
        if errors:
            return _invalid(errors)
        try:
            result = function(**arguments)
        except ValidationError as exc:  # the function refused the values: the caller's error
            fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            return _invalid(fields, "invalid data")
        except NotImplementedError as exc:
            if not is_extraction_gap(exc):
                raise
            return _not_here(exc)
        return JsonResponse({"result": to_jsonable(result)})

    return view


urlpatterns = [
    *(path(e["path"], _model_list(e)) for e in MODEL_ENDPOINTS),
    *(path(e["path"] + "<path:pk>/", _model_detail(e)) for e in MODEL_ENDPOINTS),  # any primary key
    *(path(e["path"], _call(e)) for e in FUNCTION_ENDPOINTS),
]
