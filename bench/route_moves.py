"""Routes the plan gives every service of an analysis: planned, moved by ``extract``, refused (by reason).

    PYTHONPATH=. .venv/bin/python bench/route_moves.py OUT/analysis.json [...]

Reads each analysis.json as ``extract`` does (``extractor.boundary``): moved routes are written to
the service's URLconf and routes file, refused ones are listed with their reason; the rest are
paths the generated project serves itself (reserved).
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

# bench/analyzer.py would shadow the analyzer package: keep this directory off sys.path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from extractor.boundary import moved_routes, planned_routes, refused_routes  # noqa: E402
from extractor.extract import load_analysis  # noqa: E402


def main(paths: list[str]) -> None:
    """One line per analysis, then its refusals by reason (the reason's first words)."""
    for path in paths:
        analysis = load_analysis(Path(path))
        planned = moved = 0
        reasons: collections.Counter[str] = collections.Counter()
        for service in analysis.services:
            planned += len(planned_routes(analysis, service))
            moved += len(moved_routes(analysis, service))
            reasons.update(r.split("): ", 1)[1][:70] for r in refused_routes(analysis, service))
        print(f"{path}: planned {planned}, moved {moved}, refused {sum(reasons.values())}")
        for reason, count in reasons.most_common():
            print(f"  {count:5d}  {reason}")


if __name__ == "__main__":
    main(sys.argv[1:])
