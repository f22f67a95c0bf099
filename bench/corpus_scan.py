"""Independent counts over a corpus project, computed without demonolith's analyzer.

Used by ``bench/corpus.py`` and ``tests/analyzer/test_corpus.py`` as the yardstick the analyzer's
figures are compared with. Only the standard library; nothing here imports ``analyzer``.

How models are counted (``count_models``), exactly:

1. Every ``*.py`` file under the given package directories is a module (dotted name from the
   directory holding the packages), except test modules (a path part ``tests``/``test``/
   ``testing``, or a file ``tests.py``, ``test_*.py``, ``*_tests.py``, ``conftest.py``) and
   migrations (a path part ``migrations``). A file ``ast.parse`` (this Python) rejects is
   counted in ``unparsed`` and contributes nothing.
2. Its classes are the ``class`` statements at module level, including those nested in
   module-level ``if``/``try``/``with`` blocks (oscar's ``if not is_model_registered(...)``);
   classes inside functions or other classes are ignored.
3. Each base expression (``Name`` or ``Attribute`` chain) is resolved through the module's
   imports (absolute, relative, ``as``) and its own classes to a dotted name; a name that is
   imported from a module which re-exports it (``from .base import X`` in ``models/__init__``)
   or ``*``-imports it is followed, up to 10 hops. A target outside the scan is retried with a
   package name in front (label-studio imports ``fsm.models`` for ``label_studio/fsm/models.py``:
   the package directory itself is on its ``sys.path``).
4. A class is a model when a base is ``django.db.models.Model`` (also spelt
   ``django.db.models.base.Model``), one of ``EXTERNAL_MODEL_BASES`` (models of Django contrib and
   common third-party packages), or another class of the scan that is a model (a fixed point).
5. It is concrete unless its body holds ``class Meta:`` with ``abstract = True``. Proxy and
   unmanaged models count as concrete models (they are models, even without a table).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

DJANGO_MODEL = frozenset({"django.db.models.Model", "django.db.models.base.Model"})
EXTERNAL_MODEL_BASES = frozenset({
    "django.contrib.auth.models.AbstractUser", "django.contrib.auth.models.AbstractBaseUser",
    "django.contrib.auth.base_user.AbstractBaseUser", "django.contrib.auth.models.PermissionsMixin",
    "django.contrib.auth.models.User", "django.contrib.auth.models.Group",
    "django.contrib.auth.models.Permission", "django.contrib.sites.models.Site",
    "django.contrib.contenttypes.models.ContentType", "django.contrib.sessions.models.Session",
    "django.contrib.sessions.base_session.AbstractBaseSession",
    "treebeard.mp_tree.MP_Node", "treebeard.ns_tree.NS_Node", "treebeard.al_tree.AL_Node",
    "mptt.models.MPTTModel", "polymorphic.models.PolymorphicModel",
    "modelcluster.models.ClusterableModel", "parler.models.TranslatableModel",
    "django_extensions.db.models.TimeStampedModel", "taggit.models.TagBase",
    "taggit.models.TaggedItemBase", "taggit.models.GenericTaggedItemBase",
    "taggit.models.CommonGenericTaggedItemBase", "taggit.models.ItemBase",
    "parler.models.TranslatedFieldsModel", "solo.models.SingletonModel",
})
TEST_PARTS = frozenset({"tests", "test", "testing"})
MAX_HOPS = 10


@dataclass
class ModuleScan:
    """What one module defines and imports: enough to resolve base classes."""

    names: dict[str, str] = field(default_factory=dict)  # local name -> dotted target
    stars: list[str] = field(default_factory=list)  # modules imported with *
    classes: dict[str, list[str]] = field(default_factory=dict)  # class -> resolved-ish bases
    abstract: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ModelCount:
    """The independent model count of a project and how it was reached."""

    concrete: tuple[str, ...]  # dotted names of concrete models, sorted
    abstract: tuple[str, ...]
    modules: int
    unparsed: tuple[str, ...]  # relative paths this Python's ast rejects


def is_test_or_migration(relative: str) -> bool:
    """Whether a relative path is a test module or a migration (excluded from the count)."""
    path = PurePosixPath(relative)
    parts = set(path.parts[:-1])
    name = path.name
    return bool(parts & TEST_PARTS or "migrations" in parts or name in {"tests.py", "conftest.py"}
                or name.startswith("test_") or name.endswith("_tests.py"))


def python_files(root: Path, packages: Iterable[str]) -> list[Path]:
    """Every ``*.py`` under ``root/package`` for each package, sorted."""
    found: set[Path] = set()
    for package in packages:
        found.update(p for p in (root / package).rglob("*.py") if "__pycache__" not in p.parts)
    return sorted(found)


def count_lines(paths: Iterable[Path]) -> int:
    """Total physical lines of the files (bytes split on newlines)."""
    return sum(path.read_bytes().count(b"\n") for path in paths)


def module_name(relative: PurePosixPath) -> str:
    """Dotted module name of a relative ``.py`` path (``a/b/__init__.py`` -> ``a.b``)."""
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def count_models(root: Path, packages: Iterable[str]) -> ModelCount:
    """Count the concrete models of the packages under ``root`` (see the module docstring)."""
    scans: dict[str, ModuleScan] = {}
    unparsed: list[str] = []
    for path in python_files(root, packages):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if is_test_or_migration(str(relative)):
            continue
        module = module_name(relative)
        try:
            tree = ast.parse(path.read_bytes(), filename=str(relative))
        except (SyntaxError, ValueError):
            unparsed.append(str(relative))
            continue
        scans[module] = scan_module(tree, module, relative.name == "__init__.py")
    models = _model_fixpoint(scans)
    concrete = sorted(m for m in models if m.rsplit(".", 1)[1] not in scans[m.rsplit(".", 1)[0]].abstract)
    return ModelCount(tuple(concrete), tuple(sorted(models - set(concrete))), len(scans),
                      tuple(unparsed))


def scan_module(tree: ast.Module, module: str, is_package: bool) -> ModuleScan:
    """Imports, star imports and module-level classes (with their abstract flag) of one module."""
    scan = ModuleScan()
    package = module if is_package else module.rpartition(".")[0]
    for node in _module_level(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scan.names[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    scan.names[head] = head
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(package, node.module, node.level)
            for alias in node.names:
                if alias.name == "*":
                    scan.stars.append(source)
                else:
                    scan.names[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.ClassDef):
            scan.names[node.name] = f"{module}.{node.name}"
            scan.classes[node.name] = [d for d in map(_dotted, node.bases) if d]
            if _is_abstract(node):
                scan.abstract.add(node.name)
    return scan


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements at module level, descending into if/try/with blocks but not defs."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *[h.body for h in node.handlers]):
                yield from _module_level(block)
        elif isinstance(node, ast.With):
            yield from _module_level(node.body)


def _absolute(package: str, module: str | None, level: int) -> str:
    """The absolute module of ``from <level dots><module> import ...`` inside ``package``."""
    if level == 0:
        return module or ""
    parts = package.split(".") if package else []
    base = parts[: len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*base, module] if module else base)


def _dotted(node: ast.expr) -> str:
    """``a.b.C`` for a Name/Attribute chain, else ``""`` (calls, subscripts...)."""
    if isinstance(node, ast.Subscript):  # Generic[T]-style bases: take the subscripted name
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else ""
    return ""


def _is_abstract(node: ast.ClassDef) -> bool:
    """Whether the class body has ``class Meta:`` with ``abstract = True``."""
    for item in node.body:
        if isinstance(item, ast.ClassDef) and item.name == "Meta":
            for statement in item.body:
                if (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant)
                        and statement.value.value is True
                        and any(isinstance(t, ast.Name) and t.id == "abstract" for t in statement.targets)):
                    return True
    return False


def _resolve(dotted: str, module: str, scans: dict[str, ModuleScan]) -> str:
    """Follow a base written in ``module`` to the dotted name where it is defined (or last seen)."""
    head, _, rest = dotted.partition(".")
    target = scans[module].names.get(head)
    if target is None:
        target = _via_stars(head, module, scans) or f"{module}.{head}"
    current = f"{target}.{rest}" if rest else target
    for _ in range(MAX_HOPS):
        owner, _, name = current.rpartition(".")
        if owner not in scans:
            inside = next((f"{p}.{current}" for p in _packages(scans) if f"{p}.{owner}" in scans), None)
            current = inside or current
            owner, _, name = current.rpartition(".")
        scan = scans.get(owner)
        if scan is None or name in scan.classes:
            return current
        following = scan.names.get(name) or _via_stars(name, owner, scans)
        if following is None or following == current:
            return current
        current = following
    return current


def _packages(scans: dict[str, ModuleScan]) -> list[str]:
    """The top-level packages of the scan, sorted."""
    return sorted({module.split(".")[0] for module in scans})


def _via_stars(name: str, module: str, scans: dict[str, ModuleScan]) -> str | None:
    """``source.name`` for the first ``*``-imported source module that defines or imports it."""
    for source in scans[module].stars:
        scan = scans.get(source)
        if scan is not None and name in scan.names:
            return f"{source}.{name}"
    return None


def _model_fixpoint(scans: dict[str, ModuleScan]) -> set[str]:
    """Dotted names of every class whose bases chain to a Django model."""
    bases = {f"{module}.{cls}": [_resolve(b, module, scans) for b in raw]
             for module, scan in scans.items() for cls, raw in scan.classes.items()}
    models: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, resolved in bases.items():
            if name not in models and any(b in DJANGO_MODEL or b in EXTERNAL_MODEL_BASES or b in models
                                          for b in resolved):
                models.add(name)
                changed = True
    return models
