"""``demonolith routes``: work with a proxy routes file (``check`` now; ``set`` / ``export`` later)."""

from __future__ import annotations

from pathlib import Path

import click

from demonolith.errors import ProxyFailure
from strangler_proxy.errors import ProxyError
from strangler_proxy.routing import RoutingTable
from strangler_proxy.run import check as check_routes


@click.group()
def routes() -> None:
    """Validate and inspect proxy routes files."""


@routes.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def check(path: Path) -> None:
    """Validate PATH without starting the proxy; print the routes in precedence order."""
    try:
        config = check_routes(path)
    except ProxyError as exc:
        raise ProxyFailure(str(exc)) from exc
    table = RoutingTable(config.routes, config.default)
    click.echo(f"{path}: ok ({len(config.routes)} routes, {len(config.upstreams)} upstreams)")
    for position, compiled in enumerate(table.routes, start=1):
        route = compiled.route
        targets = ", ".join(f"{name}={weight}" for name, weight in route.weights)
        click.echo(f"  {position}. {route.name} -> {targets}")
    click.echo(f"  default -> {', '.join(name for name, _ in config.default.weights)}")


# -- export (issue 9 item 7) -------------------------------------------------------------------


@routes.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "target", required=True,
              type=click.Choice(["nginx", "envoy", "gateway-api"]),
              help="nginx.conf, Envoy v3 static bootstrap YAML, or Gateway API HTTPRoute YAML.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
def export(path: Path, target: str, out: Path | None) -> None:
    """Export the routing of PATH to nginx, Envoy or Gateway API.

    Features the target cannot express are printed on stderr as warnings (and written as comments
    at the top of the output); none is dropped silently.
    """
    from strangler_proxy.export import export_routes

    try:
        result = export_routes(check_routes(path), target)
    except ProxyError as exc:
        raise ProxyFailure(str(exc)) from exc
    if out is None:
        click.echo(result.text, nl=False)
    else:
        try:
            out.write_text(result.text, encoding="utf-8")
        except OSError as exc:
            raise ProxyFailure(f"{out}: cannot write: {exc.strerror or exc}") from exc
    for warning in result.warnings:
        click.echo(f"demonolith: warning: {warning}", err=True)
    if out is not None:
        click.echo(f"{out}: {target} config written ({len(result.warnings)} warnings)", err=True)
