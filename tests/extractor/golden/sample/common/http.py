# Carried from the monolith's common.http by `demonolith extract`; unused code was left behind.
"""JSON helpers for the API views.

Responses are always rendered with sorted keys so the same database gives byte-identical
answers (the strangler proxy's shadow mode diffs them).
"""
from typing import Any
from django.http import JsonResponse


def json_response(data: Any, status: int = 200) -> JsonResponse:
    """A JSON response with sorted keys; lists are allowed at the top level."""
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"sort_keys": True})


def json_error(message: str, status: int = 400, **extra: Any) -> JsonResponse:
    """An error body ``{"error": message, ...}``."""
    return json_response({"error": message, **extra}, status=status)
