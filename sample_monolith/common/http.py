"""JSON helpers for the API views.

Responses are always rendered with sorted keys so the same database gives byte-identical
answers (the strangler proxy's shadow mode diffs them).
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse

from common.utils import parse_positive_int

View = Callable[..., HttpResponse]


def json_response(data: Any, status: int = 200) -> JsonResponse:
    """A JSON response with sorted keys; lists are allowed at the top level."""
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"sort_keys": True})


def json_error(message: str, status: int = 400, **extra: Any) -> JsonResponse:
    """An error body ``{"error": message, ...}``."""
    return json_response({"error": message, **extra}, status=status)


def parse_json_body(request: HttpRequest) -> dict[str, Any]:
    """The request body as a JSON object; form-encoded bodies are accepted too."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except json.JSONDecodeError as exc:
            raise BadRequest(f"invalid JSON: {exc.msg}") from exc
        if not isinstance(data, dict):
            raise BadRequest("expected a JSON object")
        return data
    return request.POST.dict()


def api_login_required(view: View) -> View:
    """Like ``login_required`` but answers 401 JSON instead of redirecting to a login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return json_error("authentication required", status=401)
        return view(request, *args, **kwargs)

    return wrapper


def api_errors(view: View) -> View:
    """Turn ``BadRequest``/``PermissionDenied`` raised in a view into JSON errors."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadRequest as exc:
            return json_error(str(exc) or "bad request", status=400)
        except PermissionDenied as exc:
            return json_error(str(exc) or "forbidden", status=403)

    return wrapper


def paginate(queryset: QuerySet[Any], request: HttpRequest, per_page: int = 20) -> tuple[
    list[Any], dict[str, int]
]:
    """One page of ``queryset`` from ``?page=&page_size=`` plus pagination metadata."""
    size = parse_positive_int(request.GET.get("page_size"), per_page, maximum=100)
    paginator = Paginator(queryset, size)
    page = paginator.get_page(parse_positive_int(request.GET.get("page"), 1))
    meta = {
        "page": page.number,
        "page_size": size,
        "pages": paginator.num_pages,
        "total": paginator.count,
    }
    return list(page.object_list), meta
