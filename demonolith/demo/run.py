"""The whole walkthrough of docs/cutover.md, unattended: what ``demonolith demo`` runs.

analyze -> choose and extract a service (while the monolith's database is seeded) -> copy the
service's data -> start monolith, service and proxy on free 127.0.0.1 ports -> shadow -> canary ->
cut-over (with a forged identity check) -> failover drill (the service is killed mid-load) ->
rollback -> transparency check -> nginx export. Every process started is stopped at the end, also
on Ctrl-C and SIGTERM.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from demonolith.demo.checks import (
    ForgedIdentity,
    canary_check,
    forged_identity_check,
    proxy_supports_identity,
)
from demonolith.demo.control import ProxyControl, ProxyPorts
from demonolith.demo.prepare import Seeding, Subject, Workspace, analyze, choose_subject, prepare_service
from demonolith.demo.processes import (
    Managed,
    Supervisor,
    cleanup_on_exit,
    free_port,
    group_alive,
    run_command,
    wait_ready,
)
from demonolith.demo.report import DemoReport
from demonolith.demo.routefiles import StageRouting, Topology, routes_document, routing
from demonolith.demo.stages import Stage, StageResult, plan_stages, shadow_verdict
from demonolith.demo.traffic import Load, Outcome, RouteMatcher, Traffic, collect_values, probe_paths
from demonolith.demo.transparency import check_transparency, request_set
from extractor.project import shadow_secret_env

Echo = Callable[[str], None]


@dataclass(frozen=True)
class DemoOptions:
    """What to run the walkthrough on and how much traffic to send."""

    source: Path
    workdir: Path
    load: Load = field(default_factory=Load)
    canary_percent: int = 10


@dataclass(frozen=True)
class Running:
    """The started monolith and service, and the environment the proxy needs."""

    monolith: Managed
    monolith_url: str
    service: Managed
    service_url: str
    proxy_env: dict[str, str]
    copy_summary: str  # the last line of the data copy's report


def monolith_env(workspace: Workspace) -> dict[str, str]:
    """The sample monolith's environment: its own SQLite file, debug off."""
    return {**os.environ, "SHOP_DB_PATH": str(workspace.monolith_db), "SHOP_DEBUG": "0"}


def service_env(secret: str) -> dict[str, str]:
    """The extracted service's environment: the identity and shadow secrets it shares with the proxy."""
    return {**os.environ, "DEMONOLITH_IDENTITY_SECRET": secret, "DEMONOLITH_SHADOW_SECRET": secret,
            "DJANGO_DEBUG": "0"}


def prepare(options: DemoOptions, supervisor: Supervisor, echo: Echo) -> tuple[Workspace, Subject]:
    """Analyze, choose and extract the service; the monolith's database is seeded meanwhile."""
    workspace = Workspace(options.workdir)
    echo(f"$ SHOP_DB_PATH={workspace.monolith_db} manage.py migrate && manage.py seed_demo   (background)")
    seeding = Seeding(supervisor, options.source, workspace, monolith_env(workspace))
    echo(f"$ demonolith analyze {options.source} --out {workspace.analysis_dir}")
    analysis = analyze(options.source, workspace)
    echo(f"  report: {workspace.analysis_dir / 'report' / 'index.html'}")
    subject = choose_subject(analysis, workspace)
    for skipped in subject.skipped:
        echo(f"  skipped {skipped}")
    echo(f"$ demonolith extract {subject.service} --analysis {workspace.analysis_dir / 'analysis.json'} "
         f"--out {workspace.services_dir}")
    echo(f"  {subject.service}: {subject.why}")
    for route in subject.routes:
        echo(f"  {route.pattern}: {'stub (needs other services)' if route.stub else 'original code'}")
    seeding.wait()
    return workspace, subject


def start_processes(supervisor: Supervisor, options: DemoOptions, workspace: Workspace,
                    subject: Subject, secret: str) -> Running:
    """Copy the service's data, then start the monolith and the service (runserver, threaded)."""
    copied = [line for line in prepare_service(subject, workspace, service_env(secret)).splitlines()
              if line.strip()]
    monolith_port, service_port = free_port(), free_port()
    monolith = supervisor.start(
        "monolith", [sys.executable, str(options.source / "manage.py"), "runserver", "--noreload",
                     f"127.0.0.1:{monolith_port}"],
        log=workspace.logs / "monolith.log", env=monolith_env(workspace))
    service = supervisor.start(
        subject.service,
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{service_port}"],
        log=workspace.logs / f"{subject.service}.log", env=service_env(secret), cwd=subject.root)
    monolith_url, service_url = f"http://127.0.0.1:{monolith_port}", f"http://127.0.0.1:{service_port}"
    wait_ready(f"{monolith_url}/healthz/", monolith)
    wait_ready(f"{service_url}/healthz/", service)
    env = {**os.environ, "DEMONOLITH_IDENTITY_SECRET": secret,
           shadow_secret_env(subject.service): secret}
    return Running(monolith, monolith_url, service, service_url, env, copied[-1] if copied else "")


def build_stage(supervisor: Supervisor, options: DemoOptions, workspace: Workspace, subject: Subject,
                running: Running) -> tuple[Stage, tuple[str, ...]]:
    """Start the proxy on the shadow routes; the traffic every stage uses; routes without values."""
    topology = Topology(running.monolith_url, subject.service, running.service_url,
                        identity=proxy_supports_identity())
    control = ProxyControl(supervisor, ProxyPorts(free_port(), free_port()), workspace.root / "routes",
                           running.proxy_env, workspace.logs, secrets.token_hex(24))
    control.start(routes_document(topology, subject.routes, routing(subject.routes, "shadow")))
    values = collect_values(running.monolith_url)
    probes, unknown = probe_paths(subject.routes, values)
    traffic = Traffic(control.ports.url, values, probes, RouteMatcher(subject.routes), options.load, "")
    return Stage(subject, topology, control, traffic), unknown


def kill_midway(supervisor: Supervisor, service: Managed, after: int) -> Callable[[list[Outcome]], None]:
    """A ``during`` hook: SIGKILL the service once ``after`` requests were answered."""
    def watch(sink: list[Outcome]) -> None:
        deadline = time.monotonic() + 60
        while len(sink) < after and time.monotonic() < deadline:
            time.sleep(0.02)
        supervisor.kill(service)
    return watch


@dataclass(frozen=True)
class StagesRun:
    """The stages' results and the shadow verdict."""

    results: tuple[StageResult, ...]
    verified: tuple[str, ...]
    held: dict[str, str]
    forged: tuple[ForgedIdentity, ...]


def run_stages(stage: Stage, supervisor: Supervisor, running: Running, options: DemoOptions,
               echo: Echo) -> StagesRun:
    """Shadow, then (for the routes shadow proved) canary, cut-over, failover drill; then rollback."""
    subject = stage.subject
    show = _shower(echo)
    results = [stage.run("shadow", routing(subject.routes, "shadow"), announce=show)]
    verified, held = shadow_verdict(subject, results[0])
    plans = plan_stages(subject.routes, verified)
    forged: list[ForgedIdentity] = []
    if verified:
        results.append(stage.run("canary", plans["canary"], announce=show))
        results.append(stage.run("cutover", plans["cutover"], announce=show))
        firsts = {stage.traffic.matcher.route_of(p): p for p in reversed(stage.traffic.probes)}
        forged += [forged_identity_check(stage.traffic.base_url, firsts[name])
                   for name in verified if name in firsts]
        third = (options.load.requests + options.load.api_reads) // 3
        killer = kill_midway(supervisor, running.service, third)
        echo(f"  the failover drill: {subject.service} (pid {running.service.pid}) is killed mid-load")
        results.append(stage.run("failover", plans["cutover"], during=killer, announce=show))
    results.append(stage.run("rollback", plans["rollback"], announce=show))
    return StagesRun(tuple(results), verified, held, tuple(forged))


def _shower(echo: Echo) -> Callable[[str, tuple[str, ...], StageResult | None], None]:
    def show(name: str, commands: tuple[str, ...], result: StageResult | None) -> None:
        if result is None:
            note = "" if commands else (" the routes file as started" if name == "shadow"
                                        else " routing unchanged")
            echo(f"stage {name}:{note}")
            for command in commands:
                echo(f"  $ {command}")
            return
        echo(f"  {result.requests} requests, {result.errors} errors, {result.diffs} shadow differences, "
             f"{result.to_service} answered by the service")
    return show


def run_demo(options: DemoOptions, echo: Echo) -> DemoReport:
    """Run the walkthrough; every started process is stopped before this returns or raises."""
    supervisor = Supervisor()
    with cleanup_on_exit(supervisor):
        workspace, subject = prepare(options, supervisor, echo)
        running = start_processes(supervisor, options, workspace, subject, secrets.token_hex(32))
        echo(f"monolith {running.monolith_url} (pid {running.monolith.pid}), {subject.service} "
             f"{running.service_url} (pid {running.service.pid}); data copy: {running.copy_summary}")
        stage, unknown = build_stage(supervisor, options, workspace, subject, running)
        proxy_pid = stage.control.process.pid if stage.control.process else 0
        echo(f"proxy {stage.control.ports.url} (pid {proxy_pid}), metrics "
             f"{stage.control.ports.admin_url}/metrics")
        run = run_stages(stage, supervisor, running, options, echo)
        transparency = check_transparency(
            running.monolith_url, stage.traffic.base_url,
            request_set(stage.traffic.probes, stage.traffic.values.product_slugs))
        final = plan_stages(subject.routes, run.verified)["cutover"] if run.verified else None
        nginx = export_nginx(stage, final, workspace)
    canary = next((r for r in run.results if r.name == "canary"), None)
    return DemoReport(
        subject, run.verified, tuple(sorted(run.held.items())), run.results,
        canary_check(canary, run.verified, options.canary_percent) if canary else None, run.forged,
        stage.topology.identity, transparency, nginx, supervisor.pids(),
        tuple(pid for pid in supervisor.pids() if group_alive(pid)), unknown)


def export_nginx(stage: Stage, final: StageRouting | None, workspace: Workspace) -> Path | None:
    """Write the cut-over as a routes file and ``demonolith routes export`` it for nginx."""
    if final is None:
        return None
    routes = workspace.root / "routes" / "final.toml"
    routes.write_text(routes_document(stage.topology, stage.subject.routes, final), encoding="utf-8")
    out = workspace.root / "nginx.conf"
    run_command([sys.executable, "-m", "demonolith", "routes", "export", str(routes), "--format",
                 "nginx", "--out", str(out)], log=workspace.logs / "export.log")
    return out
