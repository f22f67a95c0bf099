"""Views whose monolith code needs other services: each answers 501 and lists what it needs.

Replace each stub with code that calls the owning service's API (its generated client), then
remove it from STUBS. The proxy keeps sending these routes to the monolith until you do.
"""

from typing import Any

from django.http import HttpRequest, JsonResponse

STUBS: dict[str, dict[str, Any]] = {
}


def _stub(name: str) -> Any:
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        info = STUBS[name]
        body = {"error": f"{info['view']} is not implemented in this service yet", **info}
        return JsonResponse(body, status=501)

    view.__name__ = name
    view.__doc__ = f"Stub for {STUBS[name]['view']}: needs " + "; ".join(STUBS[name]["needs"])
    return view
