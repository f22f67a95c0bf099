"""Extract every proposed service of real projects and count how many pass their self-check.

For each project: ``demonolith analyze`` (once), then ``demonolith extract SERVICE --python VENV
--skip-unresolved-routes`` (routes that cannot move exactly are counted per service) for every
proposed service (or the first ``--max`` of them), one at a time. A service passes when
``extract`` exits 0: its self-check (``check``, ``makemigrations --check``, a fresh ``migrate``, its
tests, a live server smoke) passed in the project's own environment. Prints one row per service:
pass/fail, the one-line cause, and the extract time (wall and the children's CPU); then, per
project, the failures grouped by cause class (the failing step and the exception named).

    python bench/extract_corpus.py --work /tmp/extract-load --project django-oscar \
        --project pretalx [--project misago] [--max N] [--database sqlite|postgresql] [--pip] \
        [--service NAME ...] [--keep-analysis]

Without ``--project``: django-oscar, pretalx, pretix, misago (PostgreSQL only: misago's own system
check ``misago.001`` refuses any other database, so it is left out of a SQLite run) and the sample.
pretix is the third project on both engines (its wheel's own dependencies install on 3.11; 18
services, each extracted in 5-10 minutes of wall time on a loaded machine: the slowest default).
Tried as a third project and left out: kiwitcms 12.4 installs but does not run on Python 3.11 (its
pinned django-modern-rpc 0.12.1 imports ``inspect.getargspec``); django-cms 5.1.3 is a library
whose only settings are its test project's (``cms.tests.settings`` needs test-only packages) and
whose code imports ``packaging`` without declaring it.

Projects: any distribution of ``bench/corpus.toml`` (its pinned wheel, fetched and unpacked by
``bench/corpus.py``'s helpers into ``$DEMONOLITH_TEST_CACHE``; its venv ``WORK/venvs/<dist>`` with
``pip install DIST==VERSION``, i.e. the monolith's own dependencies), and ``sample_monolith`` (this
repository's, run with this interpreter).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import corpus
from pg_server import postgres_server

ROOT = Path(__file__).resolve().parents[1]
TOOL = [ROOT]  # the checkout whose demonolith runs (--tool-root), the cwd of `python -m demonolith`
SAMPLE = "sample_monolith"
POSTGRESQL_ONLY = ["misago"]  # corpus projects that refuse SQLite themselves


@dataclass(frozen=True)
class Project:
    """A monolith to extract from: its source tree and the Python of its environment."""

    name: str
    source: Path
    python: str


def corpus_project(name: str, work: Path) -> Project:
    """A corpus project: its unpacked wheel and WORK/venvs/<dist> holding ``pip install DIST==VER``."""
    entry = next((p for p in corpus.load_projects() if p.distribution == name), None)
    if entry is None:
        raise SystemExit(f"{name} is not a project of bench/corpus.toml")
    source = corpus.unpack(entry, corpus.download(entry, corpus.CACHE), corpus.CACHE)
    folder = work / "venvs" / name
    python = folder / "bin" / "python"
    if not (folder / "DONE").is_file():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True)
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", f"{name}=={entry.version}"],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"cannot install {name}=={entry.version}: {done.stderr.strip()[-300:]}")
        (folder / "DONE").write_text(entry.version, encoding="utf-8")
    return Project(f"{name} {entry.version}", source, str(python))


def sample() -> Project:
    """The sample monolith, run with this interpreter (Django installed)."""
    return Project(SAMPLE, ROOT / SAMPLE, sys.executable)


def one_line(text: str) -> str:
    """The error line of a failed extract (the CLI prints one line)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error")]
    return (errors or lines or ["no output"])[-1].split("does not load: ", 1)[-1][:240]


def cause_class(cause: str) -> str:
    """The class of a failure: the self-check step that failed and the exception it names."""
    steps = r"check|makemigrations --check|migrate|tests|server [\w ]+|manage\.py self_check"
    step = re.match(rf"exit \d+: ({steps}):", cause)
    error = re.search(r"\b([A-Z]\w*(?:Error|Exception|NotReady|NotFound))\b", cause)
    exit_code = cause.split(":", 1)[0]
    found = error.group(1) if error else cause.rsplit(": ", 1)[0].split(": ", 1)[-1][:60]
    return " / ".join(part for part in (exit_code, step.group(1) if step else "", found) if part)


def children_cpu() -> float:
    """CPU seconds (user + system) used so far by finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def analyze(demonolith: str, project: Project, out: Path) -> list[str]:
    """The proposed service names of ``project``."""
    subprocess.run([demonolith, "-m", "demonolith", "analyze", str(project.source), "--out", str(out),
                    "--no-history"], check=True, capture_output=True, cwd=TOOL[0])
    return listed(out / "analysis.json")


def listed(analysis: Path) -> list[str]:
    """The proposed service names of an analysis.json."""
    return sorted(s["name"] for s in json.loads(analysis.read_text())["services"])


def extract(demonolith: str, project: Project, analysis: Path, service: str,
            out: Path) -> tuple[str, float, float, int]:
    """(cause or "", wall seconds, CPU seconds, routes left in the monolith) of one ``demonolith
    extract --skip-unresolved-routes`` (a route that cannot move exactly is listed, not written)."""
    cpu, start = children_cpu(), time.monotonic()
    command = [demonolith, "-m", "demonolith", "extract", service, "--analysis", str(analysis),
               "--out", str(out), "--python", project.python, "--skip-unresolved-routes"]
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    proc = subprocess.run(command, capture_output=True, text=True, cwd=TOOL[0], env=env, check=False)
    cause = "" if proc.returncode == 0 else f"exit {proc.returncode}: {one_line(proc.stderr + proc.stdout)}"
    left = proc.stderr.count("route left in the monolith:")
    return cause, time.monotonic() - start, children_cpu() - cpu, left


def resolves(project: Project, requirements: Path) -> str:
    """"resolves" when ``pip install --dry-run -r requirements.txt`` succeeds in the monolith's venv."""
    if not requirements.is_file():
        return "no requirements.txt"
    proc = subprocess.run([project.python, "-m", "pip", "install", "--dry-run", "-q", "-r",
                           str(requirements)], capture_output=True, text=True, check=False, timeout=600)
    return "resolves" if proc.returncode == 0 else f"does not resolve: {one_line(proc.stderr)[:120]}"


def run_project(args: argparse.Namespace, project: Project) -> tuple[int, int]:
    """Extract the project's services, print a row each and the cause classes; (passed, extracted)."""
    out = args.work / "runs" / project.name.split()[0]
    analysis = out / "analysis" / "analysis.json"
    services = (listed(analysis) if args.keep_analysis and analysis.is_file()
                else analyze(args.demonolith, project, out / "analysis"))
    unknown = sorted(set(args.service or []) - set(services))
    if unknown:
        raise SystemExit(f"{project.name} proposes no service {', '.join(unknown)}")
    chosen = list(dict.fromkeys(args.service)) if args.service else services  # in the order given
    picked = chosen[: args.max] if args.max else chosen
    causes: Counter[str] = Counter()
    print(f"## {project.name}: {len(services)} services proposed, {len(picked)} extracted", flush=True)
    for service in picked:
        cause, wall, cpu, left = extract(args.demonolith, project, analysis, service, out / "services")
        if cause:
            causes[cause_class(cause)] += 1
        pip = resolves(project, out / "services" / service / "requirements.txt") if args.pip else ""
        routes = f"{left} route(s) left in the monolith  " if left else ""
        print(f"{service:28} {'pass' if not cause else 'FAIL'} {wall:6.1f}s wall {cpu:6.1f}s cpu  "
              f"{pip + '  ' if pip else ''}{routes}{cause}", flush=True)
    passed = len(picked) - sum(causes.values())
    print(f"{project.name}: {passed} of {len(picked)} pass as generated")
    for name, count in sorted(causes.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {count:3} {name}")
    print(flush=True)
    return passed, len(picked)


def main() -> None:
    """Parse the options, run every chosen project, print the total."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/extract-load"))
    parser.add_argument("--max", type=int, default=0, help="at most N services per project (0: all)")
    parser.add_argument("--demonolith", default=sys.executable, help="the Python that runs demonolith")
    parser.add_argument("--project", action="append", help="a corpus distribution or sample_monolith")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite",
                        help="the engine of the self-check's fresh database (postgresql: a throw-away "
                             "server, SELF_CHECK_DATABASE_URL, psycopg installed into each venv)")
    parser.add_argument("--service", action="append",
                        help="extract only this service (repeatable, in the order given)")
    parser.add_argument("--keep-analysis", action="store_true",
                        help="reuse WORK/runs/<project>/analysis/analysis.json when it exists")
    parser.add_argument("--pip", action="store_true", help="also pip install --dry-run each requirements.txt")
    parser.add_argument("--tool-root", type=Path, default=ROOT,
                        help="checkout of demonolith to run (before/after)")
    args = parser.parse_args()
    TOOL[0] = args.tool_root
    args.work.mkdir(parents=True, exist_ok=True)
    only_postgresql = POSTGRESQL_ONLY if args.database == "postgresql" else []
    names = args.project or ["django-oscar", "pretalx", "pretix", *only_postgresql, SAMPLE]
    projects = [sample() if name == SAMPLE else corpus_project(name, args.work) for name in names]
    total = [0, 0]
    with postgres_server() if args.database == "postgresql" else nullcontext("") as server:
        if server:
            os.environ["SELF_CHECK_DATABASE_URL"] = server
            for project in projects:
                subprocess.run([project.python, "-m", "pip", "install", "-q", "psycopg[binary]"], check=True)
        for project in projects:
            passed, extracted = run_project(args, project)
            total = [total[0] + passed, total[1] + extracted]
    print(f"all on {args.database}: {total[0]} of {total[1]} pass as generated "
          f"({os.getloadavg()[0]:.1f} load average)")


if __name__ == "__main__":
    main()
