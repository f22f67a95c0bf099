"""The signed shadow marker: accepted only for the request it was signed for, until it expires."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from strangler_proxy.policy.shadow_marker import marker_refusal, sign_marker

SECRET = b"s3cret"
NONCE = "0123456789abcdef0123456789abcdef"
REQUEST = {"service": "catalog", "method": "POST", "path": b"/catalog/items/"}


def marker(expires: int = 1_000, secret: bytes = SECRET) -> str:
    return sign_marker(secret, expires, nonce=NONCE, **REQUEST)  # type: ignore[arg-type]


def refusal(value: str, now: float = 500.0, **request: object) -> str:
    target = {**REQUEST, **request}
    return marker_refusal(value, SECRET, now=now, **target)  # type: ignore[arg-type]


def test_the_signature_is_the_documented_hmac() -> None:
    message = b"s1.1000." + NONCE.encode() + b"\ncatalog\nPOST\n/catalog/items/"
    digest = hmac.new(SECRET, message, hashlib.sha256).hexdigest()
    assert marker() == f"s1.1000.{NONCE}.{digest}"


def test_a_marker_is_valid_for_its_request_until_it_expires() -> None:
    assert refusal(marker()) == ""
    assert refusal(marker(), now=1_000) == "shadow marker expired"


@pytest.mark.parametrize("other", [
    {"service": "orders"}, {"method": "DELETE"}, {"path": b"/catalog/items/7/"},
])
def test_a_marker_is_worthless_for_another_request(other: dict[str, object]) -> None:
    assert refusal(marker(), **other) == "shadow marker signature does not match"


def test_a_forged_or_moved_expiry_is_refused() -> None:
    assert refusal(marker(secret=b"guess")) == "shadow marker signature does not match"
    stretched = marker().replace("s1.1000.", "s1.9000.", 1)
    assert refusal(stretched) == "shadow marker signature does not match"


@pytest.mark.parametrize("value", ["1", "", "s1.1000.nonce.sig", marker() + "0",
                                   marker().upper()])
def test_a_malformed_marker_is_refused(value: str) -> None:
    assert refusal(value) == "malformed shadow marker"
