"""Gateway API export: validated against the HTTPRoute CRD's OpenAPI schema (standard channel,
vendored in tests/fixtures/gateway_api), closed against unknown fields as ``kubectl --validate=strict``
does, plus the routing, weights and mirroring it must carry."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from strangler_proxy.export.gateway_api import export_gateway_api
from tests.strangler_proxy.export.configs import MINIMAL, config

CRD = Path(__file__).parents[2] / "fixtures" / "gateway_api" / "httproutes.standard.crd.yaml"


def _close(schema: Any) -> None:
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "properties" in schema:
            schema.setdefault("additionalProperties", False)
        for value in schema.values():
            _close(value)
    elif isinstance(schema, list):
        for value in schema:
            _close(value)


def validator() -> jsonschema.Draft7Validator:
    crd = yaml.safe_load(CRD.read_text())
    schema = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")["schema"]["openAPIV3Schema"]
    schema = copy.deepcopy(schema)
    _close(schema)
    schema["properties"]["metadata"] = {"type": "object", "required": ["name"]}
    return jsonschema.Draft7Validator(schema)


def documents(text: str | None = None) -> list[dict[str, Any]]:
    result = export_gateway_api(config() if text is None else config(text))
    return [d for d in yaml.safe_load_all(result.text) if d]


@pytest.mark.parametrize("text", [None, MINIMAL], ids=["full", "minimal"])
def test_every_document_is_a_valid_httproute(text: str | None) -> None:
    checker = validator()
    for document in documents(text):
        assert [e.message for e in checker.iter_errors(document)] == []


def test_the_schema_catches_mistakes() -> None:
    document = documents()[0]
    document["spec"]["rules"][0]["matches"][0]["path"]["type"] = "Glob"
    document["spec"]["rules"][0]["retry"] = {"attempts": 2}
    assert len(list(validator().iter_errors(document))) == 2


def test_hosts_rules_weights_and_mirror() -> None:
    wildcard, any_host = documents()
    assert wildcard["spec"]["hostnames"] == ["*.example.com"]
    item = wildcard["spec"]["rules"][0]
    assert [m["method"] for m in item["matches"]] == ["GET", "POST"]
    assert item["matches"][0]["path"] == {"type": "RegularExpression", "value": "^/api/items/[^/]+(/.*)?$"}
    assert item["matches"][0]["headers"] == [
        {"type": "RegularExpression", "name": "x-any", "value": ".+"},
        {"type": "Exact", "name": "x-canary", "value": "1"}]
    names = [rule["name"] for rule in any_host["spec"]["rules"]]
    assert names == ["exact-mirrored", "exact", "catalog-mirrored", "catalog", "default"]
    mirrored = any_host["spec"]["rules"][2]
    assert {m["method"] for m in mirrored["matches"]} == {"GET", "HEAD", "OPTIONS"}  # PUT, DELETE: not copied
    assert mirrored["filters"] == [
        {"type": "RequestHeaderModifier", "requestHeaderModifier": {"remove": ["X-Demonolith-Identity"]}},
        {"type": "RequestMirror", "requestMirror": {
            "backendRef": {"name": "shadow", "port": 18200}, "percent": 25}}]
    strip = mirrored["filters"][0]
    assert all(strip in rule["filters"] for doc in (wildcard, any_host) for rule in doc["spec"]["rules"])
    assert mirrored["backendRefs"] == [{"name": "catalog", "port": 18100, "weight": 10},
                                       {"name": "monolith", "port": 18000, "weight": 90}]
    assert "matches" not in any_host["spec"]["rules"][-1]


def test_more_than_sixteen_rules_are_split_over_routes() -> None:
    extra = "".join(f'[[routes]]\npath = "/r{i}"\nto = "catalog"\n' for i in range(20))
    routes = documents(MINIMAL.replace("[default]", extra + "[default]"))
    assert [len(r["spec"]["rules"]) for r in routes] == [16, 6]
    assert [r["metadata"]["name"] for r in routes] == ["demonolith-any-host", "demonolith-any-host-2"]


def test_warnings_name_what_gateway_api_cannot_express() -> None:
    result = export_gateway_api(config())
    found = {(w.feature, w.subject) for w in result.warnings}
    assert {("sticky", "route catalog"), ("fallback", "route catalog"), ("retries", "upstream catalog"),
            ("breaker", "upstream monolith"), ("health-check", "upstream catalog"),
            ("timeouts", "upstream catalog"), ("path-pattern", "route item"),
            ("path-prefix", "route catalog"), ("header-present", "route item"),
            ("mirror-marker", "route catalog"), ("mirror-compare", "route exact"),
            ("host-header", "route item"), ("limits", "limits"), ("headers", "headers")} <= found
    assert all(f"#   - {w}\n" in result.text for w in result.warnings)


def test_ip_host_route_is_left_out_and_said_so() -> None:
    route = '[[routes]]\nname = "ip"\nhost = "10.0.0.1"\nto = "catalog"\n'
    text = MINIMAL.replace("[default]", route + "[default]")
    result = export_gateway_api(config(text))
    assert "10.0.0.1" not in result.text.split("\n---\n", 1)[1]
    assert any(w.feature == "host-ip" for w in result.warnings)
