"""Discovery, facts and project pass as one call: ``extract_project_facts(root) -> ProjectFacts``.

discover -> stat every file (read and hash only those whose stamp changed) -> parse the files
missing from the cache pack (:mod:`analyzer.project_facts.extraction`: a few small ones here
first, many in worker processes) while this process unpickles the cached ones -> star imports
expanded -> project pass (or the cached one, when built from the same inputs) -> cache (see
:mod:`analyzer.project_facts.cache`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import itertools
import os
import pickle
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.model.facts import ModuleFacts, ProjectFacts, SourceWarning
from analyzer.model.wording import plural
from analyzer.progress import NoPhases, Phases
from analyzer.project_facts.cache import (
    DEFAULT_CACHE_DIRNAME,
    FactsCache,
    FileStamp,
    Pack,
    combined_key,
    content_digest,
    facts_digest,
    facts_from_raw,
    file_key,
    load_keyed,
    save_keyed,
    stamp_of,
    trustworthy,
    unchanged,
)
from analyzer.project_facts.code_fingerprint import code_fingerprint
from analyzer.project_facts.extraction import (
    SERIAL_BELOW,
    earlier_sql,
    extraction,
    parse_work,
    parsed_first,
    serially,
)
from analyzer.resolve.kept import NOTHING_KEPT, KeptPass
from analyzer.resolve.project import resolve_keeping
from analyzer.resolve.stars import expand_star_imports
from analyzer.source.discover import Project, discover, not_django, require_django
from analyzer.source.listing import DiscoverOptions, FileListing, SourceFile
from analyzer.version import VERSION


def tool_version() -> str:
    """The version of demonolith (part of every cache key)."""
    return VERSION


def cache_version(cache_dir: Path | None = None) -> str:
    """The tool version plus a fingerprint of the facts layer's own code: this module and all of
    the analyzer it imports (so edits invalidate; editing the graph does not); with a
    ``cache_dir``, the fingerprint is reused from there while the analyzer's files are unchanged."""
    return f"{tool_version()}+{code_fingerprint(__name__, cache_dir=cache_dir)}"


@dataclass(frozen=True)
class FactsOptions:
    """How to run: cache location (None: ``<root>/.demonolith-cache``), caching, parallelism."""

    cache_dir: Path | None = None
    use_cache: bool = True
    jobs: int | None = None  # None: all cores
    discover: DiscoverOptions = field(default_factory=DiscoverOptions)
    require_django: bool = False  # fail (NotDjangoProject) on a tree with no settings and no models
    listing: FileListing | None = None  # the tree's listing when the caller already made it


@dataclass(frozen=True)
class KeyedFacts:
    """Project facts and the key of everything they were built from (each file's facts, settings,
    apps, the facts code): equal keys, equal facts; an edit that leaves a file's facts as they
    were (a comment, spacing within a line) leaves the key as it was. ``digests`` is each read
    file's content digest by path, for results that also depend on a file's text; ``paths`` the
    modules' paths. The facts themselves are loaded on first use: a run whose results are all
    cached under the key never unpickles them."""

    key: str
    digests: Mapping[str, str]
    paths: tuple[str, ...]
    load: Callable[[], ProjectFacts] = field(repr=False, compare=False)

    @functools.cached_property
    def facts(self) -> ProjectFacts:
        """The project facts (loaded once)."""
        return self.load()


def extract_project_facts(
    root: Path, options: FactsOptions = FactsOptions(), phases: Phases | None = None
) -> ProjectFacts:
    """Discover the tree at ``root`` and return its facts, using and refreshing the cache."""
    return extract_keyed_facts(root, options, phases).facts


def extract_keyed_facts(
    root: Path, options: FactsOptions = FactsOptions(), phases: Phases | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> KeyedFacts:
    """:func:`extract_project_facts` with the key of its inputs, for caches of what follows;
    ``phases`` hears of ``listing``, ``reading`` (one item per file) and ``resolving``.
    ``meanwhile`` is work of the caller's for this process while worker processes parse at
    least :data:`MEANWHILE_FROM` files (e.g. importing what will read the facts); it is not
    called otherwise."""
    with _gc_paused():  # facts are acyclic; collecting during the build only costs time
        return _extract_project_facts(root, options, phases or NoPhases(), meanwhile=meanwhile)


MEANWHILE_FROM = 2 * SERIAL_BELOW  # files parsed by the workers (fewer: done too soon to overlap)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic collection while the facts are built; then they join the oldest generation.

    Facts are acyclic and long-lived: scanning them young (all at once, on the first allocation
    after ``gc.enable()``) only costs time. Freezing and unfreezing moves every object to the
    oldest generation, where full collections still see them. Skipped when the host program
    keeps objects frozen itself.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def _extract_project_facts(root: Path, options: FactsOptions, phases: Phases,
                           lazy: bool = True, meanwhile: Callable[[], object] | None = None) -> KeyedFacts:
    phases.begin("listing")
    project = discover(root, options.discover, options.listing)
    if options.require_django:
        require_django(project, root)
    phases.end(f"{plural(len(project.files), 'file')}, {plural(len(project.apps), 'app')}")
    directory = _cache_dir(project.root, options)
    version = cache_version(directory)
    cache = FactsCache(directory, version)
    dialect = project.settings.sql_dialect
    pack = cache.open_pack()
    reading = _read_keys(project, version, dialect, pack.stamps)
    keys = reading.keys
    raw: dict[str, bytes | memoryview] = {}
    for key in keys.values():
        data = pack.raw(key)
        if data is not None:
            raw[key] = data
    missing = [f for f in project.files if f.path in keys and keys[f.path] not in raw]
    known = earlier_sql(missing, pack) if pack.dialect == dialect else {}
    first = missing if lazy and raw and parsed_first(missing) else []
    if first:  # parsed here and now: their facts may be all this run needs
        raw.update((keys[f.path], pickled) for f, pickled in serially(project.root, first, dialect, known))
        missing = []
    if lazy and not missing and not (options.require_django and project.settings.module is None):
        found = _Cached(cache, pack, reading, raw, version)
        reused = _reused(root, options, found, phases, project, len(first))
        if reused is not None:
            return reused
    facts: dict[str, ModuleFacts] = {}
    phases.begin("reading", len(keys), sum(parse_work(f) for f in missing))  # the cached cost ~nothing
    with extraction(project.root, missing, dialect, options.jobs, len(raw), known) as (extracted, pooled):
        if meanwhile is not None and pooled >= MEANWHILE_FROM:
            meanwhile()  # the results wait in the pipe; the workers go on
        damaged = _load_cached(project.files, keys, raw, facts)  # while the workers parse
        cached = len(facts) - len(first)
        phases.advance(cached)
        for source, pickled in itertools.chain(extracted, serially(project.root, damaged, dialect)):
            facts[source.path], raw[keys[source.path]] = pickle.loads(pickled), pickled
            phases.advance(1, parse_work(source))
    phases.end(f"{plural(len(facts), 'file')} ({cached} from the cache)")
    phases.begin("resolving")
    modules = tuple(sorted((*facts.values(), *reading.unreadable), key=lambda m: m.path))
    digests = {key: pack.facts_digest(key) or facts_digest(raw[key]) for key in keys.values()}
    by_path = {path: digests[key] for path, key in keys.items()}
    run_key = _run_key(project, by_path, reading.unreadable)
    result = _project_pass(project, modules, cache, run_key, by_path)
    if missing or first or damaged or _pack_stale(pack, reading, raw, digests, dialect):
        cache.save_pack(reading.stamps, raw, digests, keys, dialect)
    if options.require_django and result.settings.module is None and not result.models:
        raise not_django(root)  # models modules, but none holds a Django model
    phases.end(f"{plural(len(result.models), 'model')}, {plural(len(result.routes), 'route')}")
    return KeyedFacts(f"{version}:{run_key}", reading.digests, _paths(project), lambda: result)


@dataclass(frozen=True)
class _Cached:
    """What a run found in the cache before parsing anything."""

    cache: FactsCache
    pack: Pack
    reading: _Reading
    raw: dict[str, bytes | memoryview]
    version: str


def _reused(root: Path, options: FactsOptions, found: _Cached, phases: Phases,
            project: Project, parsed: int = 0) -> KeyedFacts | None:
    """When every file's facts are at hand (``parsed`` of them read just now, the others cached)
    and the project pass built from them is cached: their key, the facts left to load on first
    use; else None."""
    pack, reading, raw = found.pack, found.reading, found.raw
    digests = {key: pack.facts_digest(key) or facts_digest(raw[key]) for key in reading.keys.values()}
    run_key = _run_key(project, {path: digests[key] for path, key in reading.keys.items()},
                       reading.unreadable)
    if not found.cache.has_project(run_key):
        return None
    dialect = project.settings.sql_dialect
    if _pack_stale(pack, reading, raw, digests, dialect):
        found.cache.save_pack(reading.stamps, raw, digests, reading.keys, dialect)
    phases.begin("reading", len(reading.keys), 0)
    phases.advance(len(reading.keys))
    phases.end(f"{plural(len(reading.keys), 'file')} ({len(reading.keys) - parsed} from the cache)")
    phases.begin("resolving")
    phases.end("unchanged since the last run: reused")
    load = functools.partial(_load_reused, root, options, project, found, run_key)
    return KeyedFacts(f"{found.version}:{run_key}", reading.digests, _paths(project), load)


def _pack_stale(pack: Pack, reading: _Reading, raw: Mapping[str, object], digests: Mapping[str, str],
                dialect: str | None) -> bool:
    """Whether the pack differs from what this run read (stamps, entries, paths' entries, dialect)
    or lacks an entry's facts digest."""
    return (reading.stamps != pack.stamps or raw.keys() != pack.keys()
            or reading.keys != pack.keys_by_path or dialect != pack.dialect
            or any(pack.facts_digest(key) is None for key in digests))


def _paths(project: Project) -> tuple[str, ...]:
    return tuple(sorted(source.path for source in project.files))


def _load_reused(root: Path, options: FactsOptions, project: Project, found: _Cached,
                 run_key: str) -> ProjectFacts:
    """The facts of a run that parsed nothing: the cached files' and the cached project pass
    (a damaged cache entry found now: the whole extraction again, without this shortcut)."""
    with _gc_paused():
        facts: dict[str, ModuleFacts] = {}
        if _load_cached(project.files, found.reading.keys, dict(found.raw), facts):
            return _extract_project_facts(root, options, NoPhases(), lazy=False).facts
        modules = tuple(sorted((*facts.values(), *found.reading.unreadable), key=lambda m: m.path))
        return _project_pass(project, modules, found.cache, run_key)


def _load_cached(
    files: tuple[SourceFile, ...], keys: dict[str, str], raw: dict[str, bytes | memoryview],
    facts: dict[str, ModuleFacts],
) -> list[SourceFile]:
    """Unpickle the cached entries into ``facts``; return the files whose entry is damaged."""
    damaged = []
    for source in files:
        key = keys.get(source.path)
        data = None if key is None else raw.get(key)
        if key is None or data is None:
            continue
        module_facts = facts_from_raw(data)
        if module_facts is None:
            damaged.append(source)
            del raw[key]
        else:
            facts[source.path] = module_facts
    return damaged


def _run_key(project: Project, digests: dict[str, str], unreadable: list[ModuleFacts]) -> str:
    """The key of the project pass's inputs: each file's facts (by the digest of their pickle:
    they hold the file's path and module), settings, apps, discovery warnings, unreadable files."""
    return combined_key([*(f"{path}\0{digests[path]}" for path in sorted(digests)), repr(project.settings),
                         repr(project.apps), repr(project.warnings), repr(unreadable)])


def _project_pass(
    project: Project, modules: tuple[ModuleFacts, ...], cache: FactsCache, run_key: str,
    facts_digests: Mapping[str, str] | None = None,
) -> ProjectFacts:
    """The project pass of the last run when built from the same inputs, else a new one (reusing
    the parts of the last one whose inputs are unchanged: ``facts_digests``, each module's facts
    digest by path, tells which modules are)."""
    cached = cache.load_project(run_key)
    if cached is not None:
        return dataclasses.replace(cached, modules=expand_star_imports(modules))
    kept_path = cache.directory / "resolve-kept.pickle" if cache.directory else None
    kept_key = f"{cache.tag}:{_KEPT_PASS_TAG}"  # one entry, of the last version that ran
    kept = load_keyed(kept_path, kept_key) if kept_path else None
    result, kept = resolve_keeping(project, modules, tool_version(),
                                   kept if isinstance(kept, KeptPass) else NOTHING_KEPT, facts_digests)
    cache.save_project(run_key, result)
    if kept_path:
        save_keyed(kept_path, kept_key, kept)
    return result


_KEPT_PASS_TAG = "1"  # (the models and routes kept, :class:`analyzer.resolve.kept.KeptPass`)


def _cache_dir(root: Path, options: FactsOptions) -> Path | None:
    if not options.use_cache:
        return None
    return options.cache_dir if options.cache_dir is not None else root / DEFAULT_CACHE_DIRNAME


@dataclass(frozen=True)
class _Reading:
    keys: dict[str, str]  # path -> cache key
    stamps: dict[str, FileStamp]  # path -> stamp, for files whose stamp can be trusted later
    unreadable: list[ModuleFacts]
    digests: dict[str, str]  # path -> content digest


def _read_keys(
    project: Project, version: str, dialect: str | None, known: dict[str, FileStamp]
) -> _Reading:
    """Each file's cache key; a file whose stamp is unchanged since it was hashed is not read."""
    reading = _Reading({}, {}, [], {})
    now = time.time_ns()
    root = str(project.root)
    for source in project.files:
        full = os.path.join(root, source.path)
        try:
            stat = os.stat(full)
            stamp = known.get(source.path)
            if stamp is None or not unchanged(stamp, stat):
                with open(full, "rb") as handle:
                    stamp = stamp_of(stat, content_digest(handle.read()))
        except OSError as exc:
            code = "symlink-loop" if exc.errno == 40 else "unreadable"
            warning = SourceWarning(source.path, 1, code, f"cannot read: {exc.strerror}")
            reading.unreadable.append(ModuleFacts(source.path, source.module, source.is_package, 0,
                                                  warnings=(warning,)))
            continue
        if trustworthy(stat, now):
            reading.stamps[source.path] = stamp
        reading.keys[source.path] = file_key(version, source.path, source.module, dialect,
                                             stamp.digest)
        reading.digests[source.path] = stamp.digest
    return reading
