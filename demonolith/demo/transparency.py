"""Transparency check: with every route on the monolith, the proxy changes nothing but its own headers.

The same requests are sent straight to the monolith, through the proxy, and straight to the
monolith again. An answer through the proxy is *identical* when its status, headers and body equal
one of the two direct answers, ignoring only the proxy's own headers (``Via``, ``X-Request-ID``),
hop-by-hop headers and ``Date``. A part that differs between the two direct answers too (a CSRF
token, a fresh cookie) is *noise* of the monolith, reported but not held against the proxy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from demonolith.demo.http import Client, Response
from demonolith.demo.traffic import PASSWORD, USERNAME

IGNORED_HEADERS = frozenset({
    "via", "x-request-id",  # the proxy's own
    "connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "trailer", "upgrade",
    "date",  # the time of the answer
})
_Getter = Callable[[Response], object]


@dataclass(frozen=True)
class TransparencyResult:
    """How the proxied answers compared with the direct ones."""

    requests: int
    identical: int
    noisy: tuple[str, ...]  # "GET /path: part" that differs between direct answers too
    different: tuple[str, ...]  # "GET /path: part" that only the proxy changed

    @property
    def transparent(self) -> bool:
        """No answer was changed by the proxy."""
        return not self.different


def request_set(probes: Sequence[str], slugs: Sequence[str]) -> tuple[tuple[str, bool], ...]:
    """GET paths (anonymous and logged in) covering the shop's pages, APIs, errors and moved routes."""
    anonymous = ["/", "/healthz/", "/catalog/", *(f"/catalog/{s}/" for s in slugs[:3]),
                 "/api/catalog/categories/", "/api/catalog/products/", "/api/catalog/products/?page=2",
                 "/api/orders/", "/orders/history/", "/no-such-page/", *probes]
    logged_in = ["/api/customers/me/", "/api/orders/", "/orders/history/", "/api/notifications/",
                 "/api/orders/cart/", "/internal/whoami/", *probes]
    return tuple([(path, False) for path in anonymous] + [(path, True) for path in logged_in])


def check_transparency(monolith_url: str, proxy_url: str,
                       requests: Sequence[tuple[str, bool]]) -> TransparencyResult:
    """Send ``requests`` direct / proxied / direct and compare the answers."""
    session = _session(monolith_url)
    identical, noisy, different = 0, [], []
    for path, logged_in in requests:
        cookies = session if logged_in else {}
        first = Client(monolith_url, dict(cookies)).get(path)
        proxied = Client(proxy_url, dict(cookies)).get(path)
        second = Client(monolith_url, dict(cookies)).get(path)
        label = f"GET {path}{' (logged in)' if logged_in else ''}"
        changed, noise = _compare(first, proxied, second)
        identical += not changed and not noise
        noisy += [f"{label}: {part}" for part in noise]
        different += [f"{label}: {part}" for part in changed]
    return TransparencyResult(len(requests), identical, tuple(noisy), tuple(different))


def _session(monolith_url: str) -> dict[str, str]:
    client = Client(monolith_url)
    client.post_json("/api/customers/login/", {"username": USERNAME, "password": PASSWORD})
    return dict(client.cookies)


def _compare(first: Response, proxied: Response, second: Response) -> tuple[list[str], list[str]]:
    """Parts the proxy changed, and parts that are noise (the two direct answers differ too)."""
    changed: list[str] = []
    noise: list[str] = []
    for part, get in _parts(first, proxied, second):
        direct = {get(first), get(second)}
        if get(proxied) in direct:
            continue
        (noise if len(direct) > 1 else changed).append(part)
    return changed, noise


def _parts(*responses: Response) -> list[tuple[str, _Getter]]:
    names = sorted({name.lower() for r in responses for name, _ in r.headers} - IGNORED_HEADERS)
    parts: list[tuple[str, _Getter]] = [("status", lambda r: str(r.status)), ("body", lambda r: r.body)]
    parts += [(f"header {name}", _header_getter(name)) for name in names]
    return parts


def _header_getter(name: str) -> _Getter:
    return lambda r: tuple(sorted(v for k, v in r.headers if k.lower() == name))

