"""The corpus of real Django projects: ``python bench/corpus.py fetch`` then ``run``.

``fetch`` downloads every project of ``bench/corpus.toml`` (pinned wheels, ``pip download
--no-deps --only-binary=:all: NAME==VERSION``) into ``~/.cache/demonolith-tests/`` (or
``$DEMONOLITH_TEST_CACHE``), unzips each to ``<distribution>-unpacked/`` (the layout
``tests/analyzer/test_real_code.py``'s ``unpacked()`` uses), checks the Django requirement in the
wheel's METADATA against the table, and writes a ``demonolith.toml`` there excluding what is not
one of the project's packages. It is idempotent: a present wheel or tree is kept. When pip refuses
a wheel (shuup 3.1.0's METADATA has a requirement newer pips reject), the wheel is fetched by the
URL PyPI's JSON API gives and its sha256 checked; one project that cannot be fetched is reported
and the others are still fetched (exit 1 at the end).

``run`` analyses each project with the real CLI (``demonolith analyze``, one subprocess at a
time, cold by default) and prints one row per project; ``--json`` prints the rows as JSON
(sorted keys, projects in table order). A crash of one project is a row, not the end of the run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
import urllib.request
import zipfile
from pathlib import Path

from corpus_measure import Project, Row, measure
from packaging.requirements import InvalidRequirement, Requirement

TABLE = Path(__file__).with_name("corpus.toml")
CACHE = Path(os.environ.get("DEMONOLITH_TEST_CACHE", Path.home() / ".cache" / "demonolith-tests"))


def load_projects(table: Path = TABLE) -> list[Project]:
    """The corpus entries, in table order."""
    data = tomllib.loads(table.read_text(encoding="utf-8"))
    return [Project(p["distribution"], p["version"], tuple(p["packages"]), p["django"], p["why"],
                    bool(p.get("small", False)), bool(p.get("has_settings", True)))
            for p in data["project"]]


def wheel_stem(distribution: str) -> str:
    """The wheel file name prefix of a distribution (``django-oscar`` -> ``django_oscar``)."""
    return distribution.replace("-", "_").replace(".", "_")


def find_wheel(project: Project, cache: Path) -> Path | None:
    """The cached wheel of exactly this version, if any."""
    found = sorted(cache.glob(f"{wheel_stem(project.distribution)}-{project.version}-*.whl"))
    return found[-1] if found else None


def download(project: Project, cache: Path) -> Path:
    """The wheel of the pinned version, downloaded once."""
    wheel = find_wheel(project, cache)
    if wheel is not None:
        return wheel
    cache.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
               "-d", str(cache), f"{project.distribution}=={project.version}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    wheel = find_wheel(project, cache)
    if done.returncode == 0 and wheel is not None:
        return wheel
    try:
        return download_from_json_api(project, cache)
    except (OSError, ValueError, KeyError) as error:
        raise FetchError(f"cannot download {project.distribution}=={project.version}: pip: "
                         f"{done.stderr.strip()[-200:]}; PyPI JSON API: {error}") from error


class FetchError(Exception):
    """One project of the corpus could not be fetched."""


def download_from_json_api(project: Project, cache: Path) -> Path:
    """The pinned version's pure-Python wheel, by the URL PyPI's JSON API lists, sha256 checked."""
    api = f"https://pypi.org/pypi/{project.distribution}/json"
    with urllib.request.urlopen(api, timeout=60) as response:
        files = json.load(response)["releases"][project.version]
    wheels = sorted((f for f in files if f["packagetype"] == "bdist_wheel"
                     and f["filename"].endswith("-none-any.whl")), key=lambda f: f["filename"])
    if not wheels:
        raise ValueError("no pure-Python wheel listed")
    chosen = wheels[-1]
    with urllib.request.urlopen(chosen["url"], timeout=600) as response:
        data = response.read()
    if hashlib.sha256(data).hexdigest() != chosen["digests"]["sha256"]:
        raise ValueError(f"{chosen['filename']}: sha256 does not match PyPI's")
    target = cache / chosen["filename"]
    target.write_bytes(data)
    return target


def project_root(project: Project, cache: Path = CACHE) -> Path:
    """Where the project's wheel is unpacked."""
    return cache / f"{project.distribution}-unpacked"


def unpack(project: Project, wheel: Path, cache: Path) -> Path:
    """Unzip the wheel to ``<distribution>-unpacked/`` unless that tree is this version already."""
    root = project_root(project, cache)
    marker = root / f"{wheel_stem(project.distribution)}-{project.version}.dist-info"
    if not (marker.is_dir() and all((root / p).is_dir() for p in project.packages)):
        if root.exists():
            shutil.rmtree(root)
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(root)
    write_excludes(project, root)
    return root


def write_excludes(project: Project, root: Path) -> None:
    """A ``demonolith.toml`` excluding every top-level entry that is not one of the packages."""
    others = sorted(p.name for p in root.iterdir()
                    if p.name not in project.packages and p.name != "demonolith.toml")
    patterns = [pattern for name in others for pattern in (name, f"{name}/*")]
    text = "[tool.demonolith]\nexclude = [{}]\n".format(", ".join(json.dumps(p) for p in patterns))
    target = root / "demonolith.toml"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def declared_django(wheel: Path) -> list[str]:
    """The ``Requires-Dist: Django...`` lines (without extras-only ones) of the wheel's METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(name).decode("utf-8", errors="replace").splitlines()
    values = [line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("requires-dist:")]
    return [v for v in values if _name(v) == "django" and "extra ==" not in v]


def _name(requirement: str) -> str:
    """The lower-case distribution name of a requirement line (``""`` when it does not parse)."""
    try:
        return Requirement(requirement).name.lower()
    except InvalidRequirement:  # shuup 3.1.0 ships "toml (<1pytz>=2015.4,>=0.10.0)"
        return ""


def fetch(projects: list[Project], cache: Path = CACHE) -> list[str]:
    """Download, unpack and check every project (idempotent); the failures, one line each."""
    failures = []
    for project in projects:
        try:
            root = fetch_one(project, cache)
        except (FetchError, OSError, zipfile.BadZipFile) as error:
            failures.append(f"{project.distribution}=={project.version}: {error}")
            continue
        print(f"{project.distribution}=={project.version}: {root}")
    return failures


def fetch_one(project: Project, cache: Path) -> Path:
    """Download, unpack and check one project; where it is unpacked."""
    wheel = download(project, cache)
    root = unpack(project, wheel, cache)
    declared = declared_django(wheel)
    if not any(d.split(";")[0].strip() == project.django for d in declared):
        raise FetchError(f"METADATA declares {declared}, corpus.toml says {project.django!r}")
    return root


def run(projects: list[Project], cache: Path, warm: bool, jobs: int) -> list[Row]:
    """Analyse the projects one after the other; each row is printed to stderr as it lands."""
    rows = []
    for project in projects:
        root = unpack(project, download(project, cache), cache)
        facts_cache = cache / f"corpus-facts-{project.distribution}" if warm else None
        row = measure(project, root, cache / "corpus-out" / project.distribution, facts_cache, jobs)
        print(f"  {project.distribution}: {row.seconds:.1f} s {row.crash}", file=sys.stderr, flush=True)
        rows.append(row)
    return rows


def format_table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    header = ("| project | files | lines | s (cpu) | read | warnings | models ours/indep | "
              "in tests/migr | routes | unresolved | <= 2 % | unreachable | SQL ok/not | settings | engine "
              "| Django found/declared | bad tables | crash |")
    lines = [header, "|" + "---|" * header.count(" | ") + "---|"]
    for r in rows:
        warnings = ", ".join(f"{k} {v}" for k, v in r.warnings.items()) or "0"
        share = f"{100 * r.routes_unresolved / r.routes:.1f}%" if r.routes else "-"
        bar = "yes" if r.routes_unresolved <= 0.02 * r.routes else "**no**"
        django = f"{r.django_found or '?'} / `{r.django_declared}`" + ("" if r.django_matches else " ✗")
        lines.append(
            f"| {r.project} {r.version} | {r.py_files} | {r.lines} | {r.seconds:.1f} ({r.cpu_seconds:.1f}) "
            f"| {r.files_read}/{r.py_files} | {warnings} | {r.models}/{r.models_independent} "
            f"| {len(r.models_in_tests_or_migrations)} | {r.routes} | {r.routes_unresolved} ({share}) "
            f"| {bar} | {r.routes_unreachable} "
            f"| {r.sql_parsed}/{r.sql_unparsed} | {r.settings_module or '-'} | {r.database_engine or '-'} "
            f"| {django} | {len(r.bad_tables)} | {r.crash or '-'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``fetch`` or ``run [--json] [--only DIST...] [--warm] [-j N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["fetch", "run"])
    parser.add_argument("--only", nargs="*", default=[], help="distributions to take (default: all)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--warm", action="store_true", help="keep a facts cache between runs")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="analyzer worker processes")
    args = parser.parse_args(argv)
    projects = [p for p in load_projects() if not args.only or p.distribution in args.only]
    if args.mode == "fetch":
        failures = fetch(projects)
        for failure in failures:
            print(failure, file=sys.stderr)
        return 1 if failures else 0
    rows = run(projects, CACHE, args.warm, args.jobs)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=1, sort_keys=True))
    else:
        print(format_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
