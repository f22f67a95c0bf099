"""Envoy export: checked against Envoy's own v3 API (the envoy-data-plane package: dataclasses
generated from envoyproxy/data-plane-api, which reject unknown fields and wrong types), plus the
routing, weights, mirroring and resilience settings it must carry."""

from __future__ import annotations

import copy
import importlib
import warnings
from typing import Any

import pytest
import yaml

from strangler_proxy.export.envoy import export_envoy
from tests.strangler_proxy.export.configs import FULL, MINIMAL, config

_TYPED_CONFIG_MODULES = (
    "extensions.filters.network.http_connection_manager.v3",
    "extensions.filters.http.router.v3",
    "extensions.upstreams.http.v3",
    "extensions.retry.priority.previous_priorities.v3",
    "extensions.access_loggers.stream.v3",
    "extensions.access_loggers.file.v3",
)


def bootstrap_class() -> Any:
    """Envoy's Bootstrap message, with the typed_config types used by the export registered."""
    with warnings.catch_warnings():  # pydantic deprecation warnings inside the generated package
        warnings.simplefilter("ignore")
        module = importlib.import_module("envoy_data_plane.envoy.config.bootstrap.v3")
        for name in _TYPED_CONFIG_MODULES:
            importlib.import_module(f"envoy_data_plane.envoy.{name}")
    return module.Bootstrap


def validate(document: dict[str, Any]) -> None:
    """Raise unless ``document`` is a valid Envoy v3 Bootstrap.

    betterproto2 misnames ``consecutive_5xx`` (as ``consecutive_5_xx``), so that one key is checked
    against the message's fields by hand and removed before parsing.
    """
    document = copy.deepcopy(document)
    bootstrap = bootstrap_class()
    outlier = importlib.import_module("envoy_data_plane.envoy.config.cluster.v3").OutlierDetection
    for cluster in document["static_resources"]["clusters"]:
        value = cluster.get("outlier_detection", {}).pop("consecutive_5xx", None)
        assert value is None or (isinstance(value, int) and "consecutive_5xx" in outlier.__dataclass_fields__)
    bootstrap.from_dict(document)


def exported(text: str | None = None) -> dict[str, Any]:
    result = export_envoy(config() if text is None else config(text))
    document = yaml.safe_load(result.text)
    assert isinstance(document, dict)
    return document


def routes_of(document: dict[str, Any], host: str) -> list[dict[str, Any]]:
    manager = document["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]
    hosts = manager["typed_config"]["route_config"]["virtual_hosts"]
    return next(h["routes"] for h in hosts if h["domains"] == [host])


@pytest.mark.parametrize("text", [None, MINIMAL], ids=["full", "minimal"])
def test_export_is_a_valid_envoy_v3_bootstrap(text: str | None) -> None:
    validate(exported(text))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("static_resources", "clusters", 0, "connect_timeout"), "two seconds"),
        (("static_resources", "clusters", 0, "lb_polcy"), "ROUND_ROBIN"),
        (("static_resources", "listeners", 0, "filter_chains", 0, "filters", 0, "typed_config",
          "route_config", "virtual_hosts", 0, "routes", 0, "route", "weighted_clustrs"), {}),
    ],
)
def test_the_validation_catches_mistakes(path: tuple[Any, ...], value: Any) -> None:
    document = exported()
    node: Any = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises((KeyError, ValueError, TypeError)):
        validate(document)


def test_every_virtual_host_falls_through_to_less_specific_routes_in_precedence_order() -> None:
    document = exported()
    assert [r["name"] for r in routes_of(document, "*.example.com")] == [
        "item:idempotent", "item", "exact:safe", "exact:idempotent", "exact", "catalog:safe",
        "catalog:idempotent", "catalog", "default:idempotent", "default"]
    assert [r["name"] for r in routes_of(document, "*")] == [
        "exact:safe", "exact:idempotent", "exact", "catalog:safe", "catalog:idempotent", "catalog",
        "default:idempotent", "default"]


def test_weights_stickiness_mirror_and_fallback() -> None:
    catalog = routes_of(exported(), "*")[3]
    assert catalog["match"]["headers"][0]["string_match"]["safe_regex"]["regex"] == "GET|HEAD|OPTIONS"
    action = catalog["route"]
    assert action["weighted_clusters"]["clusters"] == [
        {"name": "catalog~fallback~monolith", "weight": 10}, {"name": "monolith", "weight": 90}]
    assert action["weighted_clusters"]["use_hash_policy"] is True
    assert action["hash_policy"] == [{"cookie": {"name": "sessionid"}}]
    mirror = action["request_mirror_policies"][0]
    assert mirror["cluster"] == "shadow"
    assert mirror["runtime_fraction"]["default_value"] == {"numerator": 250000, "denominator": "MILLION"}
    assert mirror["request_headers_mutations"][0]["append"]["header"] == {
        "key": "x-demonolith-shadow", "value": "1"}
    assert action["retry_policy"]["retriable_status_codes"] == [500, 502, 503, 504]
    assert action["retry_policy"]["retry_priority"]["name"] == "envoy.retry_priorities.previous_priorities"
    idempotent = routes_of(exported(), "*")[4]
    assert idempotent["match"]["headers"][0]["string_match"]["safe_regex"]["regex"] == "DELETE|PUT|TRACE"
    assert "request_mirror_policies" not in idempotent["route"]  # PUT and DELETE are not mirrored
    # nor passed on to the fallback once they may have reached the target (another system of
    # record): connect failures only, as POST
    assert idempotent["route"]["retry_policy"]["retry_on"] == "connect-failure,refused-stream"
    assert "retriable_status_codes" not in idempotent["route"]["retry_policy"]
    unsafe = routes_of(exported(), "*")[5]
    assert "request_mirror_policies" not in unsafe["route"]  # POST & co. are not mirrored
    assert unsafe["route"]["retry_policy"]["retry_on"] == "connect-failure,refused-stream"


def retry_on(text: str, host: str = "*") -> dict[str, str]:
    """Each Envoy route's ``retry_on`` in the export of ``text``."""
    return {r["name"]: r["route"].get("retry_policy", {}).get("retry_on", "")
            for r in routes_of(exported(text), host)}


def test_only_safe_methods_go_on_to_the_fallback_unless_the_route_shares_the_data() -> None:
    fallback_only = FULL.replace('mirror = { upstream = "shadow", percent = 25 }\n', "")
    found = retry_on(fallback_only)
    assert [name for name in found if name.startswith("catalog")] == [
        "catalog:safe", "catalog:idempotent", "catalog"]
    assert "reset" in found["catalog:safe"]
    assert found["catalog:idempotent"] == found["catalog"] == "connect-failure,refused-stream"
    shared = retry_on(fallback_only.replace('fallback = "monolith"\n',
                                            'fallback = "monolith"\nfallback_shares_data = true\n', 1))
    assert [name for name in shared if name.startswith("catalog")] == ["catalog:idempotent", "catalog"]
    assert "reset" in shared["catalog:idempotent"]
    # a route matching no PUT or DELETE is not split
    assert "item:safe" not in retry_on(FULL, "*.example.com")
    assert "reset" in retry_on(FULL, "*.example.com")["item:idempotent"]


def test_a_mirror_that_allows_unsafe_methods_is_one_route_mirroring_everything() -> None:
    names = [r["name"] for r in routes_of(exported(FULL.replace(
        'mirror = "shadow"', 'mirror = { upstream = "shadow", allow_unsafe = true }')), "*")]
    assert names[:2] == ["exact:idempotent", "exact"]
    exact = routes_of(exported(FULL.replace(
        'mirror = "shadow"', 'mirror = { upstream = "shadow", allow_unsafe = true }')), "*")[:2]
    assert all("request_mirror_policies" in r["route"] for r in exact)


def test_sticky_clusters_are_listed_in_the_proxys_order_whatever_the_file_order() -> None:
    # Envoy walks weighted clusters in order with the hash: a fixed order keeps a user on one side
    # for every route with the same weights, as our proxy does (strangler_proxy.policy.routing.sticky_split)
    reordered = FULL.replace("weights = { catalog = 10, monolith = 90 }",
                             "weights = { monolith = 90, catalog = 10 }")
    assert reordered != FULL
    clusters = routes_of(exported(reordered), "*")[3]["route"]["weighted_clusters"]["clusters"]
    assert [c["name"] for c in clusters] == ["catalog~fallback~monolith", "monolith"]
    unsticky = reordered.replace('sticky = { cookie = "sessionid" }\n', "")
    clusters = routes_of(exported(unsticky), "*")[3]["route"]["weighted_clusters"]["clusters"]
    assert [c["name"] for c in clusters] == ["monolith", "catalog~fallback~monolith"]  # file order


def test_fallback_cluster_has_the_fallback_at_priority_one_and_the_breaker() -> None:
    clusters = {c["name"]: c for c in exported()["static_resources"]["clusters"]}
    fallback = clusters["catalog~fallback~monolith"]
    groups = fallback["load_assignment"]["endpoints"]
    assert [g.get("priority", 0) for g in groups] == [0, 1]
    assert groups[1]["lb_endpoints"][0]["endpoint"]["address"]["socket_address"]["port_value"] == 18000
    assert fallback["outlier_detection"]["consecutive_5xx"] == 5
    assert clusters["catalog"]["health_checks"][0]["http_health_check"] == {"path": "/healthz"}


def test_warnings_name_what_envoy_cannot_express() -> None:
    result = export_envoy(config())
    found = {(w.feature, w.subject) for w in result.warnings}
    assert {("mirror-compare", "route catalog"), ("breaker", "upstream catalog"),
            ("pool", "upstream catalog"), ("limits", "limits"), ("fallback", "route catalog"),
            ("sticky-assignment", "route catalog"), ("fallback-writes", "route catalog")} <= found
    assert ("fallback-writes", "route item") not in found
    assert all(f"#   - {w}\n" in result.text for w in result.warnings)
    assert export_envoy(config()) == result
