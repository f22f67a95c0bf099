"""A tiny HTTP/1.1 client for the demo's shoppers (stdlib ``http.client``), with a cookie jar.

One connection per request and no retries: every request the demo counts is sent exactly once,
so "no request left unanswered" is measured, never hidden by a client that tries again.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

TIMEOUT = 15.0


@dataclass(frozen=True)
class Response:
    """A complete answer; ``status`` 0 means no answer at all (``error`` says why)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    error: str = ""

    def header(self, name: str) -> str:
        """The first value of header ``name`` ("" when absent)."""
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), "")

    def json(self) -> object:
        """The body as JSON (None when it is not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Client:
    """Sends requests to one base URL (``http://127.0.0.1:PORT``) and keeps the cookies it is given."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Response:
        """GET ``path``."""
        return self.send("GET", path, headers=headers)

    def post_json(self, path: str, data: object, headers: Mapping[str, str] | None = None) -> Response:
        """POST ``data`` as JSON."""
        extra = {"Content-Type": "application/json", **(headers or {})}
        return self.send("POST", path, json.dumps(data).encode(), extra)

    def send(self, method: str, path: str, body: bytes | None = None,
             headers: Mapping[str, str] | None = None) -> Response:
        """Send one request on a fresh connection; never raises for network errors."""
        url = urllib.parse.urlsplit(self.base_url)
        request_headers = dict(headers or {})
        if self.cookies:
            request_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in sorted(self.cookies.items()))
        connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=request_headers)
            answer = connection.getresponse()
            response = Response(answer.status, tuple(answer.getheaders()), answer.read())
        except (OSError, http.client.HTTPException) as exc:
            return Response(0, (), b"", f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()
        self._remember(response)
        return response

    def _remember(self, response: Response) -> None:
        for name, value in response.headers:
            if name.lower() != "set-cookie":
                continue
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            for key, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[key] = morsel.value
                else:
                    self.cookies.pop(key, None)
