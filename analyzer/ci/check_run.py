"""One whole ``check`` of a tree against a baseline, cached: ``check_tree(root, baseline) -> RatchetResult``.

The verdict is a function of the tree's facts, the baseline file, the project's configuration and
the analyzer's code; with a cache directory it is kept there under the key of all four, so a
warm check reads the files' stamps and the cache's headers, and builds no graph.
"""

from __future__ import annotations

from pathlib import Path

from analyzer.boundaries.config import load_config
from analyzer.ci.baseline import Baseline
from analyzer.ci.ratchet import RatchetResult, baseline_crossings, compare_crossings, found_again
from analyzer.model.wording import plural
from analyzer.progress import NoPhases, Phases
from analyzer.project_facts.cache import combined_key, load_keyed, save_keyed
from analyzer.project_facts.code_fingerprint import package_fingerprint
from analyzer.project_facts.pipeline import FactsOptions, extract_keyed_facts
from analyzer.source.discover_config import discover_options
from analyzer.source.listing import FileListing

VERDICT_CACHE = "verdict-1.pickle"


def check_tree(root: Path, baseline: Baseline, cache_dir: Path | None = None,
               phases: Phases | None = None, listing: FileListing | None = None) -> RatchetResult:
    """The ratchet's verdict on the tree at ``root`` against ``baseline``; with ``cache_dir`` the
    facts and the verdict are cached there (without it, nothing is cached); ``phases`` hears of
    the facts' phases, then ``crossings``; ``listing``: the tree's, when the caller made it."""
    phases = phases or NoPhases()
    options = FactsOptions(cache_dir=cache_dir, use_cache=cache_dir is not None,
                           discover=discover_options(root), listing=listing)
    keyed = extract_keyed_facts(root, options, phases)
    config = load_config(root)
    phases.begin("crossings")
    cache = cache_dir / VERDICT_CACHE if cache_dir is not None else None
    key = combined_key([keyed.key, baseline.digest, repr(config), package_fingerprint("analyzer")])
    cached = load_keyed(cache, key) if cache else None
    if isinstance(cached, RatchetResult):
        result, how = cached, " (unchanged since the last run: reused)"
    else:
        current = found_again(keyed.facts, config, baseline.analysis)
        result, how = compare_crossings(baseline_crossings(baseline.analysis), current), ""
        if cache:
            save_keyed(cache, key, result)
    phases.end(f"{plural(result.current, 'crossing')} of the baseline's boundaries{how}")
    return result
