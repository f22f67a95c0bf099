"""Discover what to read: source files, their module names, the settings and the project's apps.

Works on a repository root, a ``src/`` layout or a package directory (an installed wheel's
contents) without importing anything: the listing (:mod:`~analyzer.source.listing`) walks the
directories, and :mod:`~analyzer.source.django_project` reads the few files that settings and
app configs live in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import NotDjangoProject, SourceTreeError
from analyzer.model.facts import AppFact, SettingsFacts, SourceWarning
from analyzer.source.django_project import (
    ModuleIndex,
    find_apps,
    is_template_module,
    is_test_module,
    settings_and_strings,
)
from analyzer.source.listing import (
    DiscoverOptions,
    FileListing,
    SourceFile,
    list_files,
    module_prefix,
    with_prefix,
)

DEFAULT_OPTIONS = DiscoverOptions()


@dataclass(frozen=True)
class Project:
    """What discovery found: the files, the settings and the project's apps."""

    root: Path
    files: tuple[SourceFile, ...]
    settings: SettingsFacts
    apps: tuple[AppFact, ...]
    warnings: tuple[SourceWarning, ...]
    setting_strings: tuple[tuple[str, str], ...] = ()  # string settings, env lookups at their default


def discover(root: Path, options: DiscoverOptions = DEFAULT_OPTIONS,
             listing: FileListing | None = None) -> Project:
    """Step 1 of the pipeline: files, settings and apps of the tree at ``root``; ``listing``:
    :func:`list_tree` of the same root and options when the caller has already made it."""
    root = root.resolve()
    listing = listing or list_tree(root, options)
    index = ModuleIndex(root, listing.files)
    settings, strings = settings_and_strings(index)
    apps = find_apps(index, settings)
    return Project(root, listing.files, settings, apps, listing.warnings + _settings_warnings(settings),
                   strings)


def list_tree(root: Path, options: DiscoverOptions = DEFAULT_OPTIONS) -> FileListing:
    """The files under ``root`` with their full module names (the package's own prefix added)."""
    root = root.resolve()
    return with_prefix(list_files(root, options), module_prefix(root))


def require_django(project: Project, shown_as: Path | str) -> None:
    """Fail fast, before any file is read, on a tree that cannot be a Django project: no file to
    read, or no settings module and no ``models`` module (``shown_as``: the path the user gave)."""
    if not project.files:
        raise SourceTreeError(f"{shown_as}: nothing to analyse: no Python or SQL files under it")
    has_models = any(f.module.rsplit(".", 1)[-1] == "models" for f in project.files)
    if project.settings.module is None and not has_models:
        raise not_django(shown_as)


def not_django(shown_as: Path | str) -> NotDjangoProject:
    """The error for a tree with neither settings nor models."""
    return NotDjangoProject(f"not a Django project: no settings module and no models under {shown_as}")


def _settings_warnings(settings: SettingsFacts) -> tuple[SourceWarning, ...]:
    """Say so when the only settings are a test's or a project template's."""
    module = settings.module
    if module is None or not (is_test_module(module) or is_template_module(module)):
        return ()
    kind = "test" if is_test_module(module) else "project-template"
    return (SourceWarning(settings.path or module, 1, "test-settings",
                          f"no project settings module: {kind} settings {module} read instead"),)
