"""Proxy matches of routes the analysis could not fully know never become a catch-all."""

from __future__ import annotations

import pytest

from analyzer.model.analysis import RouteInfo
from extractor.routes import has_unknown_part, proxy_match


@pytest.mark.parametrize("pattern", [
    "/{settings.URL_PREFIX}accounts/login/",
    "/{settings.API_ROOT}v1/",
    "/api/{mayan.apps.literals.URL_X}",
    "/edit/<{self.pk_path_converter}:pk>/",
])
def test_an_unknown_part_gets_an_exact_match_never_a_prefix(pattern: str) -> None:
    match = proxy_match(RouteInfo(pattern, "v.view", "urls.py", 1))
    assert has_unknown_part(pattern)
    assert match.key == "path"
    assert match.value == pattern and match.prefix == pattern


def test_a_regex_quantifier_is_no_unknown_part() -> None:
    pattern = r"/year/(?P<year>[0-9]{4})/(?P<n>\d{1,3})/$"
    assert not has_unknown_part(pattern)
    assert proxy_match(RouteInfo(pattern, "v.view", "urls.py", 1)).key == "path_prefix"
