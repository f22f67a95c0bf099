"""Steps 1-2 as one library call: ``extract_project_facts(root) -> ProjectFacts``.

discover -> read and hash every file -> take cached facts, parse the rest in parallel (chunks of
files per worker process, each worker reading its files itself) -> project pass -> cache.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.cache import DEFAULT_CACHE_DIRNAME, FactsCache, combined_key, file_key
from analyzer.discover import DiscoverOptions, Project, SourceFile, discover
from analyzer.facts import extract_module_facts
from analyzer.facts.sql_file import extract_sql_file_facts
from analyzer.model.facts import ModuleFacts, ProjectFacts, SourceWarning
from analyzer.resolve import resolve_project

Progress = Callable[[int], None]
_SERIAL_BELOW = 64  # fewer files than this are parsed in-process: a pool costs more


def tool_version() -> str:
    """The installed version of demonolith (part of every cache key)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("demonolith")
    except PackageNotFoundError:
        return "0.0.0+unknown"


def cache_version() -> str:
    """The tool version plus a fingerprint of the analyzer's own code (so edits invalidate)."""
    package = Path(__file__).parent
    stats = sorted(
        f"{p.relative_to(package)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in package.rglob("*.py")
    )
    return f"{tool_version()}+{combined_key(stats)[:12]}"


@dataclass(frozen=True)
class FactsOptions:
    """How to run: cache location (None: ``<root>/.demonolith-cache``), caching, parallelism."""

    cache_dir: Path | None = None
    use_cache: bool = True
    jobs: int | None = None  # None: all cores
    discover: DiscoverOptions = field(default_factory=DiscoverOptions)


@dataclass(frozen=True)
class _Task:
    root: str
    source: SourceFile
    dialect: str | None


def extract_project_facts(
    root: Path, options: FactsOptions = FactsOptions(), progress: Progress | None = None
) -> ProjectFacts:
    """Discover the tree at ``root`` and return its facts, using and refreshing the cache."""
    with _gc_paused():  # facts are acyclic; collecting during the build only costs time
        return _extract_project_facts(root, options, progress)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _extract_project_facts(root: Path, options: FactsOptions, progress: Progress | None) -> ProjectFacts:
    project = discover(root, options.discover)
    version = cache_version()
    cache = FactsCache(_cache_dir(project.root, options), version)
    dialect = project.settings.sql_dialect
    keys, unreadable = _file_keys(project, version, dialect)
    run_key = combined_key([*sorted(keys.values()), repr(project.settings), repr(project.apps),
                            repr(project.warnings), repr(unreadable)])
    cached_project = cache.load_project(run_key)
    if cached_project is not None:
        if progress:
            progress(len(project.files))
        return cached_project
    cached = cache.load_files(set(keys.values()))
    facts = {path: cached[key] for path, key in keys.items() if key in cached}
    missing = [f for f in project.files if f.path in keys and f.path not in facts]
    if progress and facts:
        progress(len(facts))
    pickled: dict[str, bytes] = {}
    for data in _extract(project.root, missing, dialect, options.jobs, progress):
        module_facts = pickle.loads(data)
        facts[module_facts.path] = module_facts
        pickled[keys[module_facts.path]] = data
    modules = (*facts.values(), *unreadable)
    result = resolve_project(project, tuple(modules), tool_version())
    cache.save_files({keys[path]: module_facts for path, module_facts in facts.items()}, pickled)
    cache.save_project(run_key, result)
    return result



def _cache_dir(root: Path, options: FactsOptions) -> Path | None:
    if not options.use_cache:
        return None
    return options.cache_dir if options.cache_dir is not None else root / DEFAULT_CACHE_DIRNAME


def _file_keys(
    project: Project, version: str, dialect: str | None
) -> tuple[dict[str, str], list[ModuleFacts]]:
    keys: dict[str, str] = {}
    unreadable: list[ModuleFacts] = []
    for source in project.files:
        try:
            data = (project.root / source.path).read_bytes()
        except OSError as exc:
            code = "symlink-loop" if exc.errno == 40 else "unreadable"
            warning = SourceWarning(source.path, 1, code, f"cannot read: {exc.strerror}")
            unreadable.append(ModuleFacts(source.path, source.module, source.is_package, 0,
                                          warnings=(warning,)))
            continue
        keys[source.path] = file_key(version, source.path, source.module, dialect, data)
    return keys, unreadable


def _extract(
    root: Path, files: list[SourceFile], dialect: str | None, jobs: int | None,
    progress: Progress | None,
) -> list[bytes]:
    """Pickled ``ModuleFacts`` of ``files``: workers pickle once, for the pipe and the cache."""
    tasks = [_Task(str(root), source, dialect) for source in files]
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(tasks) < _SERIAL_BELOW:
        results = []
        for task in tasks:
            results.append(_extract_pickled(task))
            if progress:
                progress(1)
        return results
    chunks = _chunks(tasks, workers * 4)
    results = []
    with ProcessPoolExecutor(max_workers=workers) as executor:
        for chunk, chunk_results in zip(chunks, executor.map(_extract_chunk, chunks), strict=True):
            results.extend(chunk_results)
            if progress:
                progress(len(chunk))
    return results


def _chunks(tasks: list[_Task], count: int) -> list[list[_Task]]:
    """Split into ``count`` chunks of similar total size, biggest files first."""
    ordered = sorted(tasks, key=lambda t: t.source.size, reverse=True)
    chunks: list[list[_Task]] = [[] for _ in range(min(count, len(ordered)) or 1)]
    sizes = [0] * len(chunks)
    for task in ordered:
        smallest = sizes.index(min(sizes))
        chunks[smallest].append(task)
        sizes[smallest] += task.source.size + 2000
    return [chunk for chunk in chunks if chunk]


def _extract_chunk(tasks: list[_Task]) -> list[bytes]:
    return [_extract_pickled(task) for task in tasks]


def _extract_pickled(task: _Task) -> bytes:
    return pickle.dumps(_extract_one(task), pickle.HIGHEST_PROTOCOL)


def _extract_one(task: _Task) -> ModuleFacts:
    source = task.source
    try:
        data = (Path(task.root) / source.path).read_bytes()
    except OSError as exc:
        warning = SourceWarning(source.path, 1, "unreadable", f"cannot read: {exc.strerror}")
        return ModuleFacts(source.path, source.module, source.is_package, 0, warnings=(warning,))
    if source.kind == "sql":
        return extract_sql_file_facts(data, source.path, source.module, task.dialect)
    return extract_module_facts(data, source.path, source.module, source.is_package, task.dialect)
