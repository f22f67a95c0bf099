"""``demonolith proxy``: run the strangler-fig reverse proxy in front of the monolith."""

from __future__ import annotations

from pathlib import Path

import click

from demonolith.errors import ProxyFailure
from strangler_proxy.errors import ProxyError
from strangler_proxy.run import run


@click.command()
@click.option("--routes", "routes", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Routes file (TOML).")
@click.option("--listen", default=None, metavar="HOST:PORT",
              help="Client listener (default: [listen] address, else 127.0.0.1:8000).")
@click.option("--admin", default=None, metavar="HOST:PORT",
              help="Admin listener for /metrics, or 'off' (default 127.0.0.1:8001).")
@click.option("--access-log", default=None, metavar="PATH",
              help="JSON access log: '-' (stdout), 'off' or a file (default: routes file, '-').")
def proxy(routes: Path, listen: str | None, admin: str | None, access_log: str | None) -> None:
    """Run the proxy until interrupted (SIGINT / SIGTERM)."""
    try:
        run(routes, listen=listen, admin=admin, access_log=access_log)
    except ProxyError as exc:
        raise ProxyFailure(str(exc)) from exc
