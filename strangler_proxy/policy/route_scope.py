"""Refuse a route that takes ``/`` or every path of the monolith to another upstream.

Self-contained on purpose (it reads only ``strangler_proxy.config``'s Route and ProxyConfig): it
belongs with the routes-file validation of ``strangler_proxy`` once that package's move is done.
Sending everything to a service is said with ``[default] to = "service"``, never with a route.
"""

from __future__ import annotations

import re

from strangler_proxy.config.model import ProxyConfig, Route

PROBES = ("/", "/demonolith-probe-7c1e/", "/demonolith-probe-7c1e/a/b")  # no monolith has these


def _takes(route: Route, path: str) -> bool:
    match = route.path
    if match is None:
        return True
    if match.kind == "exact":
        return bool(match.value == path)
    if match.kind == "prefix":
        return bool(path.startswith(match.value))
    if match.kind == "regex":
        return re.match(match.value, path) is not None
    rest = match.value.endswith("/*")
    body = match.value[:-2] if rest else match.value
    parts = re.split(r"(\{[A-Za-z_]\w*\})", body)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.match(regex + ("(/.*)?" if rest else "") + r"\Z", path) is not None


def catch_all_problems(config: ProxyConfig) -> list[str]:
    """One line per route that sends (or mirrors) ``/`` or paths no route names to an upstream
    the ``[default]`` does not use. Routes with a ``host`` condition are exempt: they move a
    whole virtual host, which is a deliberate choice."""
    default = {name for name, _ in config.default.weights}
    problems = []
    for route in config.routes:
        elsewhere = sorted({n for n, _ in route.weights} - default
                           | ({route.mirror.upstream} - default if route.mirror else set()))
        if route.host is not None or not elsewhere:
            continue
        taken = [p for p in PROBES if _takes(route, p)]
        if taken:
            what = "every path" if len(taken) > 1 else "/"
            problems.append(f"route {route.name!r} takes {what} of the monolith to "
                            f"{', '.join(elsewhere)}: narrow its path, or make that the [default]")
    return problems
