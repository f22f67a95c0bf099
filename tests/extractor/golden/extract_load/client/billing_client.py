"""Typed client for the billing service: the monolith imports this instead of the moved code.

Copy this file into the monolith (e.g. as ``billing_client.py``). It needs only the standard
library. Calls carry ``Authorization: Bearer <token>`` (``token=``, default env
``DEMONOLITH_SERVICE_TOKEN``) and, when ``identity=`` is given, the signed identity of the user the
call is made for: ``identity(method, path)`` returns the header value for that one request
(``signed_identity(secret, user_id)`` makes one from the secret the proxy and the service share).
Every call has a timeout; only idempotent calls (GET) are retried (a POST or PATCH, which may have
side effects, never is), with backoff, on connection errors, timeouts and 502/503/504; errors are
raised as the exceptions below:

    ServiceError
    ├── ServiceUnavailable     connection refused / timed out (after the retries)
    └── ServiceHTTPError       the service answered with an error status (``status``, ``message``)
        ├── InvalidRequest     400: invalid data or arguments, ``fields``: field name -> messages
        └── NotFound           404
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any, TypedDict

RETRY_STATUSES = frozenset({502, 503, 504})
SERVICE = "billing"
Identity = Callable[[str, str], str | None]  # (method, path) -> the X-Demonolith-Identity value


class _Unset:
    """The default of an argument a call leaves out: the function's own default applies."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


class ServiceError(Exception):
    """Any failure calling the billing service."""


class ServiceUnavailable(ServiceError):
    """The service could not be reached or did not answer in time."""


class ServiceHTTPError(ServiceError):
    """The service answered with an error status."""

    def __init__(self, method: str, url: str, status: int, message: str,
                 fields: dict[str, list[str]] | None = None) -> None:
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in sorted((fields or {}).items()))
        super().__init__(f"{method} {url}: HTTP {status}: {message}" + (f" ({detail})" if detail else ""))
        self.status = status
        self.message = message
        self.fields = fields or {}  # field name -> messages, on 400 for invalid data


class InvalidRequest(ServiceHTTPError):
    """400: the data or the arguments were refused; ``fields`` says which and why."""


class NotFound(ServiceHTTPError):
    """404: the object does not exist."""


def _quoted(pk: object) -> str:
    """A primary key as one path segment (a string key may hold any character)."""
    return urllib.parse.quote(str(pk), safe="")


def signed_identity(secret: str, user_id: int | Callable[[], int | None], service: str = SERVICE,
                    max_age: int = 30) -> Identity:
    """An ``identity=`` for the client: signs each request for ``user_id`` (or the id a callable
    returns, None: anonymous) with the secret shared with the service (``DEMONOLITH_IDENTITY_SECRET``),
    in the format of the service's ``service_project/identity.py``."""

    def sign(method: str, path: str) -> str | None:
        user = user_id() if callable(user_id) else user_id
        if user is None:
            return None
        claim = f"v2.{int(user)}.{int(time.time()) + max_age}.{secrets.token_hex(16)}"
        signed_path = urllib.parse.unquote_to_bytes(urllib.parse.urlsplit(path).path)
        message = f"{claim}\n{service}\n{method}\n".encode() + signed_path
        return f"{claim}.{hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()}"

    return sign


class Attachment(TypedDict):
    """A billing.Attachment row as the service returns it."""

    content_type_id: int
    id: int
    invoice_id: int
    name: str
    object_id: int


class AttachmentPage(TypedDict):
    """One page of billing.Attachment rows."""

    results: list[Attachment]
    page: int
    pages: int
    total: int


class Invoice(TypedDict):
    """A billing.Invoice row as the service returns it."""

    created: str
    currency: str
    id: int
    number: str
    order_id: int


class InvoicePage(TypedDict):
    """One page of billing.Invoice rows."""

    results: list[Invoice]
    page: int
    pages: int
    total: int


class BillingClient:
    """Calls to the billing service's JSON API."""

    def __init__(self, base_url: str, timeout: float = 2.0, retries: int = 2, backoff: float = 0.1,
                 identity: Identity | None = None, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.identity = identity  # (method, path) -> the signed X-Demonolith-Identity value, if any
        self.token = token if token is not None else os.environ.get("DEMONOLITH_SERVICE_TOKEN", "")

    def _request(self, method: str, path: str, query: dict[str, str] | None = None,
                 body: Any = None) -> Any:
        url = self.base_url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        attempts = 1 + (self.retries if method == "GET" else 0)
        for attempt in range(attempts):
            signed = self.identity(method, urllib.parse.urlsplit(url).path) if self.identity else None
            if signed:
                headers["X-Demonolith-Identity"] = signed
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.loads(response.read() or b"null")
            except urllib.error.HTTPError as exc:
                if exc.code in RETRY_STATUSES and attempt + 1 < attempts:
                    time.sleep(self.backoff * 2**attempt)
                    continue
                raise self._http_error(method, url, exc) from exc
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt + 1 < attempts:
                    time.sleep(self.backoff * 2**attempt)
                    continue
                tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
                raise ServiceUnavailable(f"{method} {url}: {self._reason(exc)} ({tries})") from exc
        raise ServiceUnavailable(f"{method} {url}: no attempt made")

    def _reason(self, exc: Exception) -> str:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            return f"timed out: no answer within {self.timeout} s"
        if isinstance(reason, ConnectionRefusedError):
            return "connection refused: is the service running?"
        return f"cannot reach the service: {reason}"

    @staticmethod
    def _http_error(method: str, url: str, exc: urllib.error.HTTPError) -> ServiceHTTPError:
        fields = None
        try:
            payload = json.loads(exc.read())
            message = str(payload.get("error", exc.reason))
            if isinstance(payload.get("fields"), dict):
                fields = {str(k): [str(m) for m in v] for k, v in payload["fields"].items()}
        except (ValueError, AttributeError):
            message = str(exc.reason)
        kind = {400: InvalidRequest, 404: NotFound}.get(exc.code, ServiceHTTPError)
        return kind(method, url, exc.code, message, fields)

    def health(self) -> dict[str, Any]:
        """``GET /healthz/``."""
        result: dict[str, Any] = self._request("GET", "/healthz/")
        return result


    def get_attachment(self, pk: int) -> Attachment:
        """One billing.Attachment by primary key; raises NotFound."""
        result: Attachment = self._request("GET", f"/_api/models/billing/attachment/{_quoted(pk)}/")
        return result

    def list_attachment(self, ids: Sequence[int] | None = None, page: int = 1,
                               page_size: int = 50) -> AttachmentPage:
        """A page of billing.Attachment rows, optionally only the given ids."""
        query = {"page": str(page), "page_size": str(page_size)}
        if ids is not None:
            query["ids"] = ",".join(str(i) for i in ids)
        result: AttachmentPage = self._request("GET", "/_api/models/billing/attachment/", query)
        return result

    def get_invoice(self, pk: int) -> Invoice:
        """One billing.Invoice by primary key; raises NotFound."""
        result: Invoice = self._request("GET", f"/_api/models/billing/invoice/{_quoted(pk)}/")
        return result

    def list_invoice(self, ids: Sequence[int] | None = None, page: int = 1,
                               page_size: int = 50) -> InvoicePage:
        """A page of billing.Invoice rows, optionally only the given ids."""
        query = {"page": str(page), "page_size": str(page_size)}
        if ids is not None:
            query["ids"] = ",".join(str(i) for i in ids)
        result: InvoicePage = self._request("GET", "/_api/models/billing/invoice/", query)
        return result
