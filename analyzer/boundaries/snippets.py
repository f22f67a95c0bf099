"""The source lines around each violation (``attach_snippets``): a reader function is the only I/O.

Apart from :mod:`analyzer.boundaries.violations` so that renewing the snippets of a reused
Analysis imports neither networkx nor the stages that find the violations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from analyzer.model.analysis import Violation


def attach_snippets(
    violations: Iterable[Violation], read_lines: Callable[[str], list[str] | None], context: int = 2
) -> tuple[Violation, ...]:
    """Set the source lines around each violation (none where its file cannot be read, or its line
    is unknown), replacing any it had; ``read_lines(path)`` is the only I/O."""
    cache: dict[str, list[str] | None] = {}
    result = []
    for violation in violations:
        if violation.path not in cache:
            cache[violation.path] = read_lines(violation.path)
        lines = cache[violation.path]
        snippet: tuple[str, ...] = ()
        start = 0
        if lines and violation.line >= 1:
            start = max(1, violation.line - context)
            snippet = tuple(lines[start - 1:min(len(lines), violation.line + context)])
        same = violation.snippet == snippet and violation.snippet_start == start
        result.append(violation if same else replace(violation, snippet=snippet, snippet_start=start))
    return tuple(result)
