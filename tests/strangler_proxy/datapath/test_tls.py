"""TLS on the client listener, with a certificate made at test time (openssl, or ``cryptography``
when installed): HTTPS served, X-Forwarded-Proto https, plain HTTP refused, bad files refused."""

from __future__ import annotations

import http.client
import json
import shutil
import ssl
import subprocess
from pathlib import Path

import aiohttp
import pytest

from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.datapath.tls import server_context, with_tls
from strangler_proxy.errors import ProxyError, RoutesError
from tests.strangler_proxy.live_support import backend, start_proxy
from tests.strangler_proxy.support import App, raw_exchange, routes_toml, run_async, running_proxy

OPENSSL = shutil.which("openssl")


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed EC certificate for localhost / 127.0.0.1 and its key."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    if OPENSSL is None:
        pytest.skip("openssl not installed")
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True, timeout=30,
    )
    return cert, key


@run_async(timeout=30)
async def test_tls_listener_serves_https_and_forwards_proto(tmp_path: Path) -> None:
    cert, key = make_certificate(tmp_path)
    app = await App("app").start()
    try:
        body = f'[listen]\ntls_cert = "{cert.name}"\ntls_key = "{key.name}"\n[default]\nto = "app"\n'
        config = parse_routes(routes_toml({"app": app.port}, body), str(tmp_path / "routes.toml"))
        client_tls = ssl.create_default_context(cafile=str(cert))
        async with running_proxy(config) as proxy, aiohttp.ClientSession() as session:
            assert proxy.scheme == b"https"
            url = f"https://127.0.0.1:{proxy.listen_port}/hello"
            for _ in range(3):  # keep-alive over TLS
                async with session.get(url, ssl=client_tls) as response:
                    assert response.status == 200
                    assert (await response.json())["path"] == "/hello"
            assert app.seen[-1].headers["X-Forwarded-Proto"] == "https"
            plain = await raw_exchange(proxy.listen_port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 2.0)
            assert not plain.startswith(b"HTTP/1.1 200")
    finally:
        await app.stop()


def test_command_line_files_win_and_must_come_in_pairs(tmp_path: Path) -> None:
    config = parse_routes(routes_toml({"monolith": 1}, ""), str(tmp_path / "routes.toml"))
    with pytest.raises(ProxyError, match="both --tls-cert and --tls-key"):
        with_tls(config, "cert.pem", None)
    chosen = with_tls(config, "c.pem", "k.pem")
    assert chosen.tls_cert == str(Path("c.pem").resolve())
    with pytest.raises(ProxyError, match="TLS: cannot load certificate"):
        server_context(chosen)
    with pytest.raises(RoutesError, match="tls_cert and tls_key"):
        parse_routes(routes_toml({"monolith": 1}, '[listen]\ntls_cert = "c.pem"\n'))


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_tls_listener_of_the_proxy_process_on_either_event_loop(tmp_path: Path, loop: str) -> None:
    cert, key = make_certificate(tmp_path)
    context = ssl.create_default_context(cafile=str(cert))
    with backend() as port:
        routes = tmp_path / "routes.toml"
        routes.write_text(routes_toml({"monolith": port}, '[default]\nto = "monolith"\n'))
        proxy = start_proxy(routes, "--tls-cert", str(cert), "--tls-key", str(key), "--loop", loop)
        try:
            assert f"https://127.0.0.1:{proxy.port}" in proxy.lines[0]
            assert proxy.lines[0].rstrip().endswith(f"(event loop: {loop})")
            connection = http.client.HTTPSConnection("127.0.0.1", proxy.port, context=context, timeout=10)
            for path in ("/a", "/b"):  # keep-alive over TLS
                connection.request("GET", path)
                response = connection.getresponse()
                assert response.status == 200 and json.loads(response.read())["path"] == path
            connection.close()
        finally:
            assert proxy.stop() == 0
