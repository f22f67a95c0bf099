"""``demonolith routes``: check a routes file, change a running proxy's route, export the routes.

* ``check PATH``: validate without starting anything;
* ``set ROUTE``: change a route's weights, target or mirror percentage through a running proxy's
  admin API (kept in its state file across restarts);
* ``rollback``: move every route (or those on one upstream) back in one atomic admin change;
* ``breaker [NAME] [--reset]``: show the upstreams' circuit breakers, or close one now;
* ``promote ROUTE [--step|--hold|--rollback]``: show a route's automatic canary, or command it;
* ``export PATH --format nginx|envoy|gateway-api``: the same routing for another proxy (with the
  run-time changes of the proxy's state file, when there is one).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from demonolith.errors import ProxyFailure, UsageError
from demonolith.output import plural
from strangler_proxy.config.model import ProxyConfig, Route
from strangler_proxy.policy.route_scope import catch_all_problems
from strangler_proxy.policy.routing import RoutingTable
from strangler_proxy.process.run import check as check_routes


@click.group()
def routes() -> None:
    """Check routes files, change a running proxy's routes, export them to nginx/Envoy/Gateway."""


@routes.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: the same verdict and routes as one JSON document on stdout.")
def check(path: Path, fmt: str) -> None:
    """Validate PATH without starting the proxy; print the routes in precedence order.

    An invalid file is one line on stderr and exit 8, whatever the format.
    """
    config = check_routes(path)
    problems = catch_all_problems(config)
    if problems:
        raise ProxyFailure(f"{path}: " + "; ".join(problems))
    table = RoutingTable(config.routes, config.default)
    ordered = [compiled.route for compiled in table.routes]
    if fmt == "json":
        click.echo(json.dumps(routes_document(path, config, ordered), indent=2, sort_keys=True))
        return
    counts = f"{plural(len(config.routes), 'route')}, {plural(len(config.upstreams), 'upstream')}"
    click.echo(f"{path}: ok ({counts})")
    for position, route in enumerate(ordered, start=1):
        targets = ", ".join(f"{name}={weight}" for name, weight in route.weights)
        click.echo(f"  {position}. {route.name} -> {targets}")
    click.echo(f"  default -> {', '.join(name for name, _ in config.default.weights)}")


def routes_document(path: Path, config: ProxyConfig, ordered: list[Route]) -> dict[str, Any]:
    """``routes check --format json``: the file, its counts, the routes in precedence order."""
    return {
        "path": str(path), "ok": True, "upstreams": sorted(upstream.name for upstream in config.upstreams),
        "routes": [{"position": position, "name": route.name,
                    "weights": [{"upstream": name, "weight": weight} for name, weight in route.weights]}
                   for position, route in enumerate(ordered, start=1)],
        "default": [{"upstream": name, "weight": weight} for name, weight in config.default.weights],
    }


# -- export (issue 9 item 7) -------------------------------------------------------------------


@routes.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "target", required=True,
              type=click.Choice(["nginx", "envoy", "gateway-api"]),
              help="nginx.conf, Envoy v3 static bootstrap YAML, or Gateway API HTTPRoute YAML.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@click.option("--with-state/--no-state", "with_state", default=None,
              help="Apply the proxy's run-time changes kept in its state file, so the export is"
                   " the live routing (default: when the state file exists).")
@click.option("--state-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The proxy's state file (default: PATH.state.json, as the proxy's).")
def export(path: Path, target: str, out: Path | None, with_state: bool | None,
           state_file: Path | None) -> None:
    """Export the routing of PATH to nginx, Envoy or Gateway API.

    Features the target cannot express are printed on stderr as warnings (and written as comments
    at the top of the output); none is dropped silently. The proxy's run-time changes (``routes
    set``, ``routes rollback``) are applied when its state file exists; stderr says so.
    """
    from strangler_proxy.export import export_routes

    result = export_routes(_live_config(path, with_state, state_file), target)
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
        click.echo(f"{out}: {target} config written ({plural(len(result.warnings), 'warning')})", err=True)


def _live_config(path: Path, with_state: bool | None, state_file: Path | None) -> ProxyConfig:
    """The routes file's config, with the state file's run-time changes when asked or present."""
    from strangler_proxy.config.state import read_applied, state_path_for

    config = check_routes(path)
    state = state_file or state_path_for(path)
    if with_state is False or (with_state is None and state_file is None and not state.exists()):
        return config
    applied = read_applied(config, state)
    if applied is None:
        raise ProxyFailure(f"{state}: no state file (--no-state exports the routes file alone)")
    names = ", ".join(override.route for override in applied.active) or "none in force"
    click.echo(f"demonolith: applied {plural(len(applied.active), 'run-time change')} from {state}"
               f" ({names}; --no-state to export the routes file alone)", err=True)
    for override, why in applied.dropped:
        click.echo(f"demonolith: note: run-time change of {override.route} not applied: {why}",
                   err=True)
    return applied.config


# -- set, rollback (issue 9 item 1, issue 10) ---------------------------------------------------


def admin_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--admin``, ``--token`` and ``--user``: how a command reaches the proxy's admin API."""
    for option in reversed((
        click.option("--admin", "admin_url", default="http://127.0.0.1:8001", show_default=True,
                     metavar="URL", help="The proxy's admin listener."),
        click.option("--token", envvar="DEMONOLITH_ADMIN_TOKEN", default=None,
                     help="Admin bearer token (default: env DEMONOLITH_ADMIN_TOKEN)."),
        click.option("--user", envvar="USER", default=None,
                     help="Who you are, for the change log (X-Admin-User; default $USER)."),
    )):
        command = option(command)
    return command


def describe(route: dict[str, Any], overridden: bool, workers: dict[str, Any] | None) -> str:
    """One line about a route as the admin API shows it after a change."""
    targets = ", ".join(f"{name}={weight}" for name, weight in route["weights"].items())
    line = f"{route['name']}: {targets}"
    mirror = route.get("mirror")
    if mirror:
        line += f"; mirror {mirror['upstream']} {mirror['percent']:g}%"
    if workers:
        line += f" (applied by {workers['applied']}/{workers['total']} workers)"
    return line + ("" if overridden else " [routes file values]")


@routes.command("set")
@click.argument("route")
@click.option("--weights", default=None, metavar="NAME=INT,...",
              help="New weights, e.g. catalog=10,monolith=90.")
@click.option("--to", "target", default=None, metavar="UPSTREAM", help="Send everything here.")
@click.option("--mirror-percent", default=None, type=click.FloatRange(0, 100),
              help="Share of the route's requests mirrored (routes with a mirror).")
@click.option("--reset", is_flag=True, help="Drop the run-time change: the routes file applies.")
@admin_options
def set_route(route: str, weights: str | None, target: str | None, mirror_percent: float | None,
              reset: bool, admin_url: str, token: str | None, user: str | None) -> None:
    """Change ROUTE in a running proxy now (and keep the change across restarts)."""
    from strangler_proxy.admin.client import parse_weights
    from strangler_proxy.admin.client import set_route as call_set_route

    change: dict[str, object] = {}
    if weights is not None:
        change["weights"] = parse_weights(weights)
    if target is not None:
        change["to"] = target
    if mirror_percent is not None:
        change["mirror_percent"] = mirror_percent
    if bool(change) == reset:
        raise ProxyFailure("give --weights, --to and/or --mirror-percent, or --reset alone")
    result = call_set_route(admin_url, token, route, change, user)
    click.echo(describe(result["route"], result["overridden"], result.get("workers")))


@routes.command("rollback")
@click.option("--upstream", default=None, metavar="NAME",
              help="Only the routes sending a share to NAME (default: every route not wholly on"
                   " the target).")
@click.option("--to", "target", default=None, metavar="UPSTREAM",
              help="Where they go (default: the default route's upstream, e.g. the monolith).")
@click.option("--reset-all", is_flag=True,
              help="Drop every run-time change instead: the routes file applies again.")
@admin_options
def rollback(upstream: str | None, target: str | None, reset_all: bool, admin_url: str,
             token: str | None, user: str | None) -> None:
    """Move routes back in one atomic change of a running proxy (all applied, or none).

    Reads the live routes, then sends one batch (``PATCH /api/routes``) that the proxy refuses if
    the routes changed in between; kept in its state file like ``routes set``.
    """
    from strangler_proxy.admin.client import call, change_routes, rollback_changes

    if reset_all and (upstream or target):
        raise ProxyFailure("give --reset-all alone, or --upstream and/or --to")
    listing = call(admin_url, "GET", "/api/routes", token, user=user)
    changes = rollback_changes(listing, upstream, target, reset_all)
    if not changes:
        click.echo("nothing to roll back: " + (
            "no route has a run-time change" if reset_all else
            f"no route sends traffic to {upstream}" if upstream else
            "every route is already on its target"))
        return
    result = change_routes(admin_url, token, changes, user, listing["reload"]["digest"])
    for entry in result["routes"]:
        click.echo(describe(entry["route"], entry["overridden"], None))
    workers = result.get("workers")
    done = f" (applied by {workers['applied']}/{workers['total']} workers)" if workers else ""
    click.echo(f"rolled back {len(changes)} route(s) in one change at {result['at']}{done}")


@routes.command("breaker")
@click.argument("upstream", required=False)
@click.option("--reset", is_flag=True, help="Close UPSTREAM's breaker now (in every worker).")
@admin_options
def breaker(upstream: str | None, reset: bool, admin_url: str, token: str | None,
            user: str | None) -> None:
    """Show the circuit breaker of each upstream (or of UPSTREAM) in a running proxy; --reset
    closes UPSTREAM's breaker, so its traffic goes to it again at once."""
    from strangler_proxy.admin.client import reset_breaker, upstream_states

    if reset and upstream is None:
        raise ProxyFailure("--reset needs the UPSTREAM whose breaker to close")
    if reset:
        assert upstream is not None
        answer = reset_breaker(admin_url, token, upstream, user)
        click.echo(f"{answer['upstream']}: breaker {answer['breaker']}")
        return
    states = upstream_states(admin_url, token, user)
    if upstream is not None and upstream not in states:
        raise ProxyFailure(f"no upstream named {upstream!r} (upstreams: {', '.join(sorted(states))})")
    for name in [upstream] if upstream is not None else sorted(states):
        click.echo(breaker_line(name, states[name]))


def breaker_line(name: str, state: dict[str, Any]) -> str:
    """One line about an upstream's breaker as ``GET /api/upstreams`` shows it."""
    line = f"{name}: breaker {state['breaker']}, {'healthy' if state['healthy'] else 'unhealthy'}"
    detail = state.get("breaker_detail") or {}
    if detail.get("failures"):
        line += f", {plural(detail['failures'], 'failure')} in a row"
    if detail.get("reopens_in_s") is not None:
        line += f", half-open in {detail['reopens_in_s']:.1f} s"
    workers = state.get("workers")
    if workers:
        line += " (" + ", ".join(f"worker {index}: {entry['breaker']}"
                                 for index, entry in sorted(workers.items())) + ")"
    return line


def start_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options of ``routes promote`` that start a promotion (the ``promotion`` table's keys)."""
    for option in reversed((
        click.option("--steps", default=None, metavar="N,N,...",
                     help="Start an automatic canary: its weights in percent, rising within"
                          " 1..100, ending at 100 (e.g. 1,5,25,50,100)."),
        click.option("--every", default=None, metavar="DURATION",
                     help="Time between decisions: 200ms, 30s, 5m, 1h (default 5m)."),
        click.option("--canary", default=None, metavar="UPSTREAM",
                     help="The canary upstream (default: the second of the route's two)."),
        click.option("--min-samples", type=click.IntRange(min=1), default=None,
                     help="Requests on each side before a judgement (default 50)."),
        click.option("--alpha", type=float, default=None,
                     help="Mann-Whitney significance on latency (default 0.01)."),
        click.option("--max-error-rate-increase", type=float, default=None,
                     help="Canary error rate above the primary's that rolls back (default 0.01)."),
        click.option("--max-latency-ratio", type=float, default=None,
                     help="Median latency canary/primary that rolls back (default 1.2)."),
        click.option("--sync-status-url", default=None, metavar="URL",
                     help="The sync relay's GET /status, read at every decision."),
        click.option("--max-lag", "max_lag_seconds", type=float, default=None, metavar="SECONDS",
                     help="Hold while the relay lags more (needs --sync-status-url)."),
        click.option("--rollback-on-sync-errors", is_flag=True, default=None,
                     help="Roll back when the relay's conflicts or failed changes grow."),
    )):
        command = option(command)
    return command


@routes.command("promote")
@click.argument("route")
@click.option("--step", is_flag=True, help="Raise the canary one step now (or start again at the"
              " first step after a rollback).")
@click.option("--hold", is_flag=True,
              help="Stop promoting: decisions go on, a regression still rolls back.")
@click.option("--rollback", is_flag=True, help="Send the canary nothing now.")
@start_options
@admin_options
def promote(route: str, step: bool, hold: bool, rollback: bool, admin_url: str,
            token: str | None, user: str | None, **policy: Any) -> None:
    """Show ROUTE's automatic canary in a running proxy (its state, weight, next decision and
    last decisions with their reasons), step, hold or roll it back now, or start one with
    --steps/--every on a route without a ``promotion`` table (kept across reloads and restarts)."""
    from strangler_proxy.admin.client import promotion, start_promotion

    actions = [name for name, given in (("step", step), ("hold", hold), ("rollback", rollback))
               if given]
    given = {key: value for key, value in policy.items() if value is not None}
    if len(actions) > 1:
        raise ProxyFailure("give one of --step, --hold, --rollback")
    if actions and given:
        raise UsageError(f"--{actions[0]} commands a running promotion: give it without the"
                         " options that start one (--steps, --every, ...)")
    if given and not {"steps", "every"} & set(given):
        raise UsageError("give --steps and/or --every to start a promotion")
    if given:
        canary = given.pop("canary", None)
        shown = start_promotion(admin_url, token, route, promotion_request(given), canary, user)
    else:
        shown = promotion(admin_url, token, route, actions[0] if actions else None, user)
    for line in promotion_lines(shown):
        click.echo(line)


def promotion_request(given: dict[str, Any]) -> dict[str, Any]:
    """The ``promotion`` object ``routes promote --steps ... --every ...`` sends, checked as the
    proxy checks it; UsageError (one line) when the options are wrong."""
    from strangler_proxy.config.promotion_record import policy_from_json, policy_json
    from strangler_proxy.config.promotion_table import duration_seconds
    from strangler_proxy.errors import RoutesError

    request = dict(given)
    if "steps" in request:
        parts = [part.strip() for part in request["steps"].split(",")]
        if not all(part.isdigit() for part in parts):
            raise UsageError(f"--steps: expected N,N,... (whole percents), got {given['steps']!r}")
        request["steps"] = [int(part) for part in parts]
    if "every" in request:
        seconds = duration_seconds(request["every"])
        if seconds is None or seconds <= 0:
            raise UsageError(f"--every: expected a duration such as 200ms, 30s, 5m, 1h, got"
                             f" {given['every']!r}")
        request["every"] = seconds
    try:
        return policy_json(policy_from_json(request, "--steps/--every", "promotion"))
    except RoutesError as exc:
        message = str(exc).removeprefix("--steps/--every: promotion")
        raise UsageError("promotion" + message.replace(".max_lag_seconds", " --max-lag")) from exc


def promotion_lines(shown: dict[str, Any], last: int = 5) -> list[str]:
    """What ``routes promote`` prints about a promotion as the admin API shows it."""
    steps = ", ".join(str(step) for step in shown["steps"])
    head = f"{shown['route']}: {shown['state']}, canary at {shown['weight']}% (steps {steps})"
    if shown["next_decision_in_s"] is not None:
        head += f", next decision in {shown['next_decision_in_s']:.1f} s"
    window = shown["window"]
    lines = [head, f"  window: {window['canary']} canary and {window['primary']} primary requests"
                   f" ({window['min_samples']} needed on each)"]
    lines += [f"  {d['at']} {d['action']} {d['weight']}% by {d['by']}{_times(d)}: {d['reason']}"
              for d in shown["decisions"][-last:]]
    return lines


def _times(decision: dict[str, Any]) -> str:
    """`` (3 in a row)`` for a hold kept as one entry, else ``""``."""
    times = decision.get("times", 1)
    return f" ({times} in a row, the last shown)" if times > 1 else ""
