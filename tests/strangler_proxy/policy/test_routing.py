"""Route precedence, patterns, weighted and sticky choice (pure)."""

from __future__ import annotations

import itertools
import random
from collections import Counter

from strangler_proxy.config.model import PathMatch, Route, Sticky
from strangler_proxy.policy.routing import (
    RoutingTable,
    choose_upstream,
    compile_pattern,
    cookie_value,
    sample,
)

DEFAULT = Route(name="default", index=99, weights=(("monolith", 1),))


def route(name: str, index: int, **kwargs: object) -> Route:
    return Route(name=name, index=index, weights=(("svc", 1),), **kwargs)  # type: ignore[arg-type]


def table(*routes: Route) -> RoutingTable:
    return RoutingTable(routes, DEFAULT)


def test_longest_prefix_wins_whatever_the_file_order() -> None:
    t = table(
        route("api", 0, path=PathMatch("prefix", "/api/")),
        route("catalog", 1, path=PathMatch("prefix", "/api/catalog/")),
    )
    assert t.match("GET", "h", "/api/catalog/1", {}).name == "catalog"
    assert t.match("GET", "h", "/api/orders/1", {}).name == "api"
    assert t.match("GET", "h", "/other", {}).name == "default"


def test_exact_beats_pattern_beats_prefix() -> None:
    t = table(
        route("prefix", 0, path=PathMatch("prefix", "/api/items/")),
        route("pattern", 1, path=PathMatch("pattern", "/api/items/{id}")),
        route("exact", 2, path=PathMatch("exact", "/api/items/special")),
    )
    assert t.match("GET", "h", "/api/items/special", {}).name == "exact"
    assert t.match("GET", "h", "/api/items/42", {}).name == "pattern"
    assert t.match("GET", "h", "/api/items/42/reviews", {}).name == "prefix"


def test_host_outranks_path_then_methods_then_headers() -> None:
    t = table(
        route("long-path", 0, path=PathMatch("prefix", "/api/catalog/")),
        route("host", 1, host="shop.example", path=PathMatch("prefix", "/")),
        route("wild", 2, host="*.example", path=PathMatch("prefix", "/")),
        route("post", 3, path=PathMatch("prefix", "/api/catalog/"), methods=frozenset({"POST"})),
        route("beta", 4, path=PathMatch("prefix", "/api/catalog/"), methods=frozenset({"POST"}),
              headers=(("x-beta", "1"),)),
    )
    assert t.match("GET", "shop.example", "/api/catalog/", {}).name == "host"
    assert t.match("GET", "eu.example", "/api/catalog/", {}).name == "wild"
    assert t.match("GET", "other", "/api/catalog/", {}).name == "long-path"
    assert t.match("POST", "other", "/api/catalog/", {}).name == "post"
    assert t.match("POST", "other", "/api/catalog/", {"x-beta": "1"}).name == "beta"
    assert t.match("POST", "other", "/api/catalog/", {"x-beta": "2"}).name == "post"


def test_file_order_breaks_ties() -> None:
    t = table(
        route("first", 0, path=PathMatch("prefix", "/a/")),
        route("second", 1, path=PathMatch("prefix", "/a/")),
    )
    assert t.match("GET", "h", "/a/x", {}).name == "first"


def test_header_presence_match() -> None:
    t = table(route("any", 0, headers=(("x-canary", "*"),)))
    assert t.match("GET", "h", "/", {"x-canary": "yes"}).name == "any"
    assert t.match("GET", "h", "/", {}).name == "default"


def test_pattern_compilation() -> None:
    regex = compile_pattern("/api/items/{id}/*")
    assert regex.match("/api/items/7")
    assert regex.match("/api/items/7/reviews/3")
    assert not regex.match("/api/items/")
    assert not compile_pattern("/a/{x}").match("/a/b/c")


def test_weighted_choice_follows_weights() -> None:
    r = Route(name="r", index=0, weights=(("catalog", 10), ("monolith", 90)))
    rng = random.Random(7)
    counts = Counter(choose_upstream(r, None, rng.random) for _ in range(10_000))
    assert 800 < counts["catalog"] < 1200


def test_sticky_key_always_lands_on_the_same_side_and_splits_users() -> None:
    r = Route(name="r", index=0, weights=(("catalog", 50), ("monolith", 50)),
              sticky=Sticky(cookie="sid"))
    for user in ("alice", "bob", "carol"):
        assert len({choose_upstream(r, user) for _ in range(50)}) == 1
    sides = Counter(choose_upstream(r, f"user{i}") for i in range(2000))
    assert 850 < sides["catalog"] < 1150


def test_cookie_value_and_sample() -> None:
    assert cookie_value("a=1; sid=xyz; b=2", "sid") == "xyz"
    assert cookie_value("a=1", "sid") is None
    assert sample(100.0)
    assert not sample(0.0, lambda: 0.5)


def test_a_sticky_user_sees_one_side_for_every_route_with_the_same_split() -> None:
    catalog = Route(name="catalog", index=0, weights=(("catalog", 50), ("monolith", 50)),
                    sticky=Sticky(cookie="sid"))
    cart = Route(name="cart", index=1, weights=(("monolith", 50), ("catalog", 50)),  # other order
                 sticky=Sticky(header="x-user"))
    users = [f"user{i}" for i in range(500)]
    sides = [choose_upstream(catalog, user) for user in users]
    assert sides == [choose_upstream(cart, user) for user in users]
    assert 200 < sides.count("catalog") < 300  # still a split, not everyone on one side
    sticky = Sticky(cookie="s")
    tenth = Route(name="t", index=2, weights=(("catalog", 1), ("monolith", 9)), sticky=sticky)
    percent = Route(name="p", index=3, weights=(("catalog", 10), ("monolith", 90)), sticky=sticky)
    assert [choose_upstream(tenth, u) for u in users] == [choose_upstream(percent, u) for u in users]


def test_a_growing_sticky_share_only_gains_users() -> None:
    def on_service(share: int) -> set[str]:
        route = Route(name="r", index=0, weights=(("catalog", share), ("monolith", 100 - share)),
                      sticky=Sticky(cookie="sid"))
        return {f"u{i}" for i in range(1000) if choose_upstream(route, f"u{i}") == "catalog"}

    shares = [on_service(share) for share in (10, 25, 50, 100)]
    assert all(before < after for before, after in itertools.pairwise(shares))
    assert 60 < len(shares[0]) < 140


def test_data_path_match_is_cached_per_table_and_never_with_header_conditions() -> None:
    t = table(route("catalog", 0, path=PathMatch("prefix", "/api/catalog/"), methods=frozenset({"GET"})))
    for _ in range(2):  # the second answer comes from the cache and is the same
        assert t.match_request("GET", "h", b"/api/catalog/1", {}).name == "catalog"
        assert t.match_request("POST", "h", b"/api/catalog/1", {}).name == "default"
    assert t._cache is not None and len(t._cache) == 2
    swapped = table(route("catalog", 0, path=PathMatch("prefix", "/api/"), methods=frozenset({"POST"})))
    assert swapped.match_request("GET", "h", b"/api/catalog/1", {}).name == "default"  # new table
    headed = table(route("beta", 0, path=PathMatch("prefix", "/"), headers=(("x-beta", "1"),)))
    assert headed._cache is None
    assert headed.match_request("GET", "h", b"/x", {"x-beta": "1"}).name == "beta"
    assert headed.match_request("GET", "h", b"/x", {}).name == "default"
