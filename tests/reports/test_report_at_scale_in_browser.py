"""The report of the real sample monolith in headless Chromium: what-if, deep links, ownership table.

Marked ``browser``. The what-if is driven as a user would (type, choose, move) and checked
against the same page's numbers; nothing here is timed (bench/bench_report.py measures).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Playwright, expect

from tests.reports.browser import CHROMIUM, chromium, playwright_driver, visit

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")]


@pytest.fixture(scope="module")
def driver() -> Iterator[Playwright]:
    with playwright_driver() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def context(driver: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with chromium(driver, tmp_path_factory.mktemp("profile")) as ctx:
        yield ctx


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    proc = subprocess.run([sys.executable, "-m", "demonolith", "analyze", str(ROOT / "sample_monolith"),
                           "--out", str(out), "--no-cache"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out / "report" / "index.html"


def metric(page: object, label: str) -> list[str]:
    row = page.locator("#whatif-metrics tr", has_text=label).first  # type: ignore[attr-defined]
    return [c.strip() for c in row.inner_text().split("\t")]


def test_moving_a_model_changes_crossings_and_exports_a_pin(context: BrowserContext,
                                                            sample_report: Path) -> None:
    seen = visit(context, sample_report, "whatif")
    page = seen.page
    baseline = metric(page, "crossings (all kinds)")
    assert baseline[1] == baseline[2]  # before any move, the what-if is the proposal
    violations = page.locator("nav.side a[href='#violations'] .count").inner_text()
    assert int(baseline[1]) >= int(violations)  # per coupling edge; the analyzer merges sites
    page.fill("#whatif-what", "model orders.Order")
    page.fill("#whatif-new", "ordering")
    page.click("#whatif-form button")
    moved = metric(page, "crossings (all kinds)")
    assert moved[2] != moved[1] and moved[3] != "="
    expect(page.locator("#whatif-plan")).to_contain_text("ordering")
    expect(page.locator("#whatif-toml")).to_contain_text('"orders.Order" = "ordering"')
    expect(page.locator("#whatif-time")).to_contain_text("recomputed in")
    page.click("#whatif-moves button")  # undo
    assert metric(page, "crossings (all kinds)")[2] == baseline[1]
    page.fill("#whatif-what", "model nosuch.Model")
    page.click("#whatif-form button")
    expect(page.locator("#whatif-error")).to_contain_text("nothing in the proposal")
    assert seen.errors == [] and seen.foreign_requests() == []


def test_a_deep_link_shows_its_heading_below_the_sticky_header(context: BrowserContext,
                                                                sample_report: Path) -> None:
    seen = visit(context, sample_report, "svc-orders-section-routes")
    page = seen.page
    heading = page.locator("#svc-orders-section-routes")
    expect(heading).to_be_visible()
    header = page.locator("header.top").bounding_box()
    box = heading.bounding_box()
    assert header is not None and box is not None
    assert box["y"] >= header["y"] + header["height"], (box, header)
    assert seen.errors == []


def test_a_deep_link_to_a_violation_opens_it_with_its_lines(context: BrowserContext,
                                                            sample_report: Path) -> None:
    seen = visit(context, sample_report, "violations")
    page = seen.page
    last = page.locator("details.violation").last
    target = last.get_attribute("id")
    page.goto(sample_report.as_uri() + "#overview")
    page.goto(sample_report.as_uri() + f"#{target}")
    page.wait_for_selector("html[data-ready]", state="attached")
    entry = page.locator(f"[id='{target}']")
    expect(entry).to_have_attribute("open", "")
    expect(entry.locator(".remedy")).to_be_visible()
    assert seen.errors == []


def test_the_ownership_table_sorts_and_filters(context: BrowserContext, sample_report: Path) -> None:
    seen = visit(context, sample_report, "data")
    page = seen.page
    rows = page.locator("#ownership tbody tr")
    total = rows.count()
    page.click("#ownership thead th:nth-child(2)")  # owner
    owners = [r.strip() for r in page.locator("#ownership tbody tr td:nth-child(2)").all_inner_texts()]
    assert owners == sorted(owners, key=str.lower) or owners == sorted(owners)
    page.fill("input[data-filters='ownership']", "orders_")
    visible = page.locator("#ownership tbody tr:not([hidden])")
    assert 0 < visible.count() < total
    assert all("orders_" in t for t in visible.all_inner_texts())
    assert seen.errors == []


def test_search_jumps_into_a_page_that_was_not_drawn_yet(context: BrowserContext,
                                                         sample_report: Path) -> None:
    seen = visit(context, sample_report)
    page = seen.page
    assert page.locator("#svc-catalog").count() == 0  # pages are drawn when opened
    page.fill("#search", "catalog_product")
    page.locator("#search-results li[data-target]").first.click()
    expect(page.locator(".page.active")).to_have_count(1)
    expect(page.locator(".page.active")).to_contain_text("catalog_product")
    assert seen.errors == []
