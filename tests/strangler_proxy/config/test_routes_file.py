"""Routes file validation: every error names the file and the key (or the TOML line)."""

from __future__ import annotations

import pytest

from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.errors import RoutesError

GOOD = """
[upstreams.monolith]
url = "http://127.0.0.1:8000"
[upstreams.catalog]
url = "http://127.0.0.1:8100"
retries = 2
[upstreams.catalog.breaker]
failures = 3
open_seconds = 5
[upstreams.catalog.health]
path = "/healthz"
interval = 1

[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
to = "catalog"
mirror = { upstream = "monolith", percent = 50, ignore = ["updated_at"], learn_noise = true }
fallback = "monolith"

[[routes]]
path_pattern = "/api/items/{id}"
weights = { catalog = 10, monolith = 90 }
sticky = { cookie = "sessionid" }
host_header = "upstream"

[default]
to = "monolith"
"""


def test_good_file_builds_frozen_config() -> None:
    config = parse_routes(GOOD, "routes.toml")
    catalog, items = config.routes
    assert catalog.name == "catalog" and catalog.fallback == "monolith"
    assert catalog.mirror is not None and catalog.mirror.percent == 50
    assert catalog.mirror.ignore == ("updated_at",)
    assert items.name == "routes[1]" and dict(items.weights) == {"catalog": 10, "monolith": 90}
    assert items.sticky is not None and items.sticky.cookie == "sessionid"
    assert config.upstream("catalog").breaker.failures == 3
    assert config.upstream("catalog").health is not None
    assert config.default.weights == (("monolith", 1),)


def test_issue_shape_with_short_mirror() -> None:
    text = GOOD.replace(
        'mirror = { upstream = "monolith", percent = 50, ignore = ["updated_at"], '
        "learn_noise = true }",
        'mirror = "monolith"',
    )
    assert parse_routes(text).routes[0].mirror is not None


def test_default_may_be_left_out_when_there_is_a_monolith() -> None:
    config = parse_routes('[upstreams.monolith]\nurl = "http://127.0.0.1:1"\n')
    assert config.default.weights == (("monolith", 1),)


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ('to = "catalog"', 'to = "nope"', "routes.toml: routes[0].to: unknown upstream 'nope'"),
        ("catalog = 10,", "catalog = -1,", "routes[1].weights.catalog: must be >= 0"),
        ('path_prefix = "/api/catalog/"', 'path_prefix = "api"', "routes[0].path_prefix: must"),
        ("failures = 3", 'failures = "3"', "upstreams.catalog.breaker.failures: expected an int"),
        ('url = "http://127.0.0.1:8100"', 'url = "https://x/y"', "upstreams.catalog.url"),
        ('host_header = "upstream"', 'host_header = "x"', "routes[1].host_header: expected one"),
        ('sticky = { cookie = "sessionid" }', 'sticky = { cookie = "a", header = "b" }',
         "routes[1].sticky: give exactly one"),
        ("percent = 50", "percent = 150", "routes[0].mirror.percent: must be <= 100"),
        ('name = "catalog"', 'name = "catalog"\nfallbak = "monolith"',
         "routes[0].fallbak: unknown key"),
        ('[default]\nto = "monolith"', '[default]\nto = "monolith"\npath = "/"',
         "default.path: [default] matches everything"),
        ('path_pattern = "/api/items/{id}"', 'path_pattern = "/api/{id"', "routes[1].path_pattern"),
    ],
)
def test_errors_name_file_and_key(replace: str, by: str, expected: str) -> None:
    assert replace in GOOD
    with pytest.raises(RoutesError) as error:
        parse_routes(GOOD.replace(replace, by), "routes.toml")
    assert expected in str(error.value)
    assert str(error.value).startswith("routes.toml: ")
    assert "\n" not in str(error.value)


def test_toml_syntax_error_names_the_line() -> None:
    with pytest.raises(RoutesError, match=r"routes.toml: invalid TOML: .*line 3"):
        parse_routes('[upstreams.a]\nurl = "http://h:1"\nto = \n', "routes.toml")


def test_route_without_match_or_target_is_refused() -> None:
    base = '[upstreams.monolith]\nurl = "http://127.0.0.1:1"\n'
    with pytest.raises(RoutesError, match=r"routes\[0\]: a route needs"):
        parse_routes(base + '[[routes]]\nto = "monolith"\n')
    with pytest.raises(RoutesError, match=r"routes\[0\].to: give exactly one of 'to' or 'weights'"):
        parse_routes(base + '[[routes]]\npath = "/x"\n')
    with pytest.raises(RoutesError, match="duplicate route name"):
        parse_routes(base + '[[routes]]\nname="a"\npath="/x"\nto="monolith"\n'
                     '[[routes]]\nname="a"\npath="/y"\nto="monolith"\n')
