"""The Django side of discovery: which settings module, which INSTALLED_APPS, which app labels.

Read statically from the files the listing found; when no settings module is found, every
package holding ``models.py`` (or ``models/``) or an ``apps.py`` is taken as an app.
"""

from __future__ import annotations

import ast
from pathlib import Path

from analyzer.facts.parse import decode_source
from analyzer.facts.sql import dialect_for_engine
from analyzer.model.facts import AppFact, SettingsFacts
from analyzer.source.listing import SourceFile
from analyzer.source.settings_reader import database_engine, read_settings, string_list


class ModuleIndex:
    """Module name -> file, with parsing on demand (only a handful of files are read here)."""

    def __init__(self, root: Path, files: tuple[SourceFile, ...]) -> None:
        self.root = root
        self.by_module = {f.module: f for f in files if f.kind == "python"}
        self._trees: dict[str, tuple[ast.Module, bool] | None] = {}

    def load(self, module: str) -> tuple[ast.Module, bool] | None:
        """The parsed module and whether it is a package; None when absent or unparseable."""
        if module not in self._trees:
            self._trees[module] = self._parse(module)
        return self._trees[module]

    def _parse(self, module: str) -> tuple[ast.Module, bool] | None:
        source = self.by_module.get(module)
        if source is None:
            return None
        try:
            text = decode_source((self.root / source.path).read_bytes(), source.path)
            if not isinstance(text, str):
                return None
            return ast.parse(text), source.is_package
        except (OSError, SyntaxError, ValueError, RecursionError):
            return None


def settings_and_strings(index: ModuleIndex) -> tuple[SettingsFacts, tuple[tuple[str, str], ...]]:
    """The settings facts and the string settings read statically (environment lookups give
    their default). The settings module: a non-test, non-template one (an entry point's
    ``DJANGO_SETTINGS_MODULE`` default, else a settings-named module that sets INSTALLED_APPS),
    a test one only when there is no other."""
    found = sorted(_settings_from_entry_points(index) + _settings_by_name(index),
                   key=lambda ranked: (is_test_module(ranked[1]) or is_template_module(ranked[1]), ranked[0]))
    module = found[0][1] if found else None
    values = read_settings(module, index.load) if module else {}
    engine = database_engine(values)
    source = index.by_module.get(module) if module else None
    auth = values.get("AUTH_USER_MODEL")
    root_urlconf = values.get("ROOT_URLCONF")
    strings = tuple(sorted((k, v) for k, v in values.items() if k.isupper() and isinstance(v, str)))
    return SettingsFacts(
        module=module,
        path=source.path if source else None,
        installed_apps=string_list(values.get("INSTALLED_APPS")),
        database_engine=engine,
        sql_dialect=None if engine is None or engine.startswith("unknown") else dialect_for_engine(engine),
        auth_user_model=auth if isinstance(auth, str) else "auth.User",
        root_urlconf=root_urlconf if isinstance(root_urlconf, str) else None,
    ), strings


def is_test_module(module: str) -> bool:
    """Whether a module is test code (``cms.tests.settings``, ``weblate.settings_test``)."""
    parts = module.split(".")
    last = parts[-1]
    return (any(part in ("test", "tests", "testing", "testproject") for part in parts)
            or last.startswith(("test_", "tests_")) or last.endswith(("_test", "_tests", "_testing")))


def is_template_module(module: str) -> bool:
    """Whether a module belongs to a ``startproject`` template (``wagtail.project_template``)."""
    return any("template" in part for part in module.split(".")[:-1])


def _settings_from_entry_points(index: ModuleIndex) -> list[tuple[tuple[int, int, str], str]]:
    """(rank, module) of each settings module an entry point names, found in the tree."""
    found = []
    for module in sorted(index.by_module, key=lambda m: (m.count("."), m)):
        if module.rsplit(".", 1)[-1] not in ("manage", "wsgi", "asgi"):
            continue
        loaded = index.load(module)
        named = _settings_default(loaded[0]) if loaded else None
        resolved = _in_tree(named, module, index) if named else None
        if resolved is not None:
            found.append(((0, module.count("."), module), resolved))
    return found


def _in_tree(named: str, entry: str, index: ModuleIndex) -> str | None:
    """``named`` as a module of the tree, also relative to the entry point's packages (its
    directory is on ``sys.path`` when it runs: ``core.settings`` beside ``label_studio/manage.py``)."""
    parts = entry.split(".")[:-1]
    for candidate in (named, *(f"{'.'.join(parts[:n])}.{named}" for n in range(len(parts), 0, -1))):
        if candidate in index.by_module:
            return candidate
    return None


def _settings_default(tree: ast.Module) -> str | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and len(node.args) >= 2:
            key, value = node.args[0], node.args[1]
            if (
                isinstance(key, ast.Constant)
                and key.value == "DJANGO_SETTINGS_MODULE"
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                return value.value
    return None


def _settings_by_name(index: ModuleIndex) -> list[tuple[tuple[int, int, str], str]]:
    """(rank, module) of each settings-named module (``settings``, ``settings_docker``,
    ``base_settings``, ``settings/production``) that sets INSTALLED_APPS."""
    found = []
    for module in sorted(m for m in index.by_module if _settings_named(m)):
        if string_list(read_settings(module, index.load).get("INSTALLED_APPS")):
            found.append(((1, module.count("."), module), module))
    return found


def _settings_named(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return (last == "settings" or last.startswith("settings_") or last.endswith("_settings")
            or ".settings." in module)


def find_apps(index: ModuleIndex, settings: SettingsFacts) -> tuple[AppFact, ...]:
    """The project's own apps (those whose code is in the tree), with their labels."""
    configs = _app_configs(index)
    apps: dict[str, AppFact] = {}
    entries = settings.installed_apps or _apps_by_layout(index)
    anchor = settings.module or ""
    for entry in entries:
        app = _app_for_entry(_resolved(entry, anchor, index, configs), index, configs, anchor)
        if app is not None and app.label not in apps:
            apps[app.label] = app
    return tuple(sorted(apps.values(), key=lambda a: a.name))


def _resolved(name: str, anchor: str, index: ModuleIndex,
              configs: dict[str, tuple[str, str | None]]) -> str:
    """``name`` as the tree names it: itself, else under a package above the settings module
    (``users`` -> ``label_studio.users`` when ``label_studio/manage.py`` puts that on sys.path)."""
    if name in index.by_module or name in configs:
        return name
    parts = anchor.split(".")[:-1]
    for n in range(len(parts), 0, -1):
        candidate = f"{'.'.join(parts[:n])}.{name}"
        if candidate in index.by_module or candidate in configs:
            return candidate
    return name


def _app_for_entry(
    entry: str, index: ModuleIndex, configs: dict[str, tuple[str, str | None]], anchor: str = ""
) -> AppFact | None:
    name = entry
    label: str | None = None
    if entry in configs:  # "orders.apps.OrdersConfig"
        name, label = configs[entry]
        name = _resolved(name, anchor, index, {})
    else:
        label = next((lbl for cls, (nm, lbl) in configs.items() if nm == entry and lbl), None)
    source = index.by_module.get(name)
    if source is None:
        return None
    directory = source.path.rpartition("/")[0] if source.is_package else source.path
    return AppFact(label or name.rsplit(".", 1)[-1], name, directory)


def _app_configs(index: ModuleIndex) -> dict[str, tuple[str, str | None]]:
    """``module.ClassName`` of each AppConfig in an ``apps`` module -> (name, label)."""
    configs: dict[str, tuple[str, str | None]] = {}
    for module in index.by_module:
        if module.rsplit(".", 1)[-1] != "apps":
            continue
        loaded = index.load(module)
        for node in loaded[0].body if loaded else ():
            if isinstance(node, ast.ClassDef):
                attributes = _class_strings(node)
                if "name" in attributes:
                    configs[f"{module}.{node.name}"] = (attributes["name"], attributes.get("label"))
    return configs


def _class_strings(node: ast.ClassDef) -> dict[str, str]:
    found = {}
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            found[statement.targets[0].id] = statement.value.value
    return found


def _apps_by_layout(index: ModuleIndex) -> tuple[str, ...]:
    apps = set()
    for module, source in index.by_module.items():
        parent, _, last = module.rpartition(".")
        single_file = last in ("models", "apps") and not source.is_package
        if parent and (single_file or (last == "models" and source.is_package)):
            apps.add(parent)
    return tuple(sorted(a for a in apps if f"{a}" in index.by_module))
