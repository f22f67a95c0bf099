"""The ``__init__.py`` of each package a carried module lives in.

Two cases, decided per top-level package of the monolith:

- the package is an installed distribution (django-oscar): the service's directory of it holds only
  the modules the service owns, and its ``__init__`` is an *overlay* — it appends the installed
  package's directory to ``__path__`` and runs the installed ``__init__``, so every module the
  service only uses (mixins, utilities, settings helpers, re-exports) comes from the installed
  distribution and nothing of it is shadowed by a partial copy;
- otherwise: the monolith's ``__init__`` reduced to the re-exports of what was carried
  (``from .crypto import *`` stays when ``crypto`` was carried), so a models package still
  registers its models.
"""

from __future__ import annotations

from collections.abc import Collection

import libcst as cst

from extractor.app_ready import monolith_config
from extractor.pysource import ModuleIndex, SourceTree, import_bindings, star_module

OVERLAY = '''\
# Written by `demonolith extract`: the monolith's package `{name}` is an installed distribution.
# This directory holds only the modules the service owns; every other module of `{name}` comes from
# the installed distribution (its directory is appended to __path__) and its own __init__ runs here.
import importlib.machinery as _machinery
import os as _os
import sys as _sys


def _installed_init() -> None:
    here = _os.path.dirname(_os.path.realpath(__file__))
    parent = __name__.rpartition(".")[0]
    search = _sys.modules[parent].__path__ if parent else _sys.path
    others = [p for p in search if _os.path.realpath(p or ".") != _os.path.dirname(here)]
    spec = _machinery.PathFinder.find_spec(__name__, others)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"{{__name__}}: the monolith's installed package is missing; "
                          "pip install -r requirements.txt")
    __path__.extend(p for p in spec.submodule_search_locations if _os.path.realpath(p) != here)
    if spec.origin and spec.origin.endswith(".py"):
        with open(spec.origin, encoding="utf-8") as source:
            exec(compile(source.read(), spec.origin, "exec"), globals())


_installed_init()
del _installed_init
'''


def overlay_init(package: str, own: str = "") -> str:
    """The ``__init__.py`` of the service's part of an installed package ``package``; ``own``: the
    service's own code of that ``__init__`` (runs after the installed one, after its
    ``from __future__`` imports, which must come first)."""
    overlay = OVERLAY.format(name=package.split(".")[0])
    if not own:
        return overlay
    lines = own.splitlines(keepends=True)
    future = [i for i, line in enumerate(lines) if line.startswith("from __future__ import")]
    cut = future[-1] + 1 if future else 0
    return "".join(lines[:cut]) + overlay + "\n\n" + "".join(lines[cut:])


def app_config_class(tree: SourceTree, package: str, label: str) -> tuple[str, str] | None:
    """(module, class) of the monolith's own AppConfig for ``package`` (labelled ``label``), else
    None. The service's config of that app subclasses it, so what code reads of the config class
    stays (django-oscar's class loading checks for ``OscarConfig``, pretix's plugin signals for the
    ``PretixPluginMeta`` inner class); its ``ready()`` is the generated one."""
    found = monolith_config(tree, package, label)
    if found is None:
        return None
    module, node = found
    return module.name, node.name.value


def reexports(tree: SourceTree, package: str, carried_modules: Collection[str],
              carried_names: Collection[str]) -> str:
    """The monolith's ``package/__init__.py`` reduced to imports of carried modules and names."""
    module = tree.module(package)
    if module is None or module.path.name != "__init__.py":
        return ""
    kept = [reduced for stmt in module.tree.body
            if (reduced := _carried_part(stmt, module, carried_modules, carried_names)) is not None]
    if not kept:
        return ""
    note = cst.EmptyLine(comment=cst.Comment(
        f"# The monolith's {package} re-exports, kept for the modules carried by `demonolith extract`."))
    return module.tree.with_changes(body=kept, header=[note]).code


def _carried_part(stmt: cst.BaseStatement, module: ModuleIndex, carried_modules: Collection[str],
                  carried_names: Collection[str]) -> cst.BaseStatement | None:
    """``from x import *`` of a carried module, or ``from x import a, b`` reduced to what was carried."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if not isinstance(small, cst.ImportFrom):
        return None
    star = star_module(small, module.name, True)
    if star is not None:
        return stmt if star in carried_modules else None
    if isinstance(small.names, cst.ImportStar):
        return None
    pairs = zip(small.names, import_bindings(small, module.name, True), strict=True)
    names = [alias for alias, (_, qualified) in pairs
             if qualified in carried_names or qualified in carried_modules]
    if not names:
        return None
    names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return stmt.with_changes(body=[small.with_changes(names=names)])
