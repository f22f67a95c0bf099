"""``extract``: Analysis + one service name -> a runnable Django service under ``OUT/SERVICE/``.

The steps read as the pipeline: validate the name, carry the code (closure + codemods), build the
template context, render, derive what Django itself must produce (initial migrations and the
OpenAPI document, by running the fresh project in a scratch directory), render the client, and
write everything through the manifest so user edits survive.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import AnalysisFileError, ExtractError, RoutesLeftInMonolith
from analyzer.model.analysis import Analysis, Service, analysis_from_json
from extractor import csrf_settings, project
from extractor.boundary import moved_routes, refused_routes, reserved_routes, staying_routes
from extractor.carry import CarriedCode, carry
from extractor.copied_tables import foreign_join_tables, planned_tables
from extractor.db_objects import database_objects
from extractor.distribution import MonolithDistribution, read_distribution
from extractor.failure_hints import explained, removed_relations
from extractor.manifest import WriteReport, write_files
from extractor.middleware import request_attributes
from extractor.monolith_apps import literal_list, registry_context
from extractor.naming import check_service_name, find_service, inside
from extractor.package_init import app_config_class
from extractor.pysource import SourceTree
from extractor.render import render_client, render_project
from extractor.requirements import import_map, requirements_for
from extractor.self_check import SelfCheck, run_self_check, smoke_route
from extractor.settings_copy import (
    dotted_paths,
    monolith_values,
    resolve_settings,
    session_cookie_name,
    settings_extra,
    settings_read,
)

DERIVE_TIMEOUT = 180


@dataclass(frozen=True)
class ExtractResult:
    """What ``extract`` did: where, which files, which views are stubs, and warnings."""

    service: str
    root: Path
    report: WriteReport
    stubs: tuple[str, ...]
    warnings: tuple[str, ...]
    skipped_routes: tuple[str, ...] = ()
    check: SelfCheck | None = None  # None when skipped


def load_analysis(path: Path) -> Analysis:
    """Read an analysis.json file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AnalysisFileError(f"{path}: cannot read: {exc.strerror}") from exc
    return analysis_from_json(text, str(path))


def extract_service(analysis: Analysis, name: str, out: Path, *, force: bool = False,
                    source: Path | None = None, skip_unresolved_routes: bool = False,
                    python: str | None = None, self_check: bool = True) -> ExtractResult:
    """Generate ``out/name/`` for the service ``name`` of ``analysis``, then run its self-check
    (with ``python``, the monolith environment's interpreter; default: this one) on the files on disk.

    A planned route that cannot be moved exactly (``<?>`` or an unknown part in it, a catch-all, a
    regex the proxy cannot match) is never written: the service is generated and checked without
    it, then ``RoutesLeftInMonolith`` lists it, unless ``skip_unresolved_routes``: then it is only
    listed in the result.
    """
    check_service_name(name)
    service = find_service(analysis, name)
    refused = refused_routes(analysis, service)
    source_root = Path(source or analysis.source_root)
    if not source_root.is_dir():
        raise ExtractError(f"monolith source {source_root} not found; pass --source PATH")
    target = inside(out, name)
    distribution = read_distribution(source_root)
    installed = distribution.packages if distribution.installable else frozenset()
    carried, settings = carry_with_settings(analysis, service, SourceTree(source_root.resolve()), installed,
                                            python)
    csrf = resolve_settings(python, source_root.resolve(), analysis.settings_module, csrf_settings.READ)
    context = build_context(analysis, service, carried, source_root)
    context.update(registry(analysis, carried, source_root, installed, python, context["framework_apps"]))
    context = {**context, "settings_extra": settings, "csrf_settings": csrf_settings.csrf_lines(csrf),
               "requirements": requirements_for(carried.files, distribution,
                                                local_packages(carried, source_root), import_map(python),
                                                analysis.database_engine, analysis.django_version),
               "monolith_distribution": _described(distribution)}
    files = {**{k: v.encode() for k, v in carried.files.items()}, **render_project(context)}
    if any(root.carried for root in carried.views.values()):  # only views render templates
        files.update(copied_templates(source_root, carried))
    derived, failure = derive(files, [a["label"] for a in context["apps"]], python)
    files.update(derived)
    openapi = json.loads(derived.get("openapi.json", b"{}"))
    files[f"client/{name}_client.py"] = render_client(context, openapi)
    target.mkdir(parents=True, exist_ok=True)
    report = write_files(target, files, force=force)
    checked = run_self_check(target, python) if self_check else None
    removed = removed_relations(analysis, service, {(label, rel.field) for label, rel in carried.kept_links})
    found = failures_in_order(failure, checked)
    causes = tuple(explained(cause, removed) for cause in found)
    if causes:
        raise ExtractError(f"{target} written, but the generated project does not load: {causes[0]}"
                           + (f" (and {len(causes) - 1} more; run `manage.py self_check` there)"
                              if len(causes) > 1 else ""))
    if refused and not skip_unresolved_routes:
        raise RoutesLeftInMonolith(
            f"{target} written{' and self-checked' if checked else ''} without {len(refused)} planned "
            f"route(s) that cannot be moved exactly; they stay in the monolith (fix them there, or pass "
            "--skip-unresolved-routes to accept):\n  " + "\n  ".join(refused))
    stubs = tuple(f"{e['pattern']} ({e['view']})" for e in context["routes"] if not e["carried"])
    unknown = tuple(f"requirements.txt: no distribution found for import {u}; add it by hand"
                    for u in context["requirements"].unknown)
    missing = (carried.missing + unknown + context["db_objects"].missing
               + tuple(csrf_settings.csrf_warnings(csrf))
               + tuple(sorted(foreign_join_tables(analysis, service, bool(carried.kept_links)).values())))
    return ExtractResult(name, target, report, stubs, missing, skipped_routes=refused, check=checked)


def failures_in_order(derive_failure: str, checked: SelfCheck | None) -> tuple[str, ...]:
    """The failures of an extract, the derive step's first: the self-check's steps then fail on
    what it did not write (a makemigrations that failed leaves a migration pointing at none)."""
    return ((derive_failure,) if derive_failure else ()) + (checked.failures if checked else ())


def registry(analysis: Analysis, carried: CarriedCode, source_root: Path, installed: frozenset[str],
             python: str | None, framework: list[str]) -> dict[str, Any]:
    """The app registry of a service importing the installed monolith (``monolith_apps``) and the
    monolith's resolved settings its code may read; nothing for a monolith that is not installed."""
    tree = SourceTree(source_root.resolve())
    resolved = resolve_settings(python, tree.root, analysis.settings_module, ["*"]) if installed else {}
    found = registry_context(analysis, carried, tree, installed, resolved, framework)
    labels = [m.label for m in analysis.models]
    # after the copied statements, and over them: the monolith's settings module may change a value
    # after assigning it (pretalx fills LANGUAGES_INFORMATION in a loop), the resolved one is what runs
    values = monolith_values(resolved, "", labels) if found["code_apps"] else ""
    return {**found, "monolith_values": values}


def _described(distribution: MonolithDistribution) -> str:
    if not distribution.installable:
        return ""
    return f"{distribution.name} {distribution.version}".strip()


def carry_with_settings(analysis: Analysis, service: Service, tree: SourceTree,
                        installed: frozenset[str] = frozenset(), python: str | None = None) -> tuple[
    CarriedCode, str
]:
    """The carried code and the settings it reads; code a setting names by dotted path comes too.
    Settings computed with modules the service does not carry take the monolith's resolved values."""
    middleware = resolve_settings(python, tree.root, analysis.settings_module, ["MIDDLEWARE"])
    attributes = request_attributes(tree, literal_list(middleware.get("MIDDLEWARE")))
    carried = carry(analysis, service, tree, installed=installed, request_attributes=attributes)
    resolved = resolve_settings(python, tree.root, analysis.settings_module, settings_read(carried.files))
    settings = settings_extra(carried.files, tree, analysis.settings_module, carried.installed, resolved)
    extra = dotted_paths(settings, tree)
    if extra:
        carried = carry(analysis, service, tree, extra, installed, attributes)
        settings = settings_extra(carried.files, tree, analysis.settings_module, carried.installed, resolved)
    return carried, settings


def build_context(analysis: Analysis, service: Service, carried: CarriedCode,
                  source_root: Path) -> dict[str, Any]:
    """Everything the templates read."""
    tree = SourceTree(source_root.resolve())
    routes = moved_routes(analysis, service)
    entries = project.route_entries(routes, carried)
    return {
        "service": service.name, "project_name": analysis.project_name,
        "source_root": str(source_root), "settings_module": analysis.settings_module,
        "django_version": analysis.django_version,
        "apps": [{**app, "base": app_config_class(tree, app["package"], app["label"])
                  if carried.installed else None,
                  "installed": app["package"].split(".")[0] in carried.installed}
                 for app in project.apps_of(carried)],
        "model_labels": framework_labels(analysis, service) + [m.label for m in carried.models],
        "framework_apps": framework_apps(analysis, service, carried),
        "tables": sorted(m.db_table for m in carried.models),
        "planned_tables": planned_tables(analysis, service, bool(carried.kept_links)),
        "db_objects": database_objects(dict(carried.files), source_root,
                                       sorted({project.app_package(m.module) for m in carried.models})),
        "routes": entries, "route_groups": project.route_groups(entries),
        "smoke_route": smoke_route(entries),
        "view_modules": sorted({e["view"].rsplit(".", 1)[0] for e in entries if e["carried"]}),
        "stubs": [{"name": e["stub_name"], "qualname": e["view"], "pattern": e["pattern"],
                   "crossings": e["crossings"]} for e in entries if not e["carried"]],
        "moved_routes": project.moved_route_docs(entries, routes),
        "reserved_routes": [{"pattern": r.pattern, "view": r.view}
                            for r in reserved_routes(analysis, service)],
        "model_endpoints": project.model_entries(analysis, service, carried),
        "function_endpoints": project.function_entries(analysis, service, carried),
        "sagas": project.saga_entries(analysis, service),
        "relations": project.relation_notes(analysis, service, carried),
        "relation_stubs": [str(s) for s in carried.relation_stubs],
        "kept_links": [{"model": label, "field": r.field, "target": r.target, "owner": r.owner,
                        "declared": r.declared} for label, r in carried.kept_links],
        "meta_dropped": list(carried.meta_dropped),
        "hidden_functions": list(carried.hidden_functions),
        "replicas": list(carried.replicas),
        "model_notes": sorted(str(c) for cs in carried.model_crossings.values() for c in cs),
        "proxy_routes": project.proxy_routes(service.name, routes, carried),
        "session_cookie": session_cookie_name(SourceTree(source_root.resolve()),
                                              analysis.settings_module),
        "monolith_guards": project.monolith_guards(routes, staying_routes(analysis, service)),
        "local_upstreams": [("monolith", "http://127.0.0.1:8000"), (service.name, "http://127.0.0.1:8100")],
        "docker_upstreams": [("monolith", "http://monolith:8000"), (service.name, f"http://{service.name}:8000")],
        "k8s_name": service.name.replace("_", "-"), "class_prefix": project.camel(service.name),
        "shadow_secret_env": project.shadow_secret_env(service.name),
        "monolith_build_context": str(source_root),
        "monolith_dockerfile": (source_root / "Dockerfile").is_file(),
    }


def local_packages(carried: CarriedCode, source_root: Path) -> set[str]:
    """Top-level names that are the monolith's own code (copied or not): never a distribution."""
    names = {path.split("/")[0].removesuffix(".py") for path in carried.files}
    names.update(p.name.removesuffix(".py") for p in source_root.iterdir()
                 if p.suffix == ".py" or (p / "__init__.py").is_file())
    return names


AUTH_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]


def framework_labels(analysis: Analysis, service: Service) -> list[str]:
    """Django's own models this service owns (``auth.User`` when it owns ``auth_user``)."""
    return ["auth.User"] if analysis.table_owner().get("auth_user") == service.name else []


def framework_apps(analysis: Analysis, service: Service, carried: CarriedCode) -> list[str]:
    """django.contrib.auth/contenttypes when the carried code or the owned tables need them."""
    uses = any(re.search(r"django\.contrib\.(auth|contenttypes)|get_user_model", text)
               for text in carried.files.values())
    return AUTH_APPS if uses or carried.installed or framework_labels(analysis, service) else []


def copied_templates(source_root: Path, carried: CarriedCode) -> dict[str, bytes]:
    """Template directories of the packages code was carried from (HTML views need them)."""
    packages = sorted({path.split("/")[0] for path in carried.files})
    out: dict[str, bytes] = {}
    for package in packages:
        folder = source_root / package / "templates"
        if folder.is_dir() and not folder.is_symlink():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    out[path.relative_to(source_root).as_posix()] = path.read_bytes()
    return out


CACHE_ENV = "DEMONOLITH_EXTRACT_CACHE"  # a directory: derived files are kept by content hash


def derive(files: dict[str, bytes], labels: list[str], python: str | None = None) -> tuple[
    dict[str, bytes], str
]:
    """``derive_fresh``, answered from ``$DEMONOLITH_EXTRACT_CACHE`` when the same project (same
    files, same labels) was derived before; failures are never cached."""
    folder = os.environ.get(CACHE_ENV)
    if not folder:
        return derive_fresh(files, labels, python)
    digest = hashlib.sha256(json.dumps([labels, sys.version, python]).encode())
    for relative in sorted(files):
        digest.update(relative.encode() + b"\0" + hashlib.sha256(files[relative]).digest())
    entry = Path(folder) / f"derive-{digest.hexdigest()}.json"
    if entry.is_file():
        return {k: v.encode() for k, v in json.loads(entry.read_text(encoding="utf-8")).items()}, ""
    derived, failure = derive_fresh(files, labels, python)
    if not failure:
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps({k: v.decode() for k, v in derived.items()}), encoding="utf-8")
        partial.replace(entry)
    return derived, failure


def derive_fresh(files: dict[str, bytes], labels: list[str], python: str | None = None) -> tuple[
    dict[str, bytes], str
]:
    """Run the fresh project in a scratch dir: initial migrations and openapi.json (or a failure)."""
    packages = {label: _package_of(files, label) for label in labels}
    with tempfile.TemporaryDirectory(prefix="demonolith-extract-") as scratch:
        root = Path(scratch)
        for relative, data in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for package in packages.values():
            (root / package / "migrations").mkdir(parents=True, exist_ok=True)
            (root / package / "migrations" / "__init__.py").touch()
        # no system checks: on this scratch SQLite database a monolith's own check refusing any
        # other engine (misago.001) failed here; the self-check runs them on the real engine
        failure = _manage(root, ["makemigrations", "--no-header", "--skip-checks", *labels], python) or \
            _manage(root, ["export_openapi", "--skip-checks", "openapi.json"], python)
        derived = {p.relative_to(root).as_posix(): p.read_bytes()
                   for package in packages.values()
                   for p in sorted((root / package / "migrations").glob("*.py"))}
        if (root / "openapi.json").is_file():
            derived["openapi.json"] = (root / "openapi.json").read_bytes()
    return derived, failure


def _package_of(files: dict[str, bytes], label: str) -> str:
    text = files["service_project/apps.py"].decode()
    found = re.search(rf'name = "([\w.]+)"\n    label = "{re.escape(label)}"', text)
    return found[1].replace(".", "/") if found else label


def _manage(root: Path, args: list[str], python: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE",
                                                           "PYTHONPATH")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run([python or sys.executable, "manage.py", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=DERIVE_TIMEOUT, check=False)
    if proc.returncode == 0:
        return ""
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-6:]
    return f"`manage.py {' '.join(args[:1])}` failed: " + " | ".join(tail)
