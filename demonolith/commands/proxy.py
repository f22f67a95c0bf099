"""``demonolith proxy``: run the strangler-fig reverse proxy in front of the monolith."""

from __future__ import annotations

from pathlib import Path

import click

from demonolith.errors import ProxyFailure
from strangler_proxy.errors import ProxyError
from strangler_proxy.process.event_loop import LOOPS
from strangler_proxy.process.run import run


@click.command()
@click.option("--routes", "routes", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Routes file (TOML).")
@click.option("--listen", default=None, metavar="HOST:PORT",
              help="Client listener (default: [listen] address, else 127.0.0.1:8000).")
@click.option("--admin", default=None, metavar="HOST:PORT",
              help="Admin listener for /metrics, or 'off' (default 127.0.0.1:8001).")
@click.option("--access-log", default=None, metavar="PATH",
              help="JSON access log: '-' (stdout), 'off' or a file (default: routes file, '-').")
@click.option("--tls-cert", default=None, metavar="PEM",
              help="Serve clients over TLS with this certificate (chain); needs --tls-key.")
@click.option("--tls-key", default=None, metavar="PEM", help="Private key of --tls-cert.")
@click.option("--admin-token", default=None, metavar="TOKEN",
              help="Bearer token of the admin API (also: env DEMONOLITH_ADMIN_TOKEN, [admin] tokens).")
@click.option("--state-file", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Where admin changes are kept (default: ROUTES.state.json).")
@click.option("--drain-seconds", default=30.0, show_default=True, type=click.FloatRange(min=0),
              help="On SIGTERM, how long in-flight requests may take to finish.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Worker processes sharing the listen port (SO_REUSEPORT).")
@click.option("--loop", default="auto", show_default=True, type=click.Choice(LOOPS),
              help="Event loop: uvloop when installed (auto), asyncio or uvloop.")
def proxy(routes: Path, listen: str | None, admin: str | None, access_log: str | None,
          tls_cert: str | None, tls_key: str | None, admin_token: str | None,
          state_file: Path | None, drain_seconds: float, workers: int, loop: str) -> None:
    """Run the proxy until SIGTERM / SIGINT (then drain); SIGHUP or a changed routes file
    reloads the routes."""
    try:
        run(routes, listen=listen, admin=admin, access_log=access_log, tls_cert=tls_cert,
            tls_key=tls_key, admin_token=admin_token, state_file=state_file,
            drain_seconds=drain_seconds, workers=workers, loop=loop)
    except ProxyError as exc:
        raise ProxyFailure(str(exc)) from exc
