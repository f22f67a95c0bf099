"""The baseline of ``check``: what it needs of an analysis.json, read once per file content.

A warm ``check`` needs of its baseline only the project's name and settings module and the modules
its services hold (to refuse another project), its verdict being cached
(:mod:`analyzer.ci.check_run`); :func:`read_baseline` keeps those in the cache directory, keyed by
the file's digest and the analyzer's code, so the JSON (megabytes on a large project) is parsed
again only when the crossings must be found again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.model.analysis import Analysis, analysis_from_json
from analyzer.project_facts.cache import (
    combined_key,
    content_digest,
    load_keyed,
    save_keyed,
)
from analyzer.project_facts.code_fingerprint import package_fingerprint

BASELINE_CACHE = "baseline-1.pickle"


@dataclass(frozen=True)
class BaselineSummary:
    """What a baseline says about its project."""

    project_name: str
    settings_module: str
    modules: frozenset[str]  # the dotted modules its services hold


@dataclass(frozen=True)
class Baseline:
    """A baseline file: its digest, its summary, and the Analysis (parsed on first use)."""

    digest: str
    summary: BaselineSummary
    load: Callable[[], Analysis] = field(repr=False, compare=False)

    @functools.cached_property
    def analysis(self) -> Analysis:
        """The baseline's Analysis (parsed once)."""
        return self.load()


def summarise(analysis: Analysis) -> BaselineSummary:
    """The summary of a baseline Analysis."""
    modules = frozenset(m for s in analysis.services for m in (*s.modules, *s.module_code))
    return BaselineSummary(analysis.project_name, analysis.settings_module, modules)


def read_baseline(data: bytes, source: str, cache_dir: Path | None) -> Baseline:
    """The baseline in ``data`` (the bytes read from ``source``); its summary from ``cache_dir``
    when the same bytes were summarised there by the same code (raises AnalysisFileError on a bad
    file). The bytes are decoded only when the Analysis itself is needed."""
    digest = content_digest(data)
    load = functools.partial(analysis_from_json, data, source)
    cache = cache_dir / BASELINE_CACHE if cache_dir is not None else None
    key = combined_key([digest, package_fingerprint("analyzer")])
    summary = load_keyed(cache, key) if cache else None
    if isinstance(summary, BaselineSummary):
        return Baseline(digest, summary, load)
    analysis = load()
    summary = summarise(analysis)
    if cache:
        save_keyed(cache, key, summary)
    return Baseline(digest, summary, lambda: analysis)
