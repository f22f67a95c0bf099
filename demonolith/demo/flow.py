"""The stages after the start, with writes and live sync: what ``demonolith demo`` drives.

shadow (the tills' POSTs mirrored with ``shadow_writes``; the service's tables are digested before
and after, with the relay not yet started) -> the relay starts, both directions -> canary (the
proxy promotes by itself, gated on the relay's lag and parity) -> cut-over -> failover (the
service killed mid-load, then started again) -> regression (a canary on a slowed service, rolled
back by the proxy) -> rollback (every route on the monolith; the relay caught up, the tills'
rows and ``demonolith parity`` checked on the monolith) -> cut-over again (both sides checked).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from demonolith.demo.cutover import PromotionRun, PromotionWatch, Throttle, kill_after
from demonolith.demo.livesync import Parity, Relay, percentile, run_parity, tables_digest
from demonolith.demo.processes import Managed
from demonolith.demo.routefiles import Promotion, StageRouting, routing
from demonolith.demo.scrape import increase, parse_metrics, total
from demonolith.demo.stages import Stage, StageResult
from demonolith.demo.traffic import Load, Outcome
from demonolith.demo.writes import RowCheck, lost_and_duplicated, till_rows

Echo = Callable[[str], None]
Show = Callable[[str, tuple[str, ...], "StageResult | None"], None]


@dataclass(frozen=True)
class SyncSides:
    """The two databases, the synced tables, and where the relay's output goes."""

    monolith: Path
    service: str  # a SQLite path or a postgresql:// URL
    tables: tuple[str, ...]
    logs: Path


@dataclass(frozen=True)
class ShadowWrites:
    """The shadowed POSTs: how many, the service's tables' digest before and after, the comparisons."""

    posts: int
    before: str
    after: str
    compared: tuple[tuple[str, int], ...]  # match / diff / error / unconfirmed -> count

    def count(self, kind: str) -> int:
        """The comparisons of ``kind``."""
        return dict(self.compared).get(kind, 0)


@dataclass(frozen=True)
class WriteFigures:
    """What the write checks found."""

    tables: tuple[str, ...]
    shadow: ShadowWrites
    relay_command: str
    promotion: tuple[PromotionRun, ...]
    regression: tuple[PromotionRun, ...]
    rows_after_rollback: RowCheck | None
    parity_after_rollback: Parity | None
    rows_final: tuple[RowCheck, ...]
    parity_final: Parity | None
    lag_p99: float
    lag_max: float
    lag_samples: int
    conflicts: int
    failed_changes: int
    writes_sent: int  # every send of the tills, a resend after a 502 included


class CutOver:
    """Runs the stages on one proxy, one relay, and a service that may be killed and restarted."""

    def __init__(self, stage: Stage, sides: SyncSides, service: Managed,
                 restart: Callable[[], Managed], echo: Echo, show: Show) -> None:
        self.stage, self.sides, self.service, self.restart = stage, sides, service, restart
        self.echo, self.show = echo, show
        self.results: list[StageResult] = []
        self.relay: Relay | None = None

    def run(self, name: str, placement: StageRouting, during: Callable[[list[Outcome]], None] | None = None,
            load: Load | None = None, stop: threading.Event | None = None) -> StageResult:
        """One stage (see :meth:`Stage.run`), kept in ``results``."""
        result = self.stage.run(name, placement, during=during, announce=self.show, load=load, stop=stop)
        self.results.append(result)
        return result

    def shadow_writes(self, writes: int) -> ShadowWrites:
        """``writes`` POSTs of the tills only, mirrored with ``shadow_writes`` before the relay runs:
        the service's tables digested before and after, the proxy's write comparisons counted."""
        before = tables_digest(self.sides.service, self.sides.tables)
        counted = parse_metrics(self.stage.control.metrics_text())
        load = replace(self.stage.traffic.load, requests=0, api_reads=0, writes=writes)
        result = self.run("shadow-writes", routing(self.stage.subject.routes, "shadow"), load=load)
        grown = increase(counted, parse_metrics(self.stage.control.metrics_text()))
        after = tables_digest(self.sides.service, self.sides.tables)
        compared = tuple((kind, int(total(grown, "proxy_shadow_writes_total", result=kind)))
                         for kind in ("match", "diff", "error", "unconfirmed"))
        self.echo(f"  the service's tables ({', '.join(self.sides.tables)}): digest {before} before, "
                  f"{after} after {self._posts(result)} shadowed POSTs; compared: "
                  + ", ".join(f"{count} {kind}" for kind, count in compared))
        return ShadowWrites(self._posts(result), before, after, compared)

    def start_relay(self) -> Relay:
        """``demonolith sync run --direction both``: from now on each side's writes reach the other."""
        self.relay = Relay(self.stage.control.supervisor, self.sides.monolith, self.sides.service,
                           self.sides.tables, self.sides.logs / "sync.log")
        self.echo(f"$ {self.relay.command}   (background; status {self.relay.status_url})")
        caught = self.relay.caught_up(60)
        self.relay.start_sampling()
        self.echo(f"  caught up: {caught.get('applied')} changes applied, lag {caught.get('lag_seconds')} s")
        return self.relay

    def canary(self, verified: tuple[str, ...], first: int) -> tuple[PromotionRun, ...]:
        """The proxy promotes the verified routes by itself, until each completes or rolls back."""
        assert self.relay is not None
        spec = Promotion((first, 50, 100), "2s", self.relay.status_url)
        placement = replace(routing(self.stage.subject.routes, "promoted", only=verified, others="shadow",
                                    canary_percent=first), promotion=spec)
        return self._promoted("canary", placement, verified, None)

    def regression(self, verified: tuple[str, ...]) -> tuple[PromotionRun, ...]:
        """A canary at 50 % on a slowed service: the proxy must roll it back by itself."""
        placement = self.weights(verified, 50)
        throttle = Throttle(self.service)
        try:
            return self._promoted("regression", placement, verified, throttle.start)
        finally:
            throttle.end()

    def _promoted(self, name: str, placement: StageRouting, verified: tuple[str, ...],
                  on_running: Callable[[], None] | None) -> tuple[PromotionRun, ...]:
        stop = threading.Event()
        watch = PromotionWatch(self.stage.control, verified, stop, on_running)
        load = self.stage.traffic.load
        big = replace(load, requests=load.requests * 50, api_reads=load.api_reads * 50,
                      writes=load.writes * 50)  # the stage ends when the promotion does
        self.run(name, placement, during=watch, load=big, stop=stop)
        for result in watch.results:
            self.echo(f"  promotion of {result.route}: {result.state} at {result.weight} %")
            for decision in result.decisions:
                self.echo(f"    {decision.line()}")
        return watch.results

    def failover(self, verified: tuple[str, ...], after: int) -> None:
        """All on the service; it is killed after ``after`` answers, then started again."""
        self.echo(f"  the failover drill: {self.stage.subject.service} (pid {self.service.pid}) "
                  "is killed mid-load")
        killer = kill_after(self.stage.control.supervisor, lambda: self.service, after)
        self.run("failover", self.weights(verified, 100), during=killer)
        self.service = self.restart()
        self.echo(f"  {self.stage.subject.service} started again (pid {self.service.pid})")

    def weights(self, verified: tuple[str, ...], percent: int) -> StageRouting:
        """The verified routes at ``percent`` % on the service (``routes set --weights``), others shadowed."""
        return replace(routing(self.stage.subject.routes, "canary", only=verified, others="shadow",
                               canary_percent=percent), mirrored=False)

    def checked(self, label: str, sides: tuple[str, ...]) -> tuple[tuple[RowCheck, ...], Parity]:
        """Once the relay caught up: the tills' rows on ``sides`` against the ledger, and parity."""
        assert self.relay is not None
        self.relay.caught_up(60)
        accepted, uncertain = self.stage.traffic.ledger.snapshot()
        paths: dict[str, str | Path] = {"monolith": self.sides.monolith, "service": self.sides.service}
        checks = tuple(lost_and_duplicated(side, accepted, uncertain, till_rows(paths[side]))
                       for side in sides)
        parity = run_parity(self.sides.monolith, self.sides.service, self.sides.tables,
                            self.sides.logs / "parity.log")
        for check in checks:
            self.echo(f"  {label}: {check.accepted} accepted writes on the {check.side}: "
                      f"{len(check.lost)} lost, "
                      f"{len(check.duplicated)} duplicated, {len(check.changed)} with other figures")
        self.echo(f"  $ demonolith parity {self.sides.monolith} {self.sides.service} --table ... "
                  f"(exit {parity.exit_code})")
        self.echo("\n".join(f"    {line}" for line in parity.output.splitlines()))
        return checks, parity

    def _posts(self, result: StageResult) -> int:
        return sum(o.method == "POST" and o.route != "" for o in result.outcomes)

    def figures(self, shadow: ShadowWrites, promotion: tuple[PromotionRun, ...],
                regression: tuple[PromotionRun, ...],
                after_rollback: tuple[tuple[RowCheck, ...], Parity] | None,
                final: tuple[tuple[RowCheck, ...], Parity] | None) -> WriteFigures:
        """Everything measured, once the stages ran (the relay's lag sampling ends here)."""
        relay = self.relay
        lags = list(relay.lags) if relay else []
        status = relay.status() if relay else {}
        if relay:
            relay.stop_sampling()
        return WriteFigures(
            self.sides.tables, shadow, relay.command if relay else "", promotion, regression,
            after_rollback[0][0] if after_rollback else None, after_rollback[1] if after_rollback else None,
            final[0] if final else (), final[1] if final else None,
            percentile(lags, 0.99), max(lags, default=0.0), len(lags), int(str(status.get("conflicts", 0))),
            int(str(status.get("failed", 0))), self.stage.traffic.ledger.sent)
