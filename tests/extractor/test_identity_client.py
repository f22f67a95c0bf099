"""The generated client signs what the generated service verifies: one header per request, bound
to its method and its percent-decoded path (golden/orders: the files extract writes, pinned)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from tests.extractor.test_golden import GOLDEN

SECRET = "client-identity-secret-0123456789abcdef"
ROOT = GOLDEN / "orders"


def _load(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def modules() -> tuple[Any, Any]:
    """(client, identity) modules of the generated orders service."""
    return (_load(ROOT / "client" / "orders_client.py", "golden_orders_client"),
            _load(ROOT / "service_project" / "identity.py", "golden_orders_identity"))


def _verify(identity: Any, value: str, method: str, path: bytes, seen: set[str]) -> int:
    def first_use(nonce: str, expires: int) -> bool:
        fresh = nonce not in seen
        seen.add(nonce)
        return fresh

    return int(identity.verify(value, SECRET, 60, service="orders", method=method, path=path,
                               first_use=first_use))


def test_each_request_gets_its_own_signature_the_service_accepts(modules: tuple[Any, Any]) -> None:
    client, identity = modules
    sign = client.signed_identity(SECRET, 7)
    seen: set[str] = set()
    first = sign("GET", "/_api/models/orders/order/")
    second = sign("GET", "/_api/models/orders/order/")
    assert first != second  # a new nonce: a retry or a second call is not a replay
    assert _verify(identity, first, "GET", b"/_api/models/orders/order/", seen) == 7
    assert _verify(identity, second, "GET", b"/_api/models/orders/order/", seen) == 7
    with pytest.raises(identity.InvalidIdentity, match="replayed"):
        _verify(identity, first, "GET", b"/_api/models/orders/order/", seen)


def test_the_signature_binds_method_and_decoded_path(modules: tuple[Any, Any]) -> None:
    client, identity = modules
    value = client.signed_identity(SECRET, 7)("PATCH", "/_api/models/orders/order/2026%2F17%20A/")
    assert _verify(identity, value, "PATCH", b"/_api/models/orders/order/2026/17 A/", set()) == 7
    with pytest.raises(identity.InvalidIdentity, match="signature"):
        _verify(identity, value, "GET", b"/_api/models/orders/order/2026/17 A/", set())
    with pytest.raises(identity.InvalidIdentity, match="signature"):
        _verify(identity, client.signed_identity("another-secret", 7)("GET", "/x/"), "GET", b"/x/", set())


def test_no_user_no_header(modules: tuple[Any, Any]) -> None:
    client, _ = modules
    assert client.signed_identity(SECRET, lambda: None)("GET", "/_api/models/orders/order/") is None
