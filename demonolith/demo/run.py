"""The whole walkthrough of docs/cutover.md, unattended: what ``demonolith demo`` runs.

analyze -> choose and extract a service (while the monolith's database is seeded) -> capture on
the monolith's copy of the service's tables -> copy the service's data -> start monolith, service
and proxy on free 127.0.0.1 ports -> shadow with writes -> the relay, both directions -> canary
promoted by the proxy -> cut-over (with a forged identity check) -> failover drill (the service is
killed mid-load and started again) -> a planted regression the proxy rolls back -> rollback ->
transparency check -> cut-over again -> nginx export (:mod:`demonolith.demo.flow`). Every process
started is stopped at the end, also on Ctrl-C and SIGTERM.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from demonolith.demo.checks import (
    ForgedIdentity,
    forged_identity_check,
    proxy_supports_identity,
)
from demonolith.demo.control import ProxyControl, ProxyPorts
from demonolith.demo.cutover import PromotionRun
from demonolith.demo.flow import CutOver, ShadowWrites, SyncSides, WriteFigures
from demonolith.demo.livesync import install_capture, real_tables
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
from demonolith.demo.traffic import Load, RouteMatcher, Traffic, collect_values, probe_paths
from demonolith.demo.transparency import TransparencyResult, check_transparency, request_set
from extractor.copied_tables import service_tables
from extractor.extract import load_analysis
from extractor.project import shadow_secret_env

SERVICE_DB = "db.sqlite3"  # the generated service's SQLite file, next to its manage.py

Echo = Callable[[str], None]


@dataclass(frozen=True)
class DemoOptions:
    """What to run the walkthrough on and how much traffic to send."""

    source: Path
    workdir: Path
    load: Load = field(default_factory=Load)
    canary_percent: int = 10  # the promotion's first step
    shadow_writes: int = 1000  # the tills' POSTs in the shadow stage
    service_database: str | None = None  # a postgresql:// URL for the service (default: its SQLite file)


@dataclass(frozen=True)
class Running:
    """The started monolith and service, and the environment the proxy needs."""

    monolith: Managed
    monolith_url: str
    service: Managed
    service_url: str
    proxy_env: dict[str, str]
    copy_summary: str  # the last line of the data copy's report
    tables: tuple[str, ...] = ()  # the service's tables, captured on both sides
    capture: tuple[str, ...] = ()  # what `demonolith sync install` said on each side
    secret: str = ""
    service_db: str = ""  # the service's database: its SQLite file or a postgresql:// URL
    service_env: dict[str, str] = field(default_factory=dict)


def monolith_env(workspace: Workspace) -> dict[str, str]:
    """The sample monolith's environment: its own SQLite file, debug off."""
    return {**os.environ, "SHOP_DB_PATH": str(workspace.monolith_db), "SHOP_DEBUG": "0"}


def service_env(secret: str, database_url: str | None = None) -> dict[str, str]:
    """The extracted service's environment: the identity and shadow secrets it shares with the proxy,
    and its database when it is not the SQLite file next to manage.py."""
    env = {**os.environ, "DEMONOLITH_IDENTITY_SECRET": secret, "DEMONOLITH_SHADOW_SECRET": secret,
           "DJANGO_DEBUG": "0"}
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


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
    """Capture on the monolith, copy the service's data, capture on the service, then start the
    monolith and the service (runserver, threaded)."""
    analysis = load_analysis(workspace.analysis_dir / "analysis.json")
    tables = real_tables(workspace.monolith_db, service_tables(analysis, subject.service))
    sync_log = workspace.logs / "sync-install.log"
    capture = [f"monolith: {install_capture(workspace.monolith_db, tables, sync_log)}"]
    env = service_env(secret, options.service_database)
    service_db = options.service_database or str(subject.root / SERVICE_DB)
    copied = [line for line in prepare_service(subject, workspace, env).splitlines() if line.strip()]
    capture.append(f"service: {install_capture(service_db, tables, sync_log)}")
    monolith_port, service_port = free_port(), free_port()
    monolith = supervisor.start(
        "monolith", [sys.executable, str(options.source / "manage.py"), "runserver", "--noreload",
                     f"127.0.0.1:{monolith_port}"],
        log=workspace.logs / "monolith.log", env=monolith_env(workspace))
    service = start_service(supervisor, subject, workspace, env, service_port)
    monolith_url, service_url = f"http://127.0.0.1:{monolith_port}", f"http://127.0.0.1:{service_port}"
    wait_ready(f"{monolith_url}/healthz/", monolith)
    proxy_env = {**os.environ, "DEMONOLITH_IDENTITY_SECRET": secret,
                 shadow_secret_env(subject.service): secret}
    return Running(monolith, monolith_url, service, service_url, proxy_env, copied[-1] if copied else "",
                   tables, tuple(capture), secret, service_db, env)


def start_service(supervisor: Supervisor, subject: Subject, workspace: Workspace, env: dict[str, str],
                  port: int) -> Managed:
    """Start the extracted service (runserver, threaded) on ``port`` and wait until it answers."""
    service = supervisor.start(
        subject.service, [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        log=workspace.logs / f"{subject.service}.log", env=env, cwd=subject.root)
    wait_ready(f"http://127.0.0.1:{port}/healthz/", service)
    return service


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


@dataclass(frozen=True)
class StagesRun:
    """The stages' results, the shadow verdict and what the write checks found."""

    results: tuple[StageResult, ...]
    verified: tuple[str, ...]
    held: dict[str, str]
    forged: tuple[ForgedIdentity, ...]
    transparency: TransparencyResult | None
    writes: WriteFigures


def run_stages(stage: Stage, supervisor: Supervisor, running: Running, options: DemoOptions,
               workspace: Workspace, echo: Echo) -> StagesRun:
    """Shadow with writes; then, for the routes shadow proved, the canary the proxy promotes,
    cut-over, failover, the planted regression, rollback and cut-over again."""
    subject = stage.subject
    port = int(running.service_url.rsplit(":", 1)[1])
    sides = SyncSides(workspace.monolith_db, running.service_db, running.tables, workspace.logs)
    flow = CutOver(stage, sides, running.service,
                   lambda: start_service(supervisor, subject, workspace, running.service_env, port),
                   echo, _shower(echo))
    shadow, verified, held = _shadow_stages(flow, options)
    promotion, regression, forged = _moving_stages(flow, verified, options) if verified else ((), (), ())
    back = flow.weights(verified, 0) if verified else plan_stages(subject.routes, ())["rollback"]
    flow.run("rollback", back)
    after_rollback = flow.checked("after the rollback", ("monolith",))
    transparency = check_transparency(running.monolith_url, stage.traffic.base_url,
                                      request_set(stage.traffic.probes, stage.traffic.values.product_slugs))
    final = None
    if verified:
        flow.run("recut", flow.weights(verified, 100))
        final = flow.checked("after cutting over again", ("monolith", "service"))
    writes = flow.figures(shadow, promotion, regression, after_rollback, final)
    return StagesRun(tuple(flow.results), verified, held, forged, transparency, writes)


def _shadow_stages(flow: CutOver, options: DemoOptions
                   ) -> tuple[ShadowWrites, tuple[str, ...], dict[str, str]]:
    """The shadowed writes (before the relay runs), the relay, then shadowed reads: what is proven."""
    shadow = flow.shadow_writes(options.shadow_writes)
    flow.start_relay()
    subject = flow.stage.subject
    reads = flow.run("shadow", routing(subject.routes, "shadow"), load=replace(options.load, writes=0))
    verified, held = shadow_verdict(subject, reads)
    if shadow.count("match") != shadow.posts:
        held.update({name: "UNEXPECTED: shadowed writes differed" for name in verified})
        verified = ()
    return shadow, verified, held


def _moving_stages(flow: CutOver, verified: tuple[str, ...], options: DemoOptions
                   ) -> tuple[tuple[PromotionRun, ...], tuple[PromotionRun, ...], tuple[ForgedIdentity, ...]]:
    """Canary (promoted by the proxy), cut-over (and the forged identity check), failover, regression."""
    promotion = flow.canary(verified, options.canary_percent)
    flow.run("cutover", flow.weights(verified, 100))
    traffic = flow.stage.traffic
    firsts = {traffic.matcher.route_of(p): p for p in reversed(traffic.probes)}
    forged = tuple(forged_identity_check(traffic.base_url, firsts[name])
                   for name in verified if name in firsts)
    flow.failover(verified, (options.load.requests + options.load.api_reads) // 3)
    return promotion, flow.regression(verified), forged


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
        for line in running.capture:
            echo(f"  $ demonolith sync install ... {line}")
        stage, unknown = build_stage(supervisor, options, workspace, subject, running)
        proxy_pid = stage.control.process.pid if stage.control.process else 0
        echo(f"proxy {stage.control.ports.url} (pid {proxy_pid}), metrics "
             f"{stage.control.ports.admin_url}/metrics")
        run = run_stages(stage, supervisor, running, options, workspace, echo)
        final = plan_stages(subject.routes, run.verified)["cutover"] if run.verified else None
        nginx = export_nginx(stage, final, workspace)
    return DemoReport(
        subject, run.verified, tuple(sorted(run.held.items())), run.results, run.forged,
        stage.topology.identity, run.transparency, nginx, supervisor.pids(),
        tuple(pid for pid in supervisor.pids() if group_alive(pid)), unknown, run.writes)


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
