"""The proxy's own Python per request, without sockets: fake transports, process CPU time.

Usage (from the repository root)::

    .venv/bin/python bench/proxy_python.py [--requests 20000] [--profile] [--route plain|weighted|promoted]

One proxy (the route of ``bench/proxy.py``: a single-target route with a fallback, access log on,
written to /dev/null) serves a keep-alive client whose bytes are fed to its protocol by hand, on
one pooled upstream connection whose response is fed the same way: the full per-request path of
the pooled fast path — parsing, routing, headers, metrics, access log — with no system call and
no event-loop turn (the write batch is flushed by hand after each fed read, as the end of a loop
turn would, so each turn carries one write and batching gains nothing here). ``--route weighted``
splits the route by weights (all to the same target), ``--route promoted`` adds a ``promotion``
table (each request also kept as a sample for the automatic canary). It prints the best of
5 runs in microseconds of CPU per request;
``--profile`` adds the cProfile table. The figure is steady on a loaded machine (it is the
process's own CPU time), which the socket benchmark's requests/s ratio is not.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import time
from typing import Any

from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.datapath.client import ClientProtocol
from strangler_proxy.datapath.proxy import Proxy
from strangler_proxy.datapath.upstream import UpstreamConnection
from strangler_proxy.observe.accesslog import AccessLog

ROUTES = """
[upstreams.monolith]
url = "http://127.0.0.1:9"
[upstreams.catalog]
url = "http://127.0.0.1:9"
[[routes]]
name = "catalog"
path_prefix = "/api/"
to = "catalog"
fallback = "monolith"
[default]
to = "monolith"
"""
# --route weighted: the same route split by weights (all to catalog); --route promoted: that and a
# promotion table, so every request is also kept as a sample for the automatic canary
WEIGHTED = ('to = "catalog"', "weights = { catalog = 100, monolith = 0 }")
PROMOTION = '[routes.promotion]\nsteps = [1, 100]\n[default]'
REQUEST = b"GET /api/items HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n"
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Wed, 25 Nov 2026 18:00:00 GMT\r\n"
    b"Content-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok"
)


class FakeTransport:
    """Records writes; closing is a failure of the benchmark (keep-alive must hold)."""

    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        """Keep the bytes (cleared between runs)."""
        self.written.append(data)

    def is_closing(self) -> bool:
        """Never closing."""
        return False

    def is_reading(self) -> bool:
        """Always reading (a pooled connection's idle check asks)."""
        return True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """The peer address."""
        return ("127.0.0.1", 5555)

    def close(self) -> None:
        """A closed connection means the request was not served as expected."""
        raise RuntimeError("the proxy closed a connection")

    abort = close


def routes_of(kind: str) -> str:
    """The routes file of ``--route``: plain, weighted or promoted."""
    if kind == "plain":
        return ROUTES
    weighted = ROUTES.replace(*WEIGHTED)
    return weighted if kind == "weighted" else weighted.replace("[default]", PROMOTION)


async def measure(requests: int, profile: bool, route: str = "plain") -> float:
    """Best of 5 runs, microseconds of process CPU time per request."""
    proxy = Proxy(parse_routes(routes_of(route)), AccessLog("/dev/null"))
    client, client_side = ClientProtocol(proxy), FakeTransport()
    client.connection_made(client_side)  # type: ignore[arg-type]
    pool = proxy.pools["catalog"]
    conn, upstream_side = UpstreamConnection(pool), FakeTransport()
    conn.connection_made(upstream_side)  # type: ignore[arg-type]
    pool.release(conn, True)

    def serve(count: int) -> None:
        for _ in range(count):
            client.data_received(REQUEST)
            proxy.cork.flush()  # the end of a loop turn
            conn.data_received(RESPONSE)
            proxy.cork.flush()
        assert client_side.written[-1].endswith(b"ok"), client_side.written[-1]
        client_side.written.clear()
        upstream_side.written.clear()

    serve(1000)
    best = float("inf")
    for _ in range(5):
        await asyncio.sleep(0)  # run the flushes scheduled by the last run (they find nothing)
        started = time.process_time()
        serve(requests)
        best = min(best, (time.process_time() - started) / requests * 1e6)
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(serve, requests)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
    return best


def main() -> None:
    """Parse flags, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--route", choices=("plain", "weighted", "promoted"), default="plain")
    args = parser.parse_args()
    cost = asyncio.run(measure(args.requests, args.profile, args.route))
    print(f"{cost:.2f} us of CPU per request")


if __name__ == "__main__":
    main()
