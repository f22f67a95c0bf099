"""Which event loop runs the proxy: uvloop when it is installed (``auto``), or asyncio's own.

uvloop runs the same Protocols with its transports, selector and callbacks in C; on the
benchmark of bench/proxy.py that is 2–3 µs less CPU per request (bench/RESULTS.md). ``asyncio``
stays available for platforms without uvloop and to rule it out when chasing a problem.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from strangler_proxy.errors import ProxyError

LOOPS = ("auto", "asyncio", "uvloop")
T = TypeVar("T")


def loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The factory for ``name`` (None: asyncio's default); raises ProxyError for an unknown
    name or for ``uvloop`` when it is not installed."""
    if name not in LOOPS:
        raise ProxyError(f"--loop: expected one of {', '.join(LOOPS)}, got {name!r}")
    if name == "asyncio" or (name == "auto" and importlib.util.find_spec("uvloop") is None):
        return None
    try:
        import uvloop
    except ImportError as exc:
        raise ProxyError("--loop uvloop: uvloop is not installed (pip install uvloop)") from exc
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def run_on(loop: str, main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` to completion on a new event loop of kind ``loop`` (like ``asyncio.run``)."""
    try:
        factory = loop_factory(loop)
    except ProxyError:
        main.close()
        raise
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)
