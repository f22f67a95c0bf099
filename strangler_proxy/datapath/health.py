"""Active health checks: ``GET path`` on a fresh connection every ``interval`` seconds.

An upstream becomes unhealthy after ``unhealthy_after`` failed checks in a row (connect error,
timeout, or a status outside 200-399) and healthy again after ``healthy_after`` good ones. An
unhealthy upstream is skipped like one with an open breaker: its routes fall back.
"""

from __future__ import annotations

import asyncio
import logging

from strangler_proxy.config.model import HealthConfig
from strangler_proxy.datapath.fetch import BufferSink
from strangler_proxy.datapath.upstream import UpstreamFailure, UpstreamPool

logger = logging.getLogger("strangler_proxy.health")


async def probe(pool: UpstreamPool, config: HealthConfig) -> bool:
    """One check; True when the upstream answered 2xx or 3xx in time."""
    message = (
        b"GET " + config.path.encode() + b" HTTP/1.1\r\nHost: " + pool.upstream.authority.encode()
        + b"\r\nUser-Agent: demonolith-health\r\nConnection: close\r\n\r\n"
    )
    conn = None
    try:
        async with asyncio.timeout(config.timeout):
            conn = await pool.connect()
            sink = BufferSink(64 * 1024)
            conn.send(message, sink, head_request=False, timeout=config.timeout)
            await sink.done
        return sink.failure is None and 200 <= sink.status < 400
    except (UpstreamFailure, TimeoutError):
        return False
    finally:
        if conn is not None:
            conn.close()


async def check_forever(pool: UpstreamPool, config: HealthConfig) -> None:
    """Probe until cancelled, flipping ``pool.healthy`` on the configured thresholds."""
    good = bad = 0
    while True:
        if await probe(pool, config):
            good, bad = good + 1, 0
            if not pool.healthy and good >= config.healthy_after:
                pool.healthy = True
                logger.warning("upstream %s is healthy again", pool.upstream.name)
        else:
            good, bad = 0, bad + 1
            if pool.healthy and bad >= config.unhealthy_after:
                pool.healthy = False
                logger.warning("upstream %s is unhealthy", pool.upstream.name)
        await asyncio.sleep(config.interval)
