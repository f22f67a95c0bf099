"""Prepare the walkthrough: analyze the monolith, choose and extract a service, seed and copy data.

The service is derived from the analysis' migration plan, never hard-coded: the first plan step
whose extracted service can answer at least one read route with its own code. A step whose routes
are all stubs (their code needs other services' APIs, so the service answers 501) is a poor demo
subject; it is skipped and the reason is reported.
"""

from __future__ import annotations

import re
import sys
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

from analyzer.model.analysis import Analysis, PlanStep, RouteInfo
from demonolith.demo.errors import DemoFailure
from demonolith.demo.processes import Supervisor, run_command
from extractor.extract import ExtractResult, extract_service, load_analysis

READ_METHODS = frozenset({"GET", "HEAD"})
_CONVERTER = re.compile(r"<(?:[A-Za-z_]\w*:)?([A-Za-z_]\w*)>")


@dataclass(frozen=True)
class MovedRoute:
    """One route of the plan step as the proxy sees it (an entry of the generated routes.toml)."""

    name: str  # route name in routes.toml
    pattern: str  # the Django pattern of the analysis, e.g. "/api/catalog/products/<slug:slug>/"
    match_key: str  # "path" | "path_pattern" | "path_prefix"
    match_value: str  # e.g. "/api/catalog/products/{slug}/"
    stub: bool  # the service answers 501 here until it calls other services


@dataclass(frozen=True)
class Subject:
    """The service the demo cuts over, where it was generated, and why it was chosen."""

    service: str
    step: int
    why: str
    skipped: tuple[str, ...]  # one sentence per earlier plan step that was passed over
    root: Path  # the extracted Django project
    routes: tuple[MovedRoute, ...]

    @property
    def carried(self) -> tuple[MovedRoute, ...]:
        """Routes the service answers with the monolith's own code (candidates to move)."""
        return tuple(route for route in self.routes if not route.stub)


@dataclass(frozen=True)
class Workspace:
    """Where the demo writes: analysis, services, databases, routes files and logs."""

    root: Path

    @property
    def analysis_dir(self) -> Path:
        """``demonolith analyze --out`` target."""
        return self.root / "analysis"

    @property
    def services_dir(self) -> Path:
        """``demonolith extract --out`` target."""
        return self.root / "services"

    @property
    def monolith_db(self) -> Path:
        """The sample monolith's SQLite file (SHOP_DB_PATH)."""
        return self.root / "shop.sqlite3"

    @property
    def logs(self) -> Path:
        """One log file per process and command."""
        return self.root / "logs"


def proxy_form(pattern: str) -> str:
    """A Django route pattern in the proxy's ``path_pattern`` syntax (``<slug:slug>`` -> ``{slug}``)."""
    return _CONVERTER.sub(r"{\1}", pattern)


def analyze(source: Path, workspace: Workspace) -> Analysis:
    """Run ``demonolith analyze`` on ``source`` (as a user would) and load its analysis.json."""
    run_command([sys.executable, "-m", "demonolith", "analyze", str(source), "--out",
                 str(workspace.analysis_dir)], log=workspace.logs / "analyze.log")
    return load_analysis(workspace.analysis_dir / "analysis.json")


def choose_subject(analysis: Analysis, workspace: Workspace) -> Subject:
    """Extract plan steps in order until one has a read route the service answers itself."""
    skipped: list[str] = []
    for step in sorted(analysis.plan, key=lambda s: s.order):
        reads = [p for p in step.routes if _is_read_route(analysis, p)]
        if not reads:
            skipped.append(f"{step.service} (step {step.order}): no read (GET) routes to shadow")
            continue
        result = extract_service(analysis, step.service, workspace.services_dir)
        routes = moved_routes(result, step)
        if any(not route.stub and route.pattern in reads for route in routes):
            why = (f"step {step.order} of the migration plan"
                   + (" (the first step with a read route the service answers itself)" if skipped else ""))
            return Subject(step.service, step.order, why, tuple(skipped), result.root, routes)
        stubs = ", ".join(r.pattern for r in routes if r.stub)
        skipped.append(f"{step.service} (step {step.order}): every read route is a stub that needs "
                       f"other services' APIs ({stubs}), so the service cannot answer them yet")
    raise DemoFailure("no step of the migration plan has a read route the extracted service can "
                      "answer itself: " + "; ".join(skipped))


def _is_read_route(analysis: Analysis, pattern: str) -> bool:
    info: RouteInfo | None = next((r for r in analysis.routes if r.pattern == pattern), None)
    return info is None or not info.methods or bool(READ_METHODS & set(info.methods))


def moved_routes(result: ExtractResult, step: PlanStep) -> tuple[MovedRoute, ...]:
    """The generated routes.toml entries of ``step``, each tied to its Django pattern."""
    stubs = {entry.split(" (", 1)[0] for entry in result.stubs}
    try:
        entries = tomllib.loads((result.root / "routes.toml").read_text(encoding="utf-8"))["routes"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise DemoFailure(f"{result.root / 'routes.toml'}: cannot read the generated routes: {exc}") from exc
    by_form = {proxy_form(pattern): pattern for pattern in step.routes}
    moved: list[MovedRoute] = []
    for entry in entries:
        key = next((k for k in ("path", "path_pattern", "path_prefix") if k in entry), None)
        pattern = by_form.get(entry.get(key, "")) if key else None
        if key is None or pattern is None:
            continue
        moved.append(MovedRoute(str(entry["name"]), pattern, key, str(entry[key]), pattern in stubs))
    return tuple(moved)


class Seeding:
    """``manage.py migrate`` + ``seed_demo`` into the workspace's SQLite file, in the background.

    The two commands are supervised processes (stopped with everything else on Ctrl-C); a thread
    runs them one after the other while the analysis and the extraction go on.
    """

    def __init__(self, supervisor: Supervisor, source: Path, workspace: Workspace,
                 env: dict[str, str]) -> None:
        manage = str(source / "manage.py")
        self.commands = ([sys.executable, manage, "migrate", "--no-input", "-v0"],
                         [sys.executable, manage, "seed_demo"])
        self.supervisor, self.env, self.log = supervisor, env, workspace.logs / "monolith-setup.log"
        self.failure: str | None = None
        self.thread = threading.Thread(target=self._run, name="demo-seed", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        for argv in self.commands:
            managed = self.supervisor.start("seed", argv, log=self.log, env=self.env)
            if managed.popen.wait() != 0:
                self.failure = f"{' '.join(argv[1:])} failed ({self.log}):\n{managed.log_tail()}"
                return

    def wait(self, timeout: float = 300.0) -> None:
        """Wait until the database is seeded; DemoFailure when a command failed."""
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise DemoFailure(f"seeding the monolith took more than {timeout:.0f}s ({self.log})")
        if self.failure is not None:
            raise DemoFailure(self.failure)


def prepare_service(subject: Subject, workspace: Workspace, env: dict[str, str]) -> str:
    """``migrate`` the service and copy its tables from the monolith; returns the copy's report."""
    log = workspace.logs / f"{subject.service}-setup.log"
    manage = str(subject.root / "manage.py")
    run_command([sys.executable, manage, "migrate", "--no-input", "-v0"], log=log, env=env,
                cwd=subject.root)
    return run_command([sys.executable, manage, "copy_from_monolith", str(workspace.monolith_db)],
                       log=log, env=env, cwd=subject.root)
