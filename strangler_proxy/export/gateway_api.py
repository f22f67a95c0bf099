"""Export a routes file to Kubernetes Gateway API ``HTTPRoute`` objects (YAML, standard channel v1).

How the proxy's behaviour is expressed:

* one HTTPRoute per host condition (exact, ``*.domain``, none), at most 16 rules each (the CRD's
  limit; more rules go to ``-2``, ``-3``... routes); Gateway API's precedence (hostname, exact
  path, longest prefix, method, header count) is the proxy's, so rules keep their order;
* methods become one match per method; ``*`` header values a ``RegularExpression`` ``.+`` match;
* weights: ``backendRefs`` weights; mirroring: the ``RequestMirror`` filter with ``percent`` (or a
  ``fraction`` per million), only for safe methods (GET, HEAD, OPTIONS) unless ``allow_unsafe``
  (the rule is split: the safe methods with the mirror first);
* every upstream becomes a ``backendRef`` to a Service named after it, on the upstream's port;
  ``parentRefs`` names a Gateway ``demonolith-gateway``: edit both to match the cluster.

The standard channel has no retries, fallback, breaker, health checks, stickiness or per-read
timeouts: each use of them is a warning.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from strangler_proxy.config.model import ProxyConfig, Route
from strangler_proxy.export.common import (
    full_path_regex,
    mirrored_methods,
    ordered_routes,
    re2_unsupported,
    regex_warnings,
    shared_warnings,
    source_name,
    subject,
    used_upstreams,
)
from strangler_proxy.export.guard_features import gateway_strip_filter, guard_warnings
from strangler_proxy.export.warnings import Export, ExportWarning, comment_header, unique_sorted
from strangler_proxy.export.yaml_text import to_yaml

API_VERSION = "gateway.networking.k8s.io/v1"
GATEWAY = "demonolith-gateway"
MAX_RULES = 16
_PATH_TYPE = {"exact": "Exact", "prefix": "PathPrefix", "pattern": "RegularExpression",
              "regex": "RegularExpression"}


def export_gateway_api(config: ProxyConfig) -> Export:
    """HTTPRoute YAML documents for ``config`` and the features Gateway API cannot express."""
    warnings = _warnings(config)
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for route in ordered_routes(config):
        if _host_expressible(route.host) and not (route.path and re2_unsupported(route.path)):
            groups.setdefault(route.host, []).extend(_rules(config, route))
    groups.setdefault(None, []).extend(_rules(config, config.default, default=True))
    documents = []
    for host in sorted(groups, key=lambda h: (h is None, h or "")):
        documents += _http_routes(host, groups[host])
    notes = [
        f"backendRefs name a Service per upstream (same name, the upstream's port); parentRefs a"
        f" Gateway {GATEWAY!r}: adjust both to your cluster.",
    ]
    header = comment_header("gateway-api", source_name(config), warnings, notes)
    body = "---\n".join(to_yaml(document) for document in documents)
    return Export(header + "---\n" + body, warnings)


def dns_label(name: str) -> str:
    """``name`` as a Kubernetes object / Service name (RFC 1123 label, at most 63 characters)."""
    label = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:63].strip("-")
    return label or "x"


def _http_routes(host: str | None, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    base = "demonolith-" + ("any-host" if host is None else dns_label(host.replace("*", "wildcard")))
    documents = []
    for start in range(0, len(rules), MAX_RULES):
        chunk = rules[start:start + MAX_RULES]
        name = base if start == 0 else f"{base}-{start // MAX_RULES + 1}"
        spec: dict[str, Any] = {"parentRefs": [{"name": GATEWAY}]}
        if host is not None:
            spec["hostnames"] = [host]
        spec["rules"] = _unique_names(chunk)
        documents.append({"apiVersion": API_VERSION, "kind": "HTTPRoute",
                          "metadata": {"name": name}, "spec": spec})
    return documents


def _unique_names(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    result = []
    for number, rule in enumerate(rules, 1):
        name = rule["name"]
        if name in seen:
            name = f"{name[:58]}-{number}"
        seen.add(name)
        result.append({**rule, "name": name})
    return result


# -- rules --------------------------------------------------------------------------------------


def _matches(route: Route, methods: frozenset[str] | None) -> list[dict[str, Any]]:
    base: dict[str, Any] = {"path": {"type": "PathPrefix", "value": "/"}}
    if route.path is not None:
        kind = route.path.kind
        value = full_path_regex(route.path) if kind in ("pattern", "regex") else route.path.value
        base = {"path": {"type": _PATH_TYPE[kind], "value": value}}
    if route.headers:
        base["headers"] = [
            {"type": "RegularExpression", "name": name, "value": ".+"} if value == "*"
            else {"type": "Exact", "name": name, "value": value}
            for name, value in route.headers
        ]
    if not methods:
        return [base]
    return [{**base, "method": method} for method in sorted(methods)]


def _backend(config: ProxyConfig, name: str) -> dict[str, Any]:
    return {"name": dns_label(name), "port": config.upstream(name).port}


def _rule(config: ProxyConfig, route: Route, name: str, matches: list[dict[str, Any]] | None,
          mirror: bool) -> dict[str, Any]:
    rule: dict[str, Any] = {"name": name}
    if matches is not None:
        rule["matches"] = matches
    filters = [gateway_strip_filter()]  # a client-sent identity header never passes
    if mirror and route.mirror is not None:
        percent = route.mirror.percent
        share: dict[str, Any] = {"percent": int(percent)} if percent == int(percent) else {
            "fraction": {"numerator": round(percent * 10_000), "denominator": 1_000_000}}
        filters.append({"type": "RequestMirror",
                        "requestMirror": {"backendRef": _backend(config, route.mirror.upstream), **share}})
    targets = [name for name, _ in route.weights]
    if route.host_header == "upstream" and len(targets) == 1 and _rewritable(config, targets[0]):
        filters.append({"type": "URLRewrite",
                        "urlRewrite": {"hostname": config.upstream(targets[0]).host}})
    rule["filters"] = filters
    weighted = len(route.weights) > 1
    rule["backendRefs"] = [{**_backend(config, target), **({"weight": weight} if weighted else {})}
                           for target, weight in route.weights]
    return rule


def _rules(config: ProxyConfig, route: Route, default: bool = False) -> list[dict[str, Any]]:
    name = dns_label(route.name)
    mirrored = mirrored_methods(route)
    rules = []
    if route.mirror is not None and mirrored is not None:
        if mirrored:
            matches = _matches(route, mirrored)
            rules.append(_rule(config, route, f"{name[:54]}-mirrored", matches, mirror=True))
        if route.methods and route.methods <= mirrored:
            return rules
    methods = (route.methods - mirrored) if (route.methods and mirrored is not None) else route.methods
    mirror_all = route.mirror is not None and mirrored is None
    rules.append(_rule(config, route, name, None if default else _matches(route, methods), mirror_all))
    return rules


def _host_expressible(host: str | None) -> bool:
    if host is None:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True
    return False


def _rewritable(config: ProxyConfig, target: str) -> bool:
    host = config.upstream(target).host
    return _host_expressible(host) and bool(re.fullmatch(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?", host))


# -- what Gateway API cannot express --------------------------------------------------------------


def _route_warnings(config: ProxyConfig, route: Route) -> list[ExportWarning]:
    who = subject(route)
    found = []
    if not _host_expressible(route.host):
        found.append(ExportWarning("host-ip", who, f"route NOT exported: HTTPRoute hostnames cannot"
                                   f" be IP addresses ({route.host})"))
    found += regex_warnings(route.path, who, "Gateway API", re2=True)
    if route.path is not None and route.path.kind in ("pattern", "regex"):
        found.append(ExportWarning("path-pattern", who, "RegularExpression path matches are"
                                   " implementation-specific, and so is their precedence"))
    if route.path is not None and route.path.kind == "prefix" and route.path.value != "/":
        found.append(ExportWarning("path-prefix", who, _prefix_difference(route.path.value)))
    if any(value == "*" for _, value in route.headers):
        found.append(ExportWarning("header-present", who, "header presence uses a RegularExpression"
                                   " match (implementation-specific support)"))
    if route.sticky is not None and len(route.weights) > 1:
        found.append(ExportWarning("sticky", who, "session persistence is not in the standard"
                                   " channel: the weighted split is per request, not per user"))
    if route.fallback is not None:
        found.append(ExportWarning("fallback", who, f"no fallback to {route.fallback} in HTTPRoute"))
    if route.mirror is not None:
        found.append(ExportWarning("mirror-marker", who, "the shadow copy carries no"
                                   " X-Demonolith-Shadow marker"))
    if route.host_header == "upstream":
        targets = [name for name, _ in route.weights]
        done = len(targets) == 1 and _rewritable(config, targets[0])
        found.append(ExportWarning("host-header", who, "Host rewritten to the upstream's host name"
                                   " without its port" if done else "Host cannot be rewritten to the"
                                   " upstream's address (weighted targets or an IP address)"))
    return found


def _prefix_difference(value: str) -> str:
    if value.endswith("/"):
        return f"PathPrefix {value} also matches {value.rstrip('/')} (our proxy does not)"
    return (f"PathPrefix {value} matches whole segments only: {value}x matches in our proxy,"
            " not in Gateway API")


def _upstream_warnings(config: ProxyConfig) -> list[ExportWarning]:
    found = []
    for upstream in used_upstreams(config):
        who = f"upstream {upstream.name}"
        found.append(ExportWarning("breaker", who, "no circuit breaker in HTTPRoute"))
        found.append(ExportWarning("timeouts", who, "connect and per-read timeouts not expressed"
                                   " (HTTPRoute timeouts are whole-request deadlines)"))
        if upstream.retries:
            found.append(ExportWarning("retries", who, "retries are not in the standard channel"))
        if upstream.health is not None:
            found.append(ExportWarning("health-check", who, "active health checks are not in HTTPRoute"))
    return found


def _warnings(config: ProxyConfig) -> tuple[ExportWarning, ...]:
    found = shared_warnings(config, "Gateway API") + _upstream_warnings(config)
    found += guard_warnings(config, "Gateway API")
    for route in (*config.routes, config.default):
        found += _route_warnings(config, route)
    wildcards = sorted({route.host for route in config.routes if route.host and route.host[0] == "*"})
    for outer in wildcards:
        for inner in wildcards:
            if inner != outer and inner.endswith(outer[1:]):
                found.append(ExportWarning("host-precedence", f"host {inner}", f"Gateway API prefers"
                                           f" it over {outer} before comparing paths; our proxy ranks"
                                           " all wildcards alike"))
    found += [
        ExportWarning("limits", "limits", "header/body limits and client timeouts are the Gateway"
                      " implementation's settings"),
        ExportWarning("headers", "headers", "X-Request-ID, X-Forwarded-* and Via are set by the Gateway"
                      " implementation, if at all"),
        ExportWarning("access-log", "access log", "the access log is the Gateway implementation's"),
    ]
    return unique_sorted(found)
