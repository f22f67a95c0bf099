"""End to end: what ``demonolith demo`` does, on the real sample monolith, asserted stage by stage.

One run of the walkthrough (module fixture, real processes on free 127.0.0.1 ports: monolith,
service, proxy, relay) feeds the tests of each stage. Two short runs plant faults: a deliberately
broken service (shadow traffic finds the difference), and the relay left off while the service
takes writes (the rollback loses them, and the row and parity checks say so).
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from analyzer.model.analysis import analysis_from_json
from demonolith.demo.flow import WriteFigures
from demonolith.demo.livesync import run_parity
from demonolith.demo.prepare import Subject, Workspace
from demonolith.demo.processes import Supervisor, cleanup_on_exit, group_alive, pid_alive
from demonolith.demo.report import DemoReport, render
from demonolith.demo.routefiles import routing
from demonolith.demo.run import SERVICE_DB, DemoOptions, build_stage, run_demo, start_processes
from demonolith.demo.stages import StageResult, unexpected_differences
from demonolith.demo.traffic import Load
from demonolith.demo.verdict import failed_checks
from demonolith.demo.writes import Ledger, lost_and_duplicated, till_rows

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_monolith"
LOAD = Load(requests=150, api_reads=200, writes=150)
SHADOW_WRITES = 1000

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> DemoReport:
    lines: list[str] = []
    options = DemoOptions(SAMPLE, tmp_path_factory.mktemp("demo"), LOAD, shadow_writes=SHADOW_WRITES)
    result = run_demo(options, lines.append)
    print("\n".join(lines + render(result)))  # shown by pytest when a test fails
    return result


def _moved(report: DemoReport) -> set[str]:
    return set(report.verified)


def test_the_service_comes_from_the_migration_plan(report: DemoReport) -> None:
    analysis_file = report.subject.root.parents[1] / "analysis" / "analysis.json"
    plan = analysis_from_json(analysis_file.read_text(encoding="utf-8"), str(analysis_file)).plan
    earlier = [step.service for step in sorted(plan, key=lambda s: s.order)
               if step.order < report.subject.step]
    assert report.subject.service == next(s.service for s in plan if s.order == report.subject.step)
    assert [reason.split(" ", 1)[0] for reason in report.subject.skipped] == earlier
    assert report.subject.carried, "the chosen service answers at least one route itself"


def test_shadow_proves_routes_and_compares_every_read_route(report: DemoReport) -> None:
    shadow = report.stage("shadow")
    assert report.verified, "shadow proved no route of the service"
    compared = {r.name: r for r in shadow.routes}
    for name in report.verified:
        assert compared[name].matches >= 5 and compared[name].diffs == 0
    assert shadow.to_service == 0 and shadow.errors == 0  # the monolith answered everything


def test_shadow_finds_no_unexpected_differences_on_read_routes(report: DemoReport) -> None:
    assert unexpected_differences(report.subject, report.stage("shadow")) == {}


def _writes(report: DemoReport) -> WriteFigures:
    assert report.writes is not None
    return report.writes


def test_shadowed_posts_leave_the_services_tables_unchanged(report: DemoReport) -> None:
    shadow = _writes(report).shadow
    assert shadow.posts == SHADOW_WRITES
    assert shadow.count("match") == SHADOW_WRITES, shadow.compared  # each answered rolled-back, compared
    assert shadow.before == shadow.after
    assert report.stage("shadow-writes").to_service == 0


def test_the_proxy_promotes_the_canary_by_itself(report: DemoReport) -> None:
    runs = _writes(report).promotion
    assert {run.route for run in runs} == _moved(report)
    for run in runs:
        assert (run.state, run.weight) == ("complete", 100), run
        assert [d.weight for d in run.decisions if d.action == "promote"] == [50, 100], run.decisions
    canary = report.stage("canary")
    assert canary.commands[0].startswith("edit ") and len(canary.commands) == 1  # no weight set by hand
    assert 0 < canary.to_service < canary.moved_requests and canary.errors == 0


def test_a_planted_regression_is_rolled_back_by_the_proxy_with_its_reason(report: DemoReport) -> None:
    for run in _writes(report).regression:
        assert (run.state, run.weight) == ("rolled_back", 0), run
        assert "latency" in run.rollback_reason or "error rate" in run.rollback_reason, run.decisions
    assert "rolled_back at 0 %, reason: canary" in "\n".join(render(report))


def _writes_served_by_service(report: DemoReport, stages: set[str]) -> int:
    service = report.subject.service
    return sum(o.method == "POST" and o.status == 200 and s.upstream_of(o.request_id) == service
               for s in report.stages if s.name in stages for o in s.outcomes)


def test_a_rollback_after_the_service_took_writes_loses_no_row(report: DemoReport) -> None:
    writes = _writes(report)
    assert _writes_served_by_service(report, {"canary", "cutover", "failover", "regression"}) >= 100
    check = writes.rows_after_rollback
    assert check is not None and check.side == "monolith" and check.accepted > SHADOW_WRITES
    assert check.ok, (check.lost[:5], check.duplicated[:5], check.changed[:5])
    assert writes.parity_after_rollback is not None and writes.parity_after_rollback.exit_code == 0
    assert "parity holds on 1 of 1 table(s)" in writes.parity_after_rollback.output


def test_no_accepted_write_is_lost_or_doubled_on_either_side_at_the_end(report: DemoReport) -> None:
    writes = _writes(report)
    assert [c.side for c in writes.rows_final] == ["monolith", "service"]
    assert writes.rows_after_rollback is not None
    assert all(c.ok and c.accepted > writes.rows_after_rollback.accepted for c in writes.rows_final), \
        writes.rows_final
    assert writes.parity_final is not None and writes.parity_final.ok
    tills = [o for s in report.stages for o in s.outcomes if o.actor.startswith("till-")]
    assert len(tills) > SHADOW_WRITES and all(o.status == 200 for o in tills)  # after a till's retries


def test_sync_lag_p99_is_under_a_second(report: DemoReport) -> None:
    writes = _writes(report)
    assert writes.lag_samples >= 50
    assert writes.lag_p99 < 1.0, writes.lag_p99


def _served(stage: StageResult, routes: set[str]) -> list[tuple[str, int]]:
    return [(stage.upstream_of(o.request_id), o.status) for o in stage.outcomes if o.route in routes]


def test_cutover_serves_every_moved_route_from_the_service(report: DemoReport) -> None:
    served = _served(report.stage("cutover"), _moved(report))
    assert len(served) >= 100
    assert {upstream for upstream, _ in served} == {report.subject.service}
    assert all(status < 500 for _, status in served)


def test_killing_the_service_mid_load_leaves_no_request_unanswered(report: DemoReport) -> None:
    failover = report.stage("failover")
    assert failover.unanswered == 0 and failover.errors == 0
    upstreams = [upstream for upstream, _ in _served(failover, _moved(report))]
    assert report.subject.service in upstreams, "the service answered before it was killed"
    assert "monolith" in upstreams and failover.fallbacks > 0, "the fallback answered after the kill"
    # a till resends a write only when the service died under it, never in any other stage
    assert [s.name for s in report.stages if s.retried] in ([], ["failover"])


def test_rollback_restores_the_monolith_for_all_routes(report: DemoReport) -> None:
    rollback = report.stage("rollback")
    assert rollback.errors == 0
    assert {rollback.upstream_of(o.request_id) for o in rollback.outcomes} == {"monolith"}
    assert {o.route for o in rollback.outcomes} >= _moved(report)


def test_logged_in_routes_work_at_every_stage(report: DemoReport) -> None:
    for stage in report.stages:
        assert stage.auth_lost == 0, stage.name
        if stage.name == "shadow-writes":  # the tills only
            continue
        statuses = {(o.method, o.path.split("?")[0]): o.status for o in stage.outcomes if o.logged_in}
        assert statuses.get(("GET", "/orders/history/")) == 200, stage.name
        assert statuses.get(("GET", "/api/orders/")) == 200, stage.name
    checkouts = [o.status for s in report.stages for o in s.outcomes if o.path == "/api/orders/checkout/"]
    assert checkouts and set(checkouts) <= {201, 400}, checkouts  # 400: e.g. out of stock
    assert 201 in checkouts


def test_a_forged_identity_header_never_reaches_the_service(report: DemoReport) -> None:
    assert report.identity_forwarding, "the proxy has no identity forwarding (issue 9 item 6)"
    assert report.forged
    assert all(forged.refused_or_stripped for forged in report.forged), report.forged


def test_the_proxy_is_transparent_with_every_route_on_the_monolith(report: DemoReport) -> None:
    assert report.transparency is not None
    assert report.transparency.requests >= 20
    assert report.transparency.transparent, report.transparency.different


def test_the_final_routes_export_to_nginx(report: DemoReport) -> None:
    assert report.nginx_conf is not None
    text = report.nginx_conf.read_text(encoding="utf-8")
    assert f"upstream dm_{report.subject.service} " in text
    for route in report.subject.routes:
        assert route.name in text  # every route of the service, moved or still shadowed
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        checked = subprocess.run([nginx, "-t", "-q", "-p", str(report.nginx_conf.parent), "-c",
                                  str(report.nginx_conf)], capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0, checked.stderr


def test_every_process_is_gone_and_every_check_held(report: DemoReport) -> None:
    assert len(report.pids) >= 5  # seeding (2), monolith, service, proxy
    assert report.pids_left == ()
    assert not [pid for pid in report.pids if pid_alive(pid) or group_alive(pid)]
    assert failed_checks(report) == []


def _fresh_copy(report: DemoReport, tmp_path: Path) -> tuple[Workspace, Subject]:
    """The fixture's seeded monolith and extracted service, copied, the service's data to copy again."""
    original = Workspace(report.subject.root.parents[1])
    workspace = Workspace(tmp_path)
    shutil.copytree(original.analysis_dir, workspace.analysis_dir)
    for name in ("shop.sqlite3", "shop.sqlite3-wal", "shop.sqlite3-shm"):
        if (original.root / name).exists():
            shutil.copy(original.root / name, workspace.root / name)
    shutil.copytree(report.subject.root, workspace.services_dir / report.subject.service)
    subject = replace(report.subject, root=workspace.services_dir / report.subject.service)
    for stale in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", ".datacopy-state.json"):
        (subject.root / stale).unlink(missing_ok=True)
    return workspace, subject


# -- a deliberately broken service -------------------------------------------------------------


def plant_difference(subject: Subject, analysis_file: Path, route: str) -> None:
    """Edit the generated view of ``route`` so that its JSON answer carries one more field."""
    pattern = next(r.pattern for r in subject.routes if r.name == route)
    analysis = analysis_from_json(analysis_file.read_text(encoding="utf-8"), str(analysis_file))
    view = next(r.view for r in analysis.routes if r.pattern == pattern)
    module, _, function = view.rpartition(".")
    source = subject.root / (module.replace(".", "/") + ".py")
    source.write_text(source.read_text(encoding="utf-8") + textwrap.dedent(f"""

        # planted by tests/demonolith/test_demo_e2e.py: a changed answer
        import json as _planted_json

        _planted_original = {function}


        def {function}(request, *args, **kwargs):
            response = _planted_original(request, *args, **kwargs)
            data = _planted_json.loads(response.content)
            data["planted"] = "a value the monolith never sends"
            response.content = _planted_json.dumps(data).encode()
            return response
        """), encoding="utf-8")


def test_shadow_finds_a_planted_difference(report: DemoReport, tmp_path: Path) -> None:
    workspace, subject = _fresh_copy(report, tmp_path)
    broken = report.verified[-1]
    plant_difference(subject, workspace.analysis_dir / "analysis.json", broken)
    options = DemoOptions(SAMPLE, tmp_path, Load(requests=60, api_reads=0, writes=60))
    supervisor = Supervisor()
    with cleanup_on_exit(supervisor):
        running = start_processes(supervisor, options, workspace, subject, "planted-secret-0123456789")
        stage, _ = build_stage(supervisor, options, workspace, subject, running)
        shadow = stage.run("shadow", routing(subject.routes, "shadow"))
    unexpected = unexpected_differences(subject, shadow)
    assert unexpected.get(broken, 0) > 0, unexpected
    assert not any(name in unexpected for name in report.verified if name != broken)
    assert not [pid for pid in supervisor.pids() if group_alive(pid)]


# -- the relay left off -------------------------------------------------------------------------


def test_without_the_relay_a_rollback_loses_the_services_writes_and_the_checks_fail(
        report: DemoReport, tmp_path: Path) -> None:
    workspace, subject = _fresh_copy(report, tmp_path)
    options = DemoOptions(SAMPLE, tmp_path, Load(requests=0, api_reads=0, writes=60))
    supervisor = Supervisor()
    with cleanup_on_exit(supervisor):
        running = start_processes(supervisor, options, workspace, subject, "planted-secret-0123456789")
        stage, _ = build_stage(supervisor, options, workspace, subject, running)
        stage = replace(stage, traffic=replace(stage.traffic, ledger=Ledger(start=20_000)))  # new days
        service_run = stage.run("cutover", routing(subject.routes, "service", only=report.verified,
                                                   others="shadow"))
        stage.run("rollback", routing(subject.routes, "monolith"))  # no `demonolith sync run`
    assert sum(o.status == 200 for o in service_run.outcomes) == 60
    accepted, uncertain = stage.traffic.ledger.snapshot()
    check = lost_and_duplicated("monolith", accepted, uncertain, till_rows(workspace.monolith_db))
    parity = run_parity(workspace.monolith_db, subject.root / SERVICE_DB, running.tables,
                        tmp_path / "parity.log")
    assert len(check.lost) == 60 and not check.ok
    assert parity.exit_code == 15, parity.output  # ParityDrift
    planted = replace(report, writes=replace(_writes(report), rows_after_rollback=check,
                                             parity_after_rollback=parity))
    failures = failed_checks(planted)
    assert "monolith: 60 accepted writes lost, 0 duplicated, 0 changed" in "; ".join(failures), failures
    assert "demonolith parity after the rollback exited 15" in failures
