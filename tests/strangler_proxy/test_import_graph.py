"""The proxy's modules import one another one way: no cycle, even through ``TYPE_CHECKING`` imports.

Every ``import`` / ``from ... import`` statement is read with :mod:`ast`, wherever it stands
(module level, ``if TYPE_CHECKING:``, inside a function), so a cycle hidden from the interpreter
still fails here; grimp, which import-linter uses, reads the same graph. The layers between the
sub-packages are an import-linter contract (pyproject.toml).
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

import strangler_proxy

PACKAGE = Path(strangler_proxy.__file__).parent


def module_name(path: Path) -> str:
    """``strangler_proxy/datapath/client.py`` -> ``strangler_proxy.datapath.client``."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_by(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports, in any statement anywhere in the file."""
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name in modules}


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    paths = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
    return {name: imported_by(path, set(paths)) - {name} for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as ``[a, b, ..., a]``, or None (depth-first, sorted: deterministic)."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node):], node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(graph[node]):
            cycle = visit(target)
            if cycle is not None:
                return cycle
        path.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle is not None:
            return cycle
    return None


def test_the_graph_sees_type_checking_imports() -> None:
    graph = import_graph()
    assert "strangler_proxy.datapath.ports" in graph["strangler_proxy.datapath.exchange"]
    assert "strangler_proxy.datapath.forward" in graph["strangler_proxy.datapath.client"]


def test_find_cycle_reports_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_inside_strangler_proxy() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_grimp_reads_the_same_graph_and_no_cycle() -> None:
    """grimp (import-linter's graph) counts ``TYPE_CHECKING`` imports too, by default."""
    graph = grimp.build_graph("strangler_proxy", include_external_packages=False)
    ours = import_graph()
    assert {module: graph.find_modules_directly_imported_by(module) for module in ours} == ours
    assert all(
        not graph.find_shortest_chain(importer=target, imported=module)
        for module, targets in ours.items() for target in targets
    )
