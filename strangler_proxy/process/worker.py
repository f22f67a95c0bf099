"""``python -m strangler_proxy.process.worker``: one worker process of ``--workers N`` (started by
:mod:`strangler_proxy.process.supervisor`, never by hand).

A worker binds the listen address with SO_REUSEPORT (the kernel spreads connections over the
workers), serves client traffic, and answers its supervisor on a private Unix socket, one
command per connection: ``metrics`` (its registry snapshot, status and config digest),
``samples`` (the promoted routes' request samples since the last ask, then forgotten) or
``reload`` (re-read the routes and state files now; the answer says whether it worked). It
exits, after draining, on SIGTERM / SIGINT or when its supervisor is gone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from strangler_proxy.config.live import LiveRoutes
from strangler_proxy.datapath.proxy import Proxy
from strangler_proxy.datapath.tls import with_tls
from strangler_proxy.errors import ProxyError
from strangler_proxy.observe.accesslog import AccessLog
from strangler_proxy.observe.aggregate import snapshot
from strangler_proxy.observe.samples import samples_to_json
from strangler_proxy.process.event_loop import run_on
from strangler_proxy.process.lifecycle import apply_to, drain_and_stop, stop_signals


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The supervisor's command line for a worker: no defaults here, the supervisor passes them all
    (the defaults are those of :mod:`strangler_proxy.process.options`)."""
    parser = argparse.ArgumentParser(prog="strangler_proxy.process.worker")
    for name in ("--routes", "--state-file", "--listen", "--control", "--loop"):
        parser.add_argument(name, required=True)
    parser.add_argument("--drain-seconds", type=float, required=True)
    parser.add_argument("--access-log")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    return parser.parse_args(argv)


async def answer(proxy: Proxy, live: LiveRoutes, command: bytes) -> dict[str, Any]:
    """The reply to one supervisor command."""
    if command == b"metrics":
        return {"metrics": snapshot(proxy.metrics), "status": proxy.status(),
                "digest": live.status.digest, "pid": os.getpid()}
    if command == b"samples":
        return {"samples": samples_to_json(proxy.samples.take())}
    if command == b"reload":
        status = await live.reload("supervisor")
        return {"ok": status.ok, "error": status.error, "digest": status.digest}
    if command.startswith(b"reset-breaker "):
        return {"ok": proxy.reset_breaker(command.split(b" ", 1)[1].decode("utf-8", "replace"))}
    return {"error": f"unknown command {command!r}"}


async def watch_parent(parent: int, stopping: asyncio.Event) -> None:
    """Stop when the supervisor is gone (this process was re-parented)."""
    while os.getppid() == parent:
        await asyncio.sleep(1.0)
    stopping.set()


async def work(args: argparse.Namespace) -> None:
    """Serve until told to stop, then drain."""
    live = LiveRoutes(args.routes, Path(args.state_file), owner=False,
                      adjust=lambda config: with_tls(config, args.tls_cert, args.tls_key))
    proxy = Proxy(live.config, AccessLog(args.access_log) if args.access_log else None)
    live.attach(apply_to([proxy]), None)
    await proxy.start(args.listen, None, reuse_port=True)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(10):
                command = (await reader.readline()).strip()
                writer.write(json.dumps(await answer(proxy, live, command)).encode())
                await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    control = await asyncio.start_unix_server(handle, path=args.control)
    stopping = asyncio.Event()
    stop_signals(stopping, None)  # SIGHUP: the supervisor drives reloads
    orphan = asyncio.create_task(watch_parent(os.getppid(), stopping))
    try:
        await stopping.wait()
    finally:
        orphan.cancel()
        control.close()
        await drain_and_stop(proxy, args.drain_seconds)


def main(argv: list[str] | None = None) -> int:
    """Run one worker; errors become one line on stderr and exit status 2."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        with contextlib.suppress(KeyboardInterrupt):
            run_on(args.loop, work(args))
    except ProxyError as exc:
        print(f"strangler_proxy worker: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
