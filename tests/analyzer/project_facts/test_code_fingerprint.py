"""The facts cache is invalidated by an edit to any module of the facts layer, found from the
imports of the pipeline (not a hand list), and not by an edit to the graph layer."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

import analyzer
import demonolith
import reports
from analyzer.project_facts import code_fingerprint as cache
from analyzer.project_facts import pipeline
from analyzer.project_facts.code_fingerprint import code_fingerprint, code_imported_by

ENTRY = pipeline.__name__  # wherever the pipeline module lives after a move


@pytest.fixture()
def analyzer_copy(tmp_path: Path) -> Path:
    """A copy of the analyzer package to edit (the real one is shared by parallel tests)."""
    copy = tmp_path / "analyzer"
    shutil.copytree(Path(analyzer.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_every_facts_layer_module_invalidates_the_cache(analyzer_copy: Path) -> None:
    layer = code_imported_by(ENTRY, analyzer_copy)
    assert len(layer) > 20
    before = code_fingerprint(ENTRY, analyzer_copy)
    for name, path in sorted(layer.items()):
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n# edited\n")
        after = code_fingerprint(ENTRY, analyzer_copy)
        assert after != before, f"editing {name} leaves the facts cache valid"
        before = after


def test_the_stale_cache_cases_are_in_the_facts_layer(analyzer_copy: Path) -> None:
    names = {name.rpartition(".")[2] for name in code_imported_by(ENTRY, analyzer_copy)}
    # route_access.py once was not (the cache kept login_required stale); errors, the model
    # and the package's __init__ files are imported too
    assert {"route_access", "resolve", "facts", "model", "errors", "cache", "analyzer"} <= names


def test_the_graph_layer_does_not_invalidate_the_facts_cache(analyzer_copy: Path) -> None:
    layer = code_imported_by(ENTRY, analyzer_copy)
    assert not [name for name, path in layer.items() if "networkx" in path.read_text("utf-8")]
    before = code_fingerprint(ENTRY, analyzer_copy)
    for path in analyzer_copy.rglob("*.py"):
        if path not in layer.values():
            path.write_text(path.read_text("utf-8") + "\n# edited\n", encoding="utf-8")
    assert code_fingerprint(ENTRY, analyzer_copy) == before


def test_the_cache_version_is_the_fingerprint_of_the_installed_pipeline() -> None:
    assert pipeline.cache_version() == f"{pipeline.tool_version()}+{code_fingerprint(ENTRY)}"
    assert code_imported_by(ENTRY)[ENTRY] == Path(pipeline.__file__)


def test_a_stored_fingerprint_is_reused_without_reading_the_modules(
        analyzer_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    expected = code_fingerprint(ENTRY, analyzer_copy)
    assert code_fingerprint(ENTRY, analyzer_copy, cache_dir) == expected
    assert (cache_dir / cache.CODE_FINGERPRINT_FILE).is_file()

    def no_reading(path: Path, name: str, top: str) -> list[str]:
        raise AssertionError(f"{name} read although no file of the package changed")

    code_imported_by.cache_clear()  # as in a new process
    monkeypatch.setattr(cache, "_imported_names", no_reading)
    assert code_fingerprint(ENTRY, analyzer_copy, cache_dir) == expected


def test_every_facts_layer_module_invalidates_the_stored_fingerprint(
        analyzer_copy: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    before = code_fingerprint(ENTRY, analyzer_copy, cache_dir)
    for name, path in sorted(code_imported_by(ENTRY, analyzer_copy).items()):
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n# edited\n")
        after = code_fingerprint(ENTRY, analyzer_copy, cache_dir)
        assert after == code_fingerprint(ENTRY, analyzer_copy), name
        assert after != before, f"editing {name} leaves the stored fingerprint (and facts) valid"
        before = after


def test_a_module_added_to_the_package_is_looked_at_again(
        analyzer_copy: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    before = code_fingerprint(ENTRY, analyzer_copy, cache_dir)
    stored = (cache_dir / cache.CODE_FINGERPRINT_FILE).read_bytes()
    (analyzer_copy / "added_module.py").write_text("X = 1\n", encoding="utf-8")
    assert code_fingerprint(ENTRY, analyzer_copy, cache_dir) == before  # not imported by the layer
    assert (cache_dir / cache.CODE_FINGERPRINT_FILE).read_bytes() != stored  # but re-derived


def test_the_facts_pipeline_stores_the_fingerprint_next_to_the_facts(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "__init__.py").write_text("", encoding="utf-8")
    (project / "app" / "models.py").write_text("X = 1\n", encoding="utf-8")
    cache_dir = tmp_path / "cache"
    pipeline.extract_project_facts(project, pipeline.FactsOptions(cache_dir=cache_dir, jobs=1))
    assert (cache_dir / cache.CODE_FINGERPRINT_FILE).is_file()
    assert pipeline.cache_version(cache_dir) == pipeline.cache_version()


def _imports(tree: ast.Module) -> set[tuple[str, int, tuple[str, ...]]]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name, 0, ()) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add((node.module or "", node.level, tuple(alias.name for alias in node.names)))
    return found


def test_the_imports_read_alone_are_those_of_the_whole_module() -> None:
    roots = [Path(package.__file__).parent for package in (analyzer, demonolith, reports)]
    fast = 0
    for path in sorted(p for root in roots for p in root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        whole = ast.parse(source)
        tree = cache._import_tree(source, str(path))
        assert _imports(tree) >= _imports(whole), path
        fast += len(tree.body) < len(whole.body)
    assert fast > 100  # most modules are read by their import lines alone


@pytest.mark.parametrize("source", [
    "x = 1; import a.b\n",
    "if x: import a.b\n",
    "from a \\\n    import b\n",
    "from a import (c,  # (see)\n    b)\n",
    '"""Read the import of x."""\nfrom a import b\n',
    "try:\n    import a.b\nexcept ImportError:\n    pass\n",
    "def f():\n    from a import (\n        b,\n    )\n",
])
def test_an_import_written_any_way_is_found(source: str) -> None:
    imports = _imports(cache._import_tree(source, "m.py"))
    assert imports == _imports(ast.parse(source)) | imports
    assert any(name.startswith("a") for name, _, _ in imports)
