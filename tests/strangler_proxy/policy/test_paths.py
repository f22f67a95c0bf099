"""Path normalisation and request-target parsing (pure)."""

from __future__ import annotations

import pytest

from strangler_proxy.policy.paths import (
    BadTarget,
    host_without_port,
    normalise_path,
    normalise_target,
    parse_absolute_form,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"/orders/../admin", b"/admin"),
        (b"/orders/./items", b"/orders/items"),
        (b"/%2e%2e/admin", b"/admin"),
        (b"/%2E%2E/admin", b"/admin"),
        (b"/orders/%2e%2e/admin", b"/admin"),
        (b"/orders%2f..%2fadmin", b"/admin"),
        (b"/orders%2F..%2Fadmin", b"/admin"),
        (b"//admin", b"/admin"),
        (b"///admin//x", b"/admin/x"),
        (b"/a/b/../../../../admin", b"/admin"),
        (b"/a/.", b"/a/"),
        (b"/a/..", b"/"),
        (b"/%61dmin", b"/admin"),
        (b"/ORDERS", b"/ORDERS"),
        (b"/a%2fb", b"/a/b"),
        (b"/x%252e%252e/admin", b"/x%252e%252e/admin"),
        (b"/sp%20ace", b"/sp%20ace"),
        (b"/.%2e/admin", b"/admin"),
    ],
)
def test_every_spelling_normalises_to_one_path(raw: bytes, expected: bytes) -> None:
    assert normalise_path(raw) == expected


@pytest.mark.parametrize("raw", [b"/%zz", b"/%2", b"/a b", b"relative", b"/\x00"])
def test_malformed_paths_are_refused(raw: bytes) -> None:
    with pytest.raises(BadTarget):
        normalise_path(raw)


def test_query_is_kept_untouched() -> None:
    assert normalise_target(b"/a/../b?x=/../y&z=%2e") == (b"/b", b"?x=/../y&z=%2e")
    assert normalise_target(b"/plain/path?q=1") == (b"/plain/path", b"?q=1")


def test_absolute_form_is_split() -> None:
    assert parse_absolute_form(b"http://shop.example:8000/a?b") == (b"shop.example:8000", b"/a?b")
    assert parse_absolute_form(b"HTTP://h") == (b"h", b"/")
    with pytest.raises(BadTarget):
        parse_absolute_form(b"ftp://h/x")
    with pytest.raises(BadTarget):
        parse_absolute_form(b"http://user@h/x")


def test_host_without_port() -> None:
    assert host_without_port("Shop.Example:8000") == "shop.example"
    assert host_without_port("[::1]:80") == "[::1]"
    assert host_without_port("plain") == "plain"
