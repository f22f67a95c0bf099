"""Names to qualified names: dotted expressions, relative imports and a module's name table."""

from __future__ import annotations

import ast
import builtins

from analyzer.facts.django_names import canonical_django

BUILTINS = frozenset(dir(builtins))


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def absolute_module(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute module of ``from {'.' * level}{name} import ...`` written inside ``module``."""
    if level == 0:
        return name or ""
    parts = module.split(".")
    keep = len(parts) - level + (1 if is_package else 0)
    base = parts[: max(keep, 0)]
    if name:
        base.append(name)
    return ".".join(base)


class NameTable:
    """Local names of one module (imports, definitions, assignments) -> qualified names.

    ``hidden`` holds the names local to the function being read (its parameters and the names it
    assigns): they shadow the module's names, so they resolve to nothing. ``stars`` holds the
    modules of ``from x import *`` statements, for the project pass.
    """

    def __init__(self, module: str) -> None:
        self.module = module
        self.names: dict[str, str] = {}
        self.hidden: set[str] = set()
        self.stars: list[str] = []
        self.all_names: tuple[str, ...] | None = None

    def bind(self, local: str, target: str) -> None:
        """Bind ``local`` to ``target`` (an import or a definition)."""
        self.names[local] = target

    def lookup(self, name: str) -> str | None:
        """The qualified name ``name`` stands for here, or None (unknown or a local variable)."""
        return None if name in self.hidden else self.names.get(name)

    def resolve_dotted(self, text: str) -> tuple[str, bool]:
        """``models.ForeignKey`` -> (``django.db.models.ForeignKey``, True); unknown kept as written."""
        head, _, rest = text.partition(".")
        target = None if head in self.hidden else self.names.get(head)
        if target is None:
            return text, False
        qualified = f"{target}.{rest}" if rest else target
        if qualified.startswith("django."):
            qualified = canonical_django(qualified)
        return qualified, True

    def resolve(self, node: ast.AST) -> tuple[str, bool] | None:
        """Resolve a Name/Attribute expression; None when it is not a dotted name."""
        text = dotted(node)
        return None if text is None else self.resolve_dotted(text)

    def qualify(self, node: ast.AST) -> str | None:
        """The qualified name of ``node`` when it resolves, else the dotted text, else None."""
        resolved = self.resolve(node)
        return None if resolved is None else resolved[0]


def collect_module_names(tree: ast.Module, table: NameTable, is_package: bool) -> None:
    """Pre-bind the module's top-level imports, classes, functions and assigned names."""
    for node in _top_level(tree.body):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for local, target, _ in import_bindings(node, table.module, is_package):
                if local != "*":
                    table.bind(local, target)
                elif target not in table.stars:
                    table.stars.append(target)
        elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            table.bind(node.name, f"{table.module}.{node.name}")
        elif isinstance(node, ast.Assign):
            for target_node in node.targets:
                if isinstance(target_node, ast.Name):
                    table.bind(target_node.id, f"{table.module}.{target_node.id}")
            _read_all(node, table)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            table.bind(node.target.id, f"{table.module}.{node.target.id}")


def _read_all(node: ast.Assign, table: NameTable) -> None:
    """``__all__ = ["a", "b"]`` (a list or tuple of strings) -> ``table.all_names``."""
    names = [t.id for t in node.targets if isinstance(t, ast.Name)]
    if names == ["__all__"] and isinstance(node.value, ast.List | ast.Tuple):
        items = [e.value for e in node.value.elts if isinstance(e, ast.Constant)]
        if all(isinstance(item, str) for item in items):
            table.all_names = tuple(str(item) for item in items)


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The module's statements, those of its top-level ``if``/``try`` and loops entered: a name
    they assign is a global (``for app in apps.get_app_configs(): plugin_patterns = []``)."""
    found: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.For | ast.While):
            found.extend(_top_level(node.body))
            found.extend(_top_level(node.orelse))
        elif isinstance(node, ast.If | ast.Try):
            found.extend(_top_level(node.body))
            found.extend(_top_level(node.orelse))
            for handler in getattr(node, "handlers", ()):
                found.extend(_top_level(handler.body))
        else:
            found.append(node)
    return found


def import_bindings(
    node: ast.Import | ast.ImportFrom, module: str, is_package: bool
) -> list[tuple[str, str, int]]:
    """(local name, qualified target, level) for each name an import statement binds."""
    if isinstance(node, ast.Import):
        return [
            (alias.asname or alias.name.split(".")[0], alias.name if alias.asname else
             alias.name.split(".")[0], 0)
            for alias in node.names
        ]
    base = absolute_module(module, is_package, node.level, node.module)
    result = []
    for alias in node.names:
        if alias.name == "*":
            result.append(("*", base, node.level))
        else:
            result.append((alias.asname or alias.name, f"{base}.{alias.name}", node.level))
    return result
