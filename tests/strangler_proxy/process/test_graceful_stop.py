"""Graceful stop under keep-alive load (issue #19, item 6): SIGTERM while a pool of keep-alive
clients hammers a real proxy process; every request sent gets its response."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.strangler_proxy.live_support import CATALOG_ON_MONOLITH, backend, start_proxy

REQUEST = b"GET /api/catalog/item HTTP/1.1\r\nHost: shop\r\n\r\n"


@dataclass
class Tally:
    """What the client pool saw."""

    sent: int = 0
    answered: int = 0
    lost: int = 0  # sent, then the connection ended without a response
    closes: int = 0  # responses that said Connection: close
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


def _response(sock: socket.socket, buffer: bytearray) -> bytes | None:
    """One response head (its Content-Length body consumed), or None when the connection ended."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    buffer[:] = rest[length:]
    return head


def _client(port: int, tally: Tally, stop: threading.Event) -> None:
    """Keep-alive requests one after another; reconnect after a close, end when refused."""
    while not stop.is_set():
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            return  # the proxy no longer accepts: done
        buffer = bytearray()
        with sock:
            while not stop.is_set():
                try:
                    sock.sendall(REQUEST)
                except OSError:
                    break  # closed before this request left: it was never sent
                tally.add(sent=1)
                try:
                    head = _response(sock, buffer)
                except OSError:
                    head = None
                if head is None:
                    tally.add(lost=1)
                    break
                tally.add(answered=1)
                if b"connection: close" in head.lower():
                    tally.add(closes=1)
                    break


def test_sigterm_under_keep_alive_load_loses_no_request(tmp_path: Path) -> None:
    with backend() as port:
        routes = tmp_path / "routes.toml"
        routes.write_text(CATALOG_ON_MONOLITH.format(port=port))
        tally, stop = Tally(), threading.Event()
        with start_proxy(routes, "--drain-seconds", "10", "--access-log", "off") as proxy:
            clients = [threading.Thread(target=_client, args=(proxy.port, tally, stop))
                       for _ in range(16)]
            try:
                for thread in clients:
                    thread.start()
                time.sleep(1.0)
                before = tally.answered
                proxy.process.terminate()
                status = proxy.wait(30)
            finally:
                stop.set()
                for thread in clients:
                    thread.join(15)
    assert before > 50  # the load was on when SIGTERM arrived
    assert status == 0
    assert tally.lost == 0, tally
    assert tally.sent == tally.answered
    assert tally.closes > 0  # in-flight ones were told the connection closes
