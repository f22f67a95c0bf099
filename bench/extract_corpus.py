"""Extract every proposed service of real projects and count how many pass their self-check.

For each project: ``demonolith analyze`` (once), then ``demonolith extract SERVICE --python VENV``
for every proposed service (or the first ``--max`` of them), one at a time. A service passes when
``extract`` exits 0: its self-check (``check``, ``makemigrations --check``, a fresh ``migrate``, its
tests, a live server smoke) passed in the project's own environment. Prints one row per service:
pass/fail, the one-line cause, and the extract time (wall and the children's CPU).

    python bench/extract_corpus.py --work /tmp/extract-load [--max N] [--demonolith PY]

Projects: django-oscar (the wheel from PyPI, unpacked; its venv ``WORK/venv`` with
``pip install django-oscar``) and the sample monolith of this repository (this venv).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOL = [ROOT]  # the checkout whose demonolith runs (--tool-root), the cwd of `python -m demonolith`


@dataclass(frozen=True)
class Project:
    """A monolith to extract from: its source tree and the Python of its environment."""

    name: str
    source: Path
    python: str


def oscar(work: Path) -> Project:
    """django-oscar from its wheel (downloaded into WORK) and WORK/venv (oscar's deps installed)."""
    target = work / "django-oscar-unpacked"
    if not (target / "oscar").is_dir():
        wheels = sorted(work.glob("django_oscar-*.whl"))
        if not wheels:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                            "-d", str(work), "django-oscar"], check=True)
            wheels = sorted(work.glob("django_oscar-*.whl"))
        with zipfile.ZipFile(wheels[-1]) as archive:
            archive.extractall(target)
    python = work / "venv" / "bin" / "python"
    if not python.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "django-oscar"], check=True)
    return Project("django-oscar", target, str(python))


def sample() -> Project:
    """The sample monolith, run with this interpreter (Django installed)."""
    return Project("sample_monolith", ROOT / "sample_monolith", sys.executable)


def one_line(text: str) -> str:
    """The error line of a failed extract (the CLI prints one line)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error")]
    return (errors or lines or ["no output"])[-1].split("does not load: ", 1)[-1][:240]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def analyze(demonolith: str, project: Project, out: Path) -> list[str]:
    """The proposed service names of ``project``."""
    subprocess.run([demonolith, "-m", "demonolith", "analyze", str(project.source), "--out", str(out),
                    "--no-history"], check=True, capture_output=True, cwd=TOOL[0])
    return sorted(s["name"] for s in json.loads((out / "analysis.json").read_text())["services"])


def extract(demonolith: str, project: Project, analysis: Path, service: str,
            out: Path) -> tuple[str, float, float]:
    """(cause or "", wall seconds, CPU seconds) of one ``demonolith extract``."""
    cpu, start = children_cpu(), time.monotonic()
    command = [demonolith, "-m", "demonolith", "extract", service, "--analysis", str(analysis),
               "--out", str(out)]
    usage = subprocess.run([demonolith, "-m", "demonolith", "extract", "--help"], capture_output=True,
                           text=True, cwd=TOOL[0]).stdout
    if "--python" in usage:
        command += ["--python", project.python]
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    proc = subprocess.run(command, capture_output=True, text=True, cwd=TOOL[0], env=env, check=False)
    cause = "" if proc.returncode == 0 else f"exit {proc.returncode}: {one_line(proc.stderr + proc.stdout)}"
    return cause, time.monotonic() - start, children_cpu() - cpu


def resolves(project: Project, requirements: Path) -> str:
    """"resolves" when ``pip install --dry-run -r requirements.txt`` succeeds in the monolith's venv."""
    if not requirements.is_file():
        return "no requirements.txt"
    proc = subprocess.run([project.python, "-m", "pip", "install", "--dry-run", "-q", "-r",
                           str(requirements)], capture_output=True, text=True, check=False, timeout=600)
    return "resolves" if proc.returncode == 0 else f"does not resolve: {one_line(proc.stderr)[:120]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/extract-load"))
    parser.add_argument("--max", type=int, default=0, help="at most N services per project (0: all)")
    parser.add_argument("--demonolith", default=sys.executable, help="the Python that runs demonolith")
    parser.add_argument("--project", action="append", choices=["django-oscar", "sample_monolith"])
    parser.add_argument("--pip", action="store_true", help="also pip install --dry-run each requirements.txt")
    parser.add_argument("--tool-root", type=Path, default=ROOT,
                        help="checkout of demonolith to run (before/after)")
    args = parser.parse_args()
    TOOL[0] = args.tool_root
    args.work.mkdir(parents=True, exist_ok=True)
    chosen = args.project or ["django-oscar", "sample_monolith"]
    projects = [p for p in (oscar(args.work) if "django-oscar" in chosen else None,
                            sample() if "sample_monolith" in chosen else None) if p]
    for project in projects:
        out = args.work / "runs" / project.name
        services = analyze(args.demonolith, project, out / "analysis")
        picked = services[: args.max] if args.max else services
        passed = 0
        print(f"## {project.name}: {len(services)} services proposed, {len(picked)} extracted")
        for service in picked:
            cause, wall, cpu = extract(args.demonolith, project, out / "analysis" / "analysis.json", service,
                                       out / "services")
            passed += not cause
            pip = resolves(project, out / "services" / service / "requirements.txt") if args.pip else ""
            print(f"{service:28} {'pass' if not cause else 'FAIL'} {wall:6.1f}s wall {cpu:6.1f}s cpu  "
                  f"{pip + '  ' if pip else ''}{cause}", flush=True)
        print(f"{project.name}: {passed} of {len(picked)} pass as generated\n", flush=True)


if __name__ == "__main__":
    main()
