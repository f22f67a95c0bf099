"""Parsing the files the cache does not hold: ``SourceFile`` -> pickled ``ModuleFacts``, in this
process or in worker processes (chunks of files per worker, each worker reading its files itself
and pickling its facts once, for the pipe and the pack), with the SQL texts each file's earlier
facts parsed (:mod:`analyzer.facts.sql_known`)."""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from analyzer.facts import extract_module_facts
from analyzer.facts.sql_file import extract_sql_file_facts
from analyzer.facts.sql_known import NOTHING_KNOWN, KnownSql, known_sql
from analyzer.model.facts import ModuleFacts, SourceWarning
from analyzer.project_facts.cache import Pack, facts_from_raw
from analyzer.source.listing import SourceFile

SERIAL_BELOW = 64  # fewer files than this are parsed in-process: a pool costs more


@dataclass(frozen=True)
class Task:
    """One file to parse, and how."""

    root: str
    source: SourceFile
    dialect: str | None
    known_sql: KnownSql  # the SQL texts its earlier facts parsed


_PARSED_FIRST_UP_TO = 1_000_000  # parse work (:func:`parse_work`) of ~0.15 s


def parsed_first(missing: list[SourceFile]) -> bool:
    """Whether the files to parse are few and small enough to parse in this process before the
    cached facts are loaded: when their facts are as they were (a comment edited), the cached
    project pass stands, and neither the cached facts need loading nor a worker starting."""
    return len(missing) < SERIAL_BELOW and sum(parse_work(f) for f in missing) <= _PARSED_FIRST_UP_TO


def earlier_sql(files: list[SourceFile], pack: Pack) -> dict[str, KnownSql]:
    """By path, the SQL texts the cached facts of each file's earlier text parsed (the pack is
    of this code; the caller checks its dialect), so that reading it again parses only new ones."""
    known: dict[str, KnownSql] = {}
    for source in files:
        key = pack.key_of(source.path)
        data = None if key is None else pack.raw(key)
        earlier = None if data is None else facts_from_raw(data)
        if earlier is not None and (texts := known_sql(earlier)):
            known[source.path] = texts
    return known


@contextlib.contextmanager
def extraction(
    root: Path, files: list[SourceFile], dialect: str | None, jobs: int | None, cached: int,
    known: Mapping[str, KnownSql],
) -> Iterator[tuple[Iterator[tuple[SourceFile, bytes]], int]]:
    """(file, pickled ``ModuleFacts``) of ``files`` as they are done, and how many of them worker
    processes parse (0: this process does); workers pickle once, for the pipe and the cache.

    Worker processes start at once, so the caller can unpickle ``cached`` entries meanwhile; a
    pool pays when there are many files to parse, or a few and many cached entries to load.
    """
    tasks = [Task(str(root), source, dialect, known.get(source.path, NOTHING_KNOWN)) for source in files]
    workers = jobs or os.cpu_count() or 1
    if not tasks or workers <= 1 or len(tasks) + cached // 8 < SERIAL_BELOW:
        yield ((task.source, extract_pickled(task)) for task in tasks), 0
        return
    chunks = chunks_of(tasks, workers * 4)
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks))) as executor:
        futures = [executor.submit(extract_chunk, chunk) for chunk in chunks]
        yield (
            (task.source, pickled)
            for chunk, future in zip(chunks, futures, strict=True)
            for task, pickled in zip(chunk, future.result(), strict=True)
        ), len(tasks)


def serially(root: Path, files: list[SourceFile], dialect: str | None,
             known: Mapping[str, KnownSql] | None = None) -> Iterator[tuple[SourceFile, bytes]]:
    """(file, pickled ``ModuleFacts``) of ``files``, parsed in this process."""
    for source in files:
        texts = known.get(source.path, NOTHING_KNOWN) if known else NOTHING_KNOWN
        yield source, extract_pickled(Task(str(root), source, dialect, texts))


def parse_work(source: SourceFile) -> int:
    """What reading one file costs, in bytes: its size plus a fixed cost per file."""
    return source.size + 2000


def chunks_of(tasks: list[Task], count: int) -> list[list[Task]]:
    """Split into ``count`` chunks of similar total work (:func:`parse_work`), biggest files first."""
    ordered = sorted(tasks, key=lambda t: t.source.size, reverse=True)
    chunks: list[list[Task]] = [[] for _ in range(min(count, len(ordered)) or 1)]
    sizes = [0] * len(chunks)
    for task in ordered:
        smallest = sizes.index(min(sizes))
        chunks[smallest].append(task)
        sizes[smallest] += parse_work(task.source)
    return [chunk for chunk in chunks if chunk]


def extract_chunk(tasks: list[Task]) -> list[bytes]:
    """The pickled facts of each task (a worker's job)."""
    return [extract_pickled(task) for task in tasks]


def extract_pickled(task: Task) -> bytes:
    """The pickled facts of one file."""
    return pickle.dumps(extract_one(task), pickle.HIGHEST_PROTOCOL)


def extract_one(task: Task) -> ModuleFacts:
    """The facts of one file (a warning in them when it cannot be read)."""
    source = task.source
    try:
        data = (Path(task.root) / source.path).read_bytes()
    except OSError as exc:
        warning = SourceWarning(source.path, 1, "unreadable", f"cannot read: {exc.strerror}")
        return ModuleFacts(source.path, source.module, source.is_package, 0, warnings=(warning,))
    if source.kind == "sql":
        return extract_sql_file_facts(data, source.path, source.module, task.dialect)
    return extract_module_facts(data, source.path, source.module, source.is_package, task.dialect,
                                task.known_sql)
