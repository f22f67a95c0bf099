"""Ports for tests that run in parallel (xdist): never a number that was free a moment ago.

- :func:`listening_socket`: bound and listening, handed to the server under test (``pass_fds``,
  ``sock=``), so no one else can take the port between choosing and serving.
- :func:`refused_port`: bound, never listening, kept for the block: a "dead" upstream whose
  connections are refused, and that no other test can start serving on meanwhile.
- :func:`announced_ports`: the ports a ``--listen 127.0.0.1:0`` proxy says it bound.
- :func:`retry_if_port_taken`: for a server that must bind a number itself (Django's runserver,
  nginx): a fresh port per attempt while the attempt fails with "address in use".
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
ADDRESS_IN_USE = ("address already in use", "that port is already in use", "(98:")


def listening_socket() -> socket.socket:
    """A TCP socket listening on 127.0.0.1 at a port the OS chose (inheritable, for ``pass_fds``)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@contextmanager
def refused_port() -> Iterator[int]:
    """A port bound but not listening on 127.0.0.1 for the block: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def port_of(sock: socket.socket) -> int:
    """The port ``sock`` is bound to."""
    return int(sock.getsockname()[1])


def announced_ports(line: str) -> tuple[int, int | None]:
    """(listen port, admin port or None) from the proxy's ``proxy listening on ...`` line."""
    found = re.search(r"proxy listening on \w+://[^:]+:(\d+)(?:.*metrics on http://[^:]+:(\d+))?", line)
    assert found is not None, f"not the proxy's announcement: {line!r}"
    return int(found[1]), (int(found[2]) if found[2] else None)


def free_port_number() -> int:
    """The number of a port that was free just now: only for a server that must bind a number
    itself, and only with a retry when it finds the port taken (see :func:`retry_if_port_taken`)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PortTaken(Exception):
    """The server under test could not bind the port it was given; try another."""


def taken(output: str) -> bool:
    """Whether a server's output says its port was in use."""
    return any(marker in output.lower() for marker in ADDRESS_IN_USE)


def retry_if_port_taken(start: Callable[[int], T], attempts: int = 5) -> T:
    """``start(port)`` on a fresh free port until it does not raise :class:`PortTaken`."""
    for attempt in range(attempts):
        try:
            return start(free_port_number())
        except PortTaken:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
