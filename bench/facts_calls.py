"""Load-independent cost of the facts pass: ``python bench/facts_calls.py PATH [--limit N] [--top N]``.

Reads every Python file under PATH (or the first N, in discovery order) and runs
``extract_module_facts`` on each in this one process under cProfile; prints the number of Python
function calls (deterministic: the same code on the same tree gives the same count whatever the
machine's load) and the functions called most. Compare two checkouts with
``PYTHONPATH=<checkout> python bench/facts_calls.py PATH`` run from each; for instructions,
run it under ``valgrind --tool=callgrind`` with ``--no-profile`` and subtract a run with
``--limit 0`` (the imports and the reading).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

# This directory holds analyzer.py: keep it off sys.path so `analyzer` is the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]


def main() -> None:
    """Parse arguments, read the files, extract their facts (profiled unless --no-profile)."""
    from analyzer.facts import extract_module_facts
    from analyzer.source.discover import discover

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--top", type=int, default=0, help="also list the N functions called most")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    files = [f for f in discover(args.path).files if f.kind == "python"][: args.limit]
    data = [(args.path / f.path).read_bytes() for f in files]
    profile = None if args.no_profile else cProfile.Profile()
    if profile is not None:
        profile.enable()
    for source, text in zip(files, data, strict=True):
        extract_module_facts(text, source.path, source.module, source.is_package)
    if profile is None:
        return
    profile.disable()
    stats = pstats.Stats(profile)
    print(f"{len(files)} files, {stats.total_calls} function calls")  # type: ignore[attr-defined]
    if args.top:
        stats.sort_stats("ncalls").print_stats(args.top)


if __name__ == "__main__":
    main()
