"""What the parts of the data path need from a client connection, as a :class:`typing.Protocol`.

:class:`ClientSide` is what the exchange, the tunnel and a request's forwarding use of
:class:`~strangler_proxy.datapath.client.ClientProtocol`. They depend on this description, not on
the client module, so the data path's modules import one another one way only (the client module
itself imports the forwarding it starts).
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from strangler_proxy.datapath.request import Request


class ClientSide(Protocol):
    """One client connection as the upstream side sees it: write to it, pause it, end it."""

    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport | None
    peer: str
    tunnel: asyncio.Transport | None
    task: asyncio.Task[None] | None
    on_write_pause: list[asyncio.Transport]

    def write(self, data: bytes) -> None:
        """Send ``data`` to the client (batched by the write cork)."""

    def pause(self, reason: str, on: bool) -> None:
        """Stop (``on``) or resume reading from the client for ``reason``."""

    def finished(self, request: Request, keep_alive: bool) -> None:
        """``request`` is answered: serve the next one, or close when not ``keep_alive``."""

    def tunnel_active(self) -> None:
        """Bytes moved through the tunnel: its idle clock starts again."""

    def close(self) -> None:
        """Close the connection once what was written has left."""

    def abort(self) -> None:
        """Drop the connection at once (a response that cannot be completed)."""
