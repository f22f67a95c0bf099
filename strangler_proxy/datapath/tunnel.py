"""WebSocket pass-through: after a 101, bytes flow both ways untouched until one side closes."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from strangler_proxy.datapath.ports import ClientSide
    from strangler_proxy.datapath.upstream import UpstreamConnection


class UpstreamPipe(asyncio.Protocol):
    """Receives the upstream's raw bytes for an upgraded connection and writes them to the client."""

    def __init__(self, client: ClientSide, closed: asyncio.Future[None]) -> None:
        self.client = client
        self.closed = closed

    def data_received(self, data: bytes) -> None:
        """Upstream -> client."""
        self.client.tunnel_active()
        self.client.write(data)

    def connection_lost(self, exc: Exception | None) -> None:
        """The upstream closed: close the client too and end the tunnel."""
        self.client.close()
        if not self.closed.done():
            self.closed.set_result(None)


async def open_tunnel(
    client: ClientSide, conn: UpstreamConnection, from_client: list[bytes], from_upstream: bytes
) -> None:
    """Join the two connections and wait until either closes."""
    closed: asyncio.Future[None] = client.loop.create_future()
    assert conn.transport is not None
    conn.raw = UpstreamPipe(client, closed)
    if from_upstream:
        client.write(from_upstream)
    for data in from_client:
        conn.write(data)
    from_client.clear()
    conn.cork.flush()  # from now on the client's bytes go straight to the transport: none held behind
    client.tunnel = conn.transport
    client.tunnel_active()
    client.on_write_pause = [conn.transport]
    if client.transport is None or client.transport.is_closing():
        conn.close()
    try:
        await closed
    finally:
        conn.close()
