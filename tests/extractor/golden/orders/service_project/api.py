"""The JSON API other parts of the monolith use, generated from the analysis' interface list.

Models: ``GET /_api/models/<app>/<model>/?ids=1,2&page=&page_size=`` and ``.../<pk>/``.
Functions: ``/_api/functions/<qualified name>/`` -- GET with query arguments (JSON-decoded when
possible) for read-only functions, POST with a JSON object body otherwise; answer ``{"result": ...}``.
Errors are always ``{"error": "..."}``. The OpenAPI document (``/openapi.json``) is built from the
same tables, so it cannot drift from the code.
"""

import datetime
import decimal
import importlib
import json
import uuid
from typing import Any

from django.apps import apps
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from service_project.openapi import build_document

SERVICE = "orders"
MODEL_ENDPOINTS: tuple[dict[str, str], ...] = (
    {"label": "orders.Order", "path": "models/orders/order/"},
)
FUNCTION_ENDPOINTS: tuple[dict[str, Any], ...] = (
)


def to_jsonable(value: Any) -> Any:
    """Plain JSON data for model instances, querysets, decimals, dates and containers."""
    if isinstance(value, Model):
        return model_to_json(value)
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


def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database readiness."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return JsonResponse({"status": "error", "service": SERVICE, "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "service": SERVICE, "database": database})


def openapi_document(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 document of this service."""
    return JsonResponse(build_document(MODEL_ENDPOINTS, FUNCTION_ENDPOINTS), json_dumps_params={"indent": 2})


def _model_list(label: str) -> Any:
    def view(request: HttpRequest) -> JsonResponse:
        model = apps.get_model(label)
        queryset = model._default_manager.order_by("pk")
        ids = request.GET.get("ids")
        if ids:
            try:
                queryset = queryset.filter(pk__in=[int(i) for i in ids.split(",") if i])
            except ValueError:
                return _error("ids must be a comma-separated list of integers", 400)
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


def _model_detail(label: str) -> Any:
    def view(request: HttpRequest, pk: int) -> JsonResponse:
        model = apps.get_model(label)
        instance = model._default_manager.filter(pk=pk).first()
        if instance is None:
            return _error(f"{label} {pk} not found", 404)
        return JsonResponse(model_to_json(instance))

    return view


def _arguments(request: HttpRequest, endpoint: dict[str, Any]) -> dict[str, Any]:
    if request.method == "GET":
        arguments: dict[str, Any] = {}
        for key, raw in request.GET.items():
            try:
                arguments[key] = json.loads(raw)
            except ValueError:
                arguments[key] = raw
        return arguments
    data = json.loads(request.body or b"{}")
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object of keyword arguments")
    return data


def _call(endpoint: dict[str, Any]) -> Any:
    @csrf_exempt
    def view(request: HttpRequest) -> JsonResponse:
        if request.method != endpoint["method"]:
            return _error(f"use {endpoint['method']}", 405)
        if not endpoint["carried"]:
            return JsonResponse({"error": "not implemented in this service yet",
                                 "needs": endpoint["needs"]}, status=501)
        try:
            arguments = _arguments(request, endpoint)
            for name, label in endpoint["model_params"].items():
                if name in arguments:
                    arguments[name] = apps.get_model(label)._default_manager.get(pk=arguments[name])
        except ValueError as exc:
            return _error(f"bad arguments: {exc}", 400)
        except Exception as exc:  # noqa: BLE001 - e.g. DoesNotExist
            return _error(f"bad arguments: {exc}", 400)
        module, _, attribute = endpoint["name"].rpartition(".")
        function = getattr(importlib.import_module(module), attribute)
        try:
            result = function(**arguments)
        except TypeError as exc:
            return _error(f"bad arguments: {exc}", 400)
        return JsonResponse({"result": to_jsonable(result)})

    return view


urlpatterns = [
    *(path(e["path"], _model_list(e["label"])) for e in MODEL_ENDPOINTS),
    *(path(e["path"] + "<int:pk>/", _model_detail(e["label"])) for e in MODEL_ENDPOINTS),
    *(path(e["path"], _call(e)) for e in FUNCTION_ENDPOINTS),
]
