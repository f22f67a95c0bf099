"""The port helpers hold what they promise: a held port cannot be taken by another test."""

from __future__ import annotations

import errno
import socket

import pytest

from tests.helpers.ports import (
    PortTaken,
    announced_ports,
    listening_socket,
    port_of,
    refused_port,
    retry_if_port_taken,
    taken,
)


def _bind(port: int) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", port))


def test_a_refused_port_refuses_and_cannot_be_taken_while_held() -> None:
    with refused_port() as port:
        with pytest.raises(OSError) as bind:
            _bind(port)
        assert bind.value.errno == errno.EADDRINUSE
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_a_listening_socket_accepts_and_cannot_be_taken() -> None:
    with listening_socket() as sock:
        with pytest.raises(OSError) as bind:
            _bind(port_of(sock))
        assert bind.value.errno == errno.EADDRINUSE
        socket.create_connection(("127.0.0.1", port_of(sock)), timeout=2).close()


def test_retry_if_port_taken_tries_another_port() -> None:
    tried: list[int] = []

    def start(port: int) -> int:
        tried.append(port)
        if len(tried) < 3:
            raise PortTaken("Error: That port is already in use.")
        return port

    assert retry_if_port_taken(start) == tried[-1] and len(tried) == 3


def test_the_proxy_announcement_and_bind_failures_are_recognised() -> None:
    line = ("proxy listening on http://127.0.0.1:41234, metrics on "
            "http://127.0.0.1:41235/metrics (event loop: uvloop)")
    assert announced_ports(line) == (41234, 41235)
    assert announced_ports("proxy listening on http://127.0.0.1:5 (event loop: asyncio)") == (5, None)
    assert taken("Error: That port is already in use.")
    assert taken('bind() to 127.0.0.1:80 failed (98: Address already in use)')
    assert not taken("Starting development server")
