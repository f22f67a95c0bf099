"""The source lines around each violation (``attach_snippets``): a reader function is the only I/O.

Apart from :mod:`analyzer.boundaries.violations` so that renewing the snippets of a reused
Analysis imports neither networkx nor the stages that find the violations. The snippets of a run
can be kept (:func:`snippets_by_file`, under each file's content digest) and given to the next,
which reads again only the files whose content changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from analyzer.model.analysis import Violation

# path -> (the file's content digest, line -> (snippet_start, snippet))
SnippetsByFile = dict[str, tuple[str, dict[int, tuple[int, tuple[str, ...]]]]]


def attach_snippets(
    violations: Iterable[Violation], read_lines: Callable[[str], list[str] | None], context: int = 2,
    kept: SnippetsByFile | None = None, digests: Mapping[str, str] | None = None,
) -> tuple[Violation, ...]:
    """Set the source lines around each violation (none where its file cannot be read, or its line
    is unknown), replacing any it had; ``read_lines(path)`` is the only I/O. ``kept``: snippets of
    an earlier run with the same ``context``, taken for a file whose content digest is the one in
    ``digests`` (its lines are not read)."""
    cache: dict[str, list[str] | None] = {}
    result = []
    for violation in violations:
        known = _kept(kept, digests, violation)
        if known is not None:
            start, snippet = known
        else:
            if violation.path not in cache:
                cache[violation.path] = read_lines(violation.path)
            start, snippet = _snippet(cache[violation.path], violation.line, context)
        same = violation.snippet == snippet and violation.snippet_start == start
        result.append(violation if same else replace(violation, snippet=snippet, snippet_start=start))
    return tuple(result)


def _kept(kept: SnippetsByFile | None, digests: Mapping[str, str] | None,
          violation: Violation) -> tuple[int, tuple[str, ...]] | None:
    entry = kept.get(violation.path) if kept and digests else None
    if entry is None or digests is None or entry[0] != digests.get(violation.path):
        return None
    return entry[1].get(violation.line)


def _snippet(lines: list[str] | None, line: int, context: int) -> tuple[int, tuple[str, ...]]:
    if not lines or line < 1:
        return 0, ()
    start = max(1, line - context)
    return start, tuple(lines[start - 1:min(len(lines), line + context)])


def snippets_by_file(violations: Iterable[Violation], digests: Mapping[str, str]) -> SnippetsByFile:
    """The snippets of ``violations`` (as attached) by file, under each file's content digest in
    ``digests`` (files without one are left out: they are read again)."""
    kept: SnippetsByFile = {}
    for violation in violations:
        digest = digests.get(violation.path)
        if digest is not None:
            entry = kept.setdefault(violation.path, (digest, {}))
            entry[1][violation.line] = (violation.snippet_start, violation.snippet)
    return kept
