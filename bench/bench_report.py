"""Benchmark: how fast a 1,000-module report is written, and how fast it is usable in Chromium.

Run: .venv/bin/python bench/bench_report.py [--modules 1000] [--chromium /usr/bin/chromium]

"Usable" is measured from the start of navigation to the moment the search box has returned a
result for a typed query and a service page has been shown from the service map. The target
(issue 6) is under 3 s. This is a benchmark, not a test: it prints numbers and asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from reports.writing import write_all  # noqa: E402
from tests.reports.synthetic import synthetic_analysis  # noqa: E402

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def measure_browser(index: Path, chromium: str, runs: int) -> list[float]:
    """Return the seconds from navigation to a usable page, for each run (fresh page each time)."""
    timings = []
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=chromium,
                                                       headless=True, args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = context.new_page()
            start = time.perf_counter()
            page.goto(index.as_uri(), wait_until="load")
            page.fill("#search", "mod042")
            page.wait_for_selector("#search-results li[data-target]")
            page.click("#overview svg a >> nth=0")
            page.wait_for_selector(".service-page.active")
            timings.append(time.perf_counter() - start)
            page.close()
        context.close()
    return timings


def main() -> None:
    """Write the synthetic report with graphviz and time it in the browser."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    analysis = synthetic_analysis(modules=args.modules)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        paths = write_all(analysis, Path(out))
        written = time.perf_counter() - start
        size = paths.index_html.stat().st_size
        timings = measure_browser(paths.index_html, args.chromium, args.runs)
    print(f"modules={args.modules} services={len(analysis.services)} "
          f"violations={len(analysis.violations)} graphviz={not paths.graphviz_missing}")
    print(f"write_all: {written:.2f} s, index.html {size / 1e6:.1f} MB")
    print("browser, navigation -> usable: " + ", ".join(f"{t:.2f}" for t in timings)
          + f" s (best {min(timings):.2f}, worst {max(timings):.2f}; target < 3 s)")


if __name__ == "__main__":
    main()
