"""The kept parts of the project pass: each aspect digest is blind to what its stage never reads,
and the stage reads nothing it leaves out (the same models and routes from facts whose other
parts all changed); a kept stage is reused only under its key, and the result is the one a pass
without anything kept gives."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from analyzer.facts import extract_module_facts
from analyzer.facts.admin_urls import AUTH_USER
from analyzer.facts.sql_file import extract_sql_file_facts
from analyzer.model.facts import ModuleFacts, ProjectFacts
from analyzer.resolve.canonical import build_canonical
from analyzer.resolve.kept import MODELS, NOTHING_KEPT, ROUTES, Aspect
from analyzer.resolve.project import _models, _resolved_routes, resolve_keeping
from analyzer.resolve.stars import expand_star_imports
from analyzer.source.discover import Project, discover
from analyzer.source.discover_config import discover_options

FIXTURES = Path(__file__).parents[2] / "fixtures"
PROJECTS = ["tiny_project", "routes_project", "admin_routes", "app_config_routes", "class_routes",
            "registry_routes", "model_kinds", "test_code_routes", "collector_routes", "object_routes",
            "plugin_routes", "provided_routes", "config_mount_routes", "library_root"]


def _moved(module: ModuleFacts) -> ModuleFacts:
    """``module`` 100 lines longer, every import and definition 100 lines down."""
    return dataclasses.replace(
        module, lines=module.lines + 100,
        imports=tuple(dataclasses.replace(i, line=i.line + 100) for i in module.imports),
        definitions=tuple(dataclasses.replace(d, line=d.line + 100, end_line=d.end_line + 100)
                          for d in module.definitions))


def _changed(value: object) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 100
    return "changed" if isinstance(value, str) else None if value is None or value == () else ()


def _unread(module: ModuleFacts, aspect: Aspect) -> ModuleFacts:
    """``module`` with every field ``aspect`` does not read changed, and what it does not read of
    the items of the others (each item's other attributes changed)."""
    changes: dict[str, object] = {f.name: _changed(getattr(module, f.name))
                                  for f in dataclasses.fields(module) if f.name not in aspect.fields}
    for name, read in aspect.items.items():
        items = getattr(module, name)
        changes[name] = tuple(_unread_item(item, read) for item in items)
    return dataclasses.replace(module, **changes)  # type: ignore[arg-type]


def _unread_item(item: Any, read: Callable[[Any], tuple[object, ...]]) -> Any:
    changed = item
    for f in dataclasses.fields(item):
        attempt = dataclasses.replace(changed, **{f.name: _changed(getattr(item, f.name))})
        if read(attempt) == read(item):
            changed = attempt
    return changed


def _pass_inputs(name: str) -> tuple[Project, tuple[ModuleFacts, ...]]:
    """Discovery and every file's facts (star imports expanded) of fixture ``name``."""
    root = FIXTURES / name
    project = discover(root, discover_options(root))
    dialect = project.settings.sql_dialect
    modules = [
        extract_sql_file_facts((root / f.path).read_bytes(), f.path, f.module, dialect) if f.kind == "sql"
        else extract_module_facts((root / f.path).read_bytes(), f.path, f.module, f.is_package, dialect)
        for f in project.files]
    return project, expand_star_imports(tuple(sorted(modules, key=lambda m: m.path)))


@pytest.mark.parametrize("name", PROJECTS)
def test_the_routes_read_nothing_their_aspect_leaves_out(name: str) -> None:
    project, modules = _pass_inputs(name)
    changed = tuple(_unread(m, ROUTES) for m in modules)
    assert [ROUTES.of(m) for m in changed] == [ROUTES.of(m) for m in modules]
    labels = {m.qualname: m.label for m in _models(project, modules, build_canonical(modules)).models}
    labels[AUTH_USER] = project.settings.auth_user_model
    routes = _resolved_routes(project, modules, build_canonical(modules), labels)
    assert routes.routes or name == "model_kinds"
    assert _resolved_routes(project, changed, build_canonical(changed), labels) == routes


@pytest.mark.parametrize("name", PROJECTS)
def test_the_models_read_nothing_their_aspect_leaves_out(name: str) -> None:
    project, modules = _pass_inputs(name)
    changed = tuple(_unread(m, MODELS) for m in modules)
    assert [MODELS.of(m) for m in changed] == [MODELS.of(m) for m in modules]
    models = _models(project, modules, build_canonical(modules))
    assert models.models or not any(m.model_candidates for m in modules)
    assert _models(project, changed, build_canonical(changed)) == models


def test_what_a_stage_reads_changes_its_aspect() -> None:
    _, modules = _pass_inputs("routes_project")
    urls = next(m for m in modules if m.url_patterns)
    pattern = urls.url_patterns[0]
    moved = dataclasses.replace(urls, url_patterns=(dataclasses.replace(pattern, line=pattern.line + 1),
                                                    *urls.url_patterns[1:]))
    assert ROUTES.of(moved) != ROUTES.of(urls)  # a route's line is in the output
    _, modules = _pass_inputs("model_kinds")
    defining = next(m for m in modules if m.model_candidates)
    assert MODELS.of(_moved(defining)) != MODELS.of(defining)  # a model's place is


def _facts(name: str, kept_from: str | None = None) -> tuple[ProjectFacts, ProjectFacts]:
    """The project facts of fixture ``name`` without anything kept, and with what a pass over
    ``kept_from`` kept (every module's facts digest its path and text: only equal modules match)."""
    project, modules = _pass_inputs(name)
    digests = {m.path: repr(m) for m in modules}
    kept = NOTHING_KEPT
    if kept_from is not None:
        before, before_modules = _pass_inputs(kept_from)
        kept = resolve_keeping(before, before_modules, "x", NOTHING_KEPT,
                               {m.path: repr(m) for m in before_modules})[1]
    return (resolve_keeping(project, modules, "x")[0],
            resolve_keeping(project, modules, "x", kept, digests)[0])


@pytest.mark.parametrize(("name", "kept_from"), [("tiny_project", "tiny_project"),
                                                 ("routes_project", "tiny_project"),
                                                 ("model_kinds", "routes_project")])
def test_a_pass_with_kept_parts_gives_the_facts_of_one_without(name: str, kept_from: str) -> None:
    plain, with_kept = _facts(name, kept_from)
    assert with_kept == plain
