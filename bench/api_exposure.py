"""Which functions of real projects become endpoints of a generated service's internal API.

For each analysis.json given: every proposed service's code is carried (``extractor.carry.carry``,
no Django run), and the function interfaces the analysis lists for it are counted: those that get an
endpoint (GET: only reads; POST: may write) and those that do not, by reason (``remote_calls``).
Counts, not timings.

    python bench/api_exposure.py OUT/oscar/analysis.json OUT/pretalx/analysis.json
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.carry import carry  # noqa: E402
from extractor.extract import load_analysis  # noqa: E402
from extractor.project import function_entries  # noqa: E402
from extractor.pysource import SourceTree  # noqa: E402


def exposure_row(path: Path) -> str:
    """One line for one analysis: interfaces, endpoints (GET/POST) and the others by reason."""
    analysis = load_analysis(path)
    tree = SourceTree(Path(analysis.source_root).resolve())
    methods: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    for service in analysis.services:
        carried = carry(analysis, service, tree)
        methods.update(e["method"] for e in function_entries(analysis, service, carried))
        hidden.update(line.split(": ", 1)[1].split(":")[0] for line in carried.hidden_functions)
    total = sum(1 for i in analysis.interfaces if i.kind == "function")
    reasons = "; ".join(f"{why}: {count}" for why, count in sorted(hidden.items()))
    return (f"{analysis.project_name}: {total} function interfaces, {sum(methods.values())} endpoints "
            f"(GET {methods['GET']}, POST {methods['POST']}), {sum(hidden.values())} without: {reasons}")


def main() -> None:
    """Print one row per analysis.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("analyses", nargs="+", type=Path)
    for path in parser.parse_args().analyses:
        print(exposure_row(path))


if __name__ == "__main__":
    main()
