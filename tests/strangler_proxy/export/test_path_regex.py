"""``path_regex`` routes (Django regex routes as the analysis writes them) in the routes file and
the Envoy and Gateway API exports: a regex match of the same paths, or the route not exported
with the reason, never a prefix. nginx runs them for real in ``test_nginx_traffic.py``."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.errors import RoutesError
from strangler_proxy.export.envoy import export_envoy
from strangler_proxy.export.gateway_api import export_gateway_api
from strangler_proxy.export.nginx import export_nginx
from tests.strangler_proxy.export.test_envoy import validate

ROUTES = r"""
[upstreams.monolith]
url = "http://127.0.0.1:8000"
[upstreams.svc]
url = "http://127.0.0.1:9000"

[[routes]]
name = "event"
path_regex = '^/control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/\Z'
to = "svc"

[[routes]]
name = "open"
path_regex = '^/tz/'
to = "svc"

[[routes]]
name = "atomic"
path_regex = '^/(?>v(?P<v>\d+))/x/\Z'
to = "svc"

[default]
to = "monolith"
"""

# path -> whether the Python proxy's regex (re.match) takes it; the exports must agree
PATHS = {"/control/event/a/b/": True, "/control/event/a/b/c": False, "/control/event/a/": False,
         "/tz/": True, "/tz/a/b": True, "/tz": False, "/x/tz/": False}


def _matches(export: dict[str, Any]) -> list[tuple[str, str]]:
    """(route name, regex) of every safe_regex path match of an Envoy bootstrap."""
    found = []
    listener = export["static_resources"]["listeners"][0]
    manager = listener["filter_chains"][0]["filters"][0]["typed_config"]
    for host in manager["route_config"]["virtual_hosts"]:
        for entry in host["routes"]:
            regex = entry["match"].get("safe_regex", {}).get("regex")
            if regex is not None:
                found.append((entry["name"].split(":")[0], regex))
    return found


def test_envoy_matches_the_same_paths_with_a_full_match_regex_and_drops_what_re2_lacks() -> None:
    config = parse_routes(ROUTES, "routes.toml")
    export = export_envoy(config)
    document = yaml.safe_load(export.text)
    validate(document)
    regexes = dict(_matches(document))
    assert set(regexes) == {"event", "open"}  # the atomic group: RE2 has none, not exported
    assert regexes["event"] == r"^/control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/$"
    for path, taken in PATHS.items():  # Envoy's safe_regex must match the whole path
        route = "event" if path.startswith("/control/") else "open"
        assert bool(re.fullmatch(regexes[route], path)) == taken, path
    assert any(w.feature == "path-regex" and w.subject == "route atomic" and "NOT exported" in w.message
               for w in export.warnings)
    assert not any("prefix" in entry for entry in regexes.values())


def test_gateway_api_uses_a_regular_expression_match_and_drops_what_re2_lacks() -> None:
    export = export_gateway_api(parse_routes(ROUTES, "routes.toml"))
    text = export.text
    assert "^/tz/[\\\\s\\\\S]*$" in text and "(?>" not in text
    values = [m["path"] for d in yaml.safe_load_all(text) if d for r in d["spec"]["rules"]
              for m in r.get("matches", [])]
    assert {"type": "RegularExpression", "value": r"^/tz/[\s\S]*$"} in values
    assert not any(v["type"] == "PathPrefix" and v["value"] != "/" for v in values)
    assert any(w.feature == "path-regex" and w.subject == "route atomic" for w in export.warnings)


def test_nginx_keeps_the_atomic_group_and_quotes_what_nginx_would_read() -> None:
    text = export_nginx(parse_routes(ROUTES.replace(r"(?>v(?P<v>\d+))", r'(?>v(?P<v>\d+)\\")'),
                                     "routes.toml")).text
    assert r"(?-s:/(?>v(?P<v>\d+)\x5c\x22)/x/\z)" in text  # PCRE has atomic groups


@pytest.mark.parametrize(("value", "why"), [
    ("/control/", "must start with '^/'"),
    ("^/control/(", "not a regular expression"),
])
def test_a_bad_path_regex_is_one_line_naming_the_key(value: str, why: str) -> None:
    text = ROUTES.replace("'^/tz/'", repr(value))
    with pytest.raises(RoutesError, match=re.escape(why)) as info:
        parse_routes(text, "routes.toml")
    assert "path_regex" in str(info.value) and "\n" not in str(info.value)
