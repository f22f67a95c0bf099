"""Benchmark: how fast a 1,000-module report is written, and how fast it is usable in Chromium.

Run: .venv/bin/python bench/bench_report.py [--modules 1000] [--analysis analysis.json]
        [--chromium /usr/bin/chromium]

"Usable" is measured from the start of navigation to the moment the search box has returned a
result for a typed query and a service page has been shown from the service map. Also printed:
index.html's size, the DOM elements at first paint, and the what-if's recompute after one move
(as the page itself measures it). Targets (issue 20): < 4 MB, < 20k elements, usable < 1.5 s,
recompute < 300 ms. This is a benchmark, not a test: it prints numbers and asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from analyzer.model.analysis import analysis_from_json  # noqa: E402
from reports.writing import write_all  # noqa: E402
from tests.reports.synthetic import synthetic_analysis  # noqa: E402

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def measure_browser(index: Path, chromium: str, runs: int,
                    query: str = "mod042") -> tuple[list[float], int, list[float]]:
    """Seconds from navigation to a usable page per run, DOM elements at first paint, what-if ms."""
    timings, recomputes, elements = [], [], 0
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=chromium,
                                                       headless=True, args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = context.new_page()
            start = time.perf_counter()
            page.goto(index.as_uri(), wait_until="load")
            page.wait_for_selector("html[data-ready]", state="attached")
            elements = page.evaluate("document.getElementsByTagName('*').length")
            page.fill("#search", query)
            page.wait_for_selector("#search-results li[data-target]")
            page.click("#map-strong svg a >> nth=0")
            page.wait_for_selector(".service-page.active")
            timings.append(time.perf_counter() - start)
            recomputes.append(_whatif_move(page))
            page.close()
        context.close()
    return timings, elements, recomputes


def _whatif_move(page: Page) -> float:
    """Move the first model (else the first service) to a new service; the page's own timing."""
    page.evaluate("location.hash = '#whatif'")
    page.wait_for_selector("#whatif.active")
    if page.locator("#whatif-form").count() == 0:
        return float("nan")
    first = page.evaluate("(window.demonolithData['whatif-data'].items.find(i => i[1] === 'model')"
                          " || [null]) [0]")
    page.fill("#whatif-what", f"model {first[6:]}" if first else "service " +
              page.evaluate("window.demonolithData['whatif-data'].services[0]"))
    page.fill("#whatif-new", "bench_new")
    page.click("#whatif-form button")
    return float(page.evaluate("document.getElementById('whatif').dataset.recomputeMs"))


def main() -> None:
    """Write the synthetic report with graphviz and time it in the browser."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--query", default="mod042", help="what to type into the search box")
    parser.add_argument("--analysis", type=Path, help="a real analysis.json instead of the synthetic one")
    args = parser.parse_args()
    analysis = (analysis_from_json(args.analysis.read_text(encoding="utf-8")) if args.analysis
                else synthetic_analysis(modules=args.modules))
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        paths = write_all(analysis, Path(out))
        written = time.perf_counter() - start
        size = paths.index_html.stat().st_size
        timings, elements, recomputes = measure_browser(paths.index_html, args.chromium, args.runs,
                                                        args.query)
    print(f"source={args.analysis or f'synthetic, {args.modules} modules'} services={len(analysis.services)} "
          f"violations={len(analysis.violations)} graphviz={not paths.graphviz_missing}")
    print(f"write_all: {written:.2f} s, index.html {size / 1e6:.1f} MB")
    print("browser, navigation -> usable: " + ", ".join(f"{t:.2f}" for t in timings)
          + f" s (best {min(timings):.2f}, worst {max(timings):.2f}; target < 1.5 s)")
    print(f"DOM elements at first paint: {elements} (target < 20000)")
    print("what-if recompute after a move: " + ", ".join(f"{t:.1f}" for t in recomputes)
          + " ms (target < 300)")


if __name__ == "__main__":
    main()
