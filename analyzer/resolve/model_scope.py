"""Where a class that derives from a model is still not one of the project's models.

Django only registers a model whose module is imported by the running project: a class in a
migration (a data migration's function, a historical stand-in), a class defined inside a
function or method (test set-ups build throw-away models that way), and a class of a test-only
module (:func:`analyzer.model.source_paths.is_test_path`) are code, not models.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from analyzer.model.facts import ModuleFacts
from analyzer.model.source_paths import is_test_path


def is_migration_path(path: str) -> bool:
    """Whether ``path`` is inside a ``migrations`` package."""
    return "migrations" in PurePosixPath(path).parts[:-1]


def classes_that_cannot_be_models(modules: tuple[ModuleFacts, ...]) -> frozenset[str]:
    """Qualified names of the classes in test modules, migrations or function bodies."""
    found: set[str] = set()
    for module in modules:
        excluded = is_test_path(module.path) or is_migration_path(module.path)
        functions = {d.qualname for d in module.definitions if d.kind != "class"}
        found.update(d.qualname for d in module.definitions if d.kind == "class" and (
            excluded or _inside_a_function(d.qualname, functions)))
    return frozenset(found)


def _inside_a_function(qualname: str, functions: set[str]) -> bool:
    head = qualname.rpartition(".")[0]
    while head:
        if head in functions:
            return True
        head = head.rpartition(".")[0]
    return False
