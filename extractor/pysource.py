"""Index the monolith's Python modules with libcst: imports, top-level definitions, references.

A :class:`ModuleIndex` answers "what does this name mean here?" for one module, so the closure
walk (``closure.py``) can follow a view or a model to every definition it needs. Modules are read
lazily through a :class:`SourceTree`, which caches one parse per file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import libcst as cst


@dataclass(frozen=True)
class Definition:
    """One top-level statement that binds ``name`` in ``module`` (a class, function or assignment)."""

    module: str
    name: str
    index: int  # position of the statement in the module body
    node: cst.BaseStatement
    inner: int = -1  # position inside a top-level ``if`` block (hoisted when carried), else -1

    @property
    def key(self) -> str:
        """The qualified name of the definition."""
        return f"{self.module}.{self.name}"


@dataclass(frozen=True)
class ModuleIndex:
    """A parsed module: its tree, local name -> qualified name of imports, and its definitions."""

    name: str
    path: Path
    tree: cst.Module
    imports: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    definitions: Mapping[str, Definition] = field(default_factory=lambda: MappingProxyType({}))
    stars: tuple[str, ...] = ()  # modules of ``from x import *`` statements, in order


def star_module(stmt: cst.BaseSmallStatement, module: str, is_package: bool) -> str | None:
    """The absolute module of a ``from x import *`` statement, else None."""
    if not isinstance(stmt, cst.ImportFrom) or not isinstance(stmt.names, cst.ImportStar):
        return None
    source = dotted(stmt.module) if stmt.module is not None else ""
    return _absolute(module, is_package, len(stmt.relative), source or "")


def dotted(node: cst.BaseExpression) -> str | None:
    """Return ``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def _absolute(module: str, is_package: bool, relative: int, target: str) -> str:
    """Resolve ``from ..x import y`` style module names against ``module``."""
    if not relative:
        return target
    parts = module.split(".")
    keep = len(parts) - relative + (1 if is_package else 0)
    base = ".".join(parts[: max(keep, 0)])
    return ".".join(p for p in (base, target) if p)


def import_bindings(stmt: cst.BaseSmallStatement, module: str, is_package: bool) -> Iterator[
    tuple[str, str]
]:
    """Yield (local name, qualified name) for each alias an import statement binds."""
    if isinstance(stmt, cst.Import):
        for alias in stmt.names:
            full = dotted(alias.name) or ""
            if alias.asname is not None:
                yield dotted(alias.asname.name) or full, full  # type: ignore[arg-type,unused-ignore]
            else:
                yield full.split(".")[0], full.split(".")[0]
    elif isinstance(stmt, cst.ImportFrom) and not isinstance(stmt.names, cst.ImportStar):
        source = dotted(stmt.module) if stmt.module is not None else ""
        base = _absolute(module, is_package, len(stmt.relative), source or "")
        for alias in stmt.names:
            name = dotted(alias.name) or ""
            local = dotted(alias.asname.name) if alias.asname is not None else name  # type: ignore[arg-type,unused-ignore]
            yield local or name, f"{base}.{name}" if base else name


def bound_names(stmt: cst.BaseStatement) -> tuple[str, ...]:
    """Names a top-level class, function or simple assignment binds."""
    if isinstance(stmt, cst.ClassDef | cst.FunctionDef):
        return (stmt.name.value,)
    names: list[str] = []
    if isinstance(stmt, cst.SimpleStatementLine):
        for small in stmt.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        names.append(target.target.value)
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                names.append(small.target.value)
    return tuple(names)


def index_module(name: str, path: Path, is_package: bool) -> ModuleIndex:
    """Parse one file into a ModuleIndex (raises libcst.ParserSyntaxError on broken code)."""
    tree = cst.parse_module(path.read_text(encoding="utf-8"))
    imports: dict[str, str] = {}
    definitions: dict[str, Definition] = {}
    stars: list[str] = []
    for index, stmt in enumerate(tree.body):
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                imports.update(import_bindings(small, name, is_package))
                stars += [s for s in [star_module(small, name, is_package)] if s]
        for bound in bound_names(stmt):
            definitions[bound] = Definition(name, bound, index, stmt)
        for inner, nested in _guarded(stmt):
            for bound in bound_names(nested):
                definitions.setdefault(bound, Definition(name, bound, index, nested, inner))
    return ModuleIndex(name, path, tree, MappingProxyType(imports), MappingProxyType(definitions),
                       tuple(stars))


def _guarded(stmt: cst.BaseStatement) -> Iterator[tuple[int, cst.BaseStatement]]:
    """Class and function definitions in the body of a top-level ``if`` (django-oscar's
    ``if not is_model_registered(...): class Product(AbstractProduct): ...``)."""
    if isinstance(stmt, cst.If) and isinstance(stmt.body, cst.IndentedBlock):
        for inner, nested in enumerate(stmt.body.body):
            if isinstance(nested, cst.ClassDef | cst.FunctionDef):
                yield inner, nested


class _ReferenceCollector(cst.CSTVisitor):
    """Collect dotted names (``a``, ``a.b.c``) read anywhere inside a node."""

    def __init__(self) -> None:
        self.found: set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        name = dotted(node)
        if name is not None:
            self.found.add(name)
            return False
        return True

    def visit_Name(self, node: cst.Name) -> bool:
        self.found.add(node.value)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return False


def references(node: cst.CSTNode) -> frozenset[str]:
    """Every dotted name read inside ``node`` (over-approximate: locals are included)."""
    collector = _ReferenceCollector()
    node.visit(collector)
    return frozenset(collector.found)


class _WordCollector(cst.CSTVisitor):
    """Attribute names, keyword-argument names and simple string literals inside a node."""

    def __init__(self) -> None:
        self.words: set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        base = dotted(node.value) or ""
        if base.split(".")[-1] != "request":  # request.user is the forwarded identity
            self.words.add(node.attr.value)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.words.add(node.keyword.value)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if isinstance(value, str):
            self.words.add(value.lstrip("-"))


def words(node: cst.CSTNode) -> frozenset[str]:
    """Attribute names, keywords and string literals used in ``node`` (for relation lookups)."""
    collector = _WordCollector()
    node.visit(collector)
    return frozenset(collector.words)


class SourceTree:
    """The monolith's source tree: finds and caches ModuleIndex objects by dotted name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, ModuleIndex | None] = {}

    def module_file(self, name: str) -> tuple[Path, bool] | None:
        """Return (path, is_package) of a dotted module inside the tree, or None."""
        base = self.root.joinpath(*name.split("."))
        if base.with_suffix(".py").is_file():
            return base.with_suffix(".py"), False
        if (base / "__init__.py").is_file():
            return base / "__init__.py", True
        return None

    def module(self, name: str) -> ModuleIndex | None:
        """The parsed module ``name``, or None when it is not in the tree or cannot be parsed."""
        if name not in self._cache:
            found = self.module_file(name)
            try:
                self._cache[name] = index_module(name, *found) if found else None
            except (OSError, UnicodeDecodeError, cst.ParserSyntaxError):
                self._cache[name] = None
        return self._cache[name]

    def split(self, qualified: str) -> tuple[str, str] | None:
        """Split ``pkg.mod.Name.attr`` into (module in the tree, first name after it)."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            if self.module_file(module) is not None:
                return module, parts[cut]
        return None

    def definition(self, qualified: str, depth: int = 0) -> Definition | None:
        """The definition a qualified name denotes, following re-exports; None when external."""
        where = self.split(qualified)
        if where is None or depth > 8:
            return None
        module = self.module(where[0])
        if module is None:
            return None
        if where[1] in module.definitions:
            return module.definitions[where[1]]
        if where[1] in module.imports:
            return self.definition(module.imports[where[1]], depth + 1)
        source = self.star_source(module, where[1], depth)
        return self.definition(f"{source}.{where[1]}", depth + 1) if source else None

    def star_source(self, module: ModuleIndex, name: str, depth: int = 0) -> str | None:
        """The module a ``from x import *`` of ``module`` takes ``name`` from (in the tree), or None."""
        if name.startswith("_") or depth > 8:
            return None
        for star in reversed(module.stars):
            source = self.module(star)
            if source is not None and (name in source.definitions or name in source.imports
                                       or self.star_source(source, name, depth + 1)):
                return star
        return None
