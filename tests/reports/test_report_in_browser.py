"""The report in a real headless Chromium, opened from file://: no errors, no network, usable.

Marked ``browser``; runs by default. Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Playwright, expect

from reports.writing import write_all
from tests.helpers.small_analysis import small_analysis
from tests.reports.browser import CHROMIUM, chromium, playwright_driver, screenshot, visit
from tests.reports.synthetic import synthetic_analysis

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
def small_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_all(small_analysis(), tmp_path_factory.mktemp("small")).index_html


@pytest.fixture(scope="module")
def big_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_all(synthetic_analysis(modules=1000), tmp_path_factory.mktemp("big")).index_html


def test_overview_opens_without_errors_or_network(context: BrowserContext, small_report: Path) -> None:
    seen = visit(context, small_report)
    expect(seen.page.locator("#overview")).to_be_visible()
    expect(seen.page.locator("#svc-orders")).to_be_hidden()
    expect(seen.page.locator("#overview h1")).to_contain_text("shop")
    screenshot(seen.page, "report-small-overview.png")
    assert seen.errors == []
    assert seen.requests and seen.foreign_requests() == []


def test_clicking_a_service_opens_its_page(context: BrowserContext, small_report: Path) -> None:
    seen = visit(context, small_report)
    page = seen.page
    if page.locator("#overview svg.graph-svg a").count():
        page.locator("#overview svg.graph-svg a", has_text="orders").first.click()
    else:  # no graphviz here: the navigation does the same
        page.click("nav.side a[href='#svc-orders']")
    expect(page.locator("#svc-orders")).to_be_visible()
    expect(page.locator("#overview")).to_be_hidden()
    expect(page.locator("#svc-orders")).to_contain_text("catalog.models.Product")  # what it calls
    expect(page.locator("nav.side a.active")).to_have_text("orders 2")
    assert seen.errors == [] and seen.foreign_requests() == []


def test_search_finds_a_model_and_jumps_to_its_service(context: BrowserContext,
                                                        small_report: Path) -> None:
    seen = visit(context, small_report)
    page = seen.page
    page.keyboard.press("/")
    page.keyboard.type("Order")
    first = page.locator("#search-results li[data-target]").first
    expect(first).to_contain_text("orders.Order")
    page.keyboard.press("Enter")
    expect(page.locator("#svc-orders")).to_be_visible()
    assert page.evaluate("location.hash") == "#svc-orders-model-orders.Order"
    expect(page.locator("#svc-orders-model-orders\\.Order")).to_be_in_viewport()
    assert seen.errors == []


def test_large_drawings_wait_packed_and_are_drawn_when_their_page_opens(context: BrowserContext,
                                                                         big_report: Path) -> None:
    html = big_report.read_text(encoding="utf-8")
    assert "data-packed-svg=" in html and '<svg' not in html.split('<template class="lazy-page"')[1]
    seen = visit(context, big_report)
    page = seen.page
    expect(page.locator("#overview [data-zoom] svg.graph-svg").first).to_be_attached()  # drawn before ready
    page.locator("nav.side a.nav-svc").first.click()
    picture = page.locator(".service-page.active [data-zoom] svg.graph-svg")
    expect(picture).to_be_visible()
    before = picture.get_attribute("viewBox")
    page.locator(".service-page.active [data-zoom-in]").click()
    assert picture.get_attribute("viewBox") != before  # zoomable once drawn
    assert page.locator(".service-page.active [data-packed-svg]").count() == 0
    assert seen.errors == []


def test_what_a_service_name_comes_from_is_shown(context: BrowserContext, small_report: Path) -> None:
    seen = visit(context, small_report)
    page = seen.page
    reason = "named after Order, root of 1 of its 1 models"
    expect(page.locator("#overview tr", has_text="orders").locator(".name-reason")).to_have_text(reason)
    page.click("nav.side a[href='#svc-orders']")
    expect(page.locator("#svc-orders .name-reason")).to_be_visible()
    expect(page.locator("#svc-orders .name-reason")).to_have_text(f"Its name: {reason}.")
    expect(page.locator("#svc-orders p.meta", has_text="apps:")).to_contain_text("1 model · 1 table")
    assert seen.errors == []


def test_a_violation_opens_with_its_source_lines(context: BrowserContext, small_report: Path) -> None:
    seen = visit(context, small_report, "violations")
    page = seen.page
    violation = page.locator("details.violation", has_text="orders.Order.product")
    snippet = violation.locator("pre.snippet")
    expect(snippet).to_be_hidden()
    violation.locator("summary").click()
    expect(snippet).to_be_visible()
    expect(snippet.locator(".line.hit")).to_have_text(
        "6    product = models.ForeignKey(Product, on_delete=models.PROTECT)")
    screenshot(page, "report-small-violation.png")
    page.select_option("#filter-kind", "distributed-transaction")
    expect(violation).to_be_hidden()
    expect(page.locator("#filter-count")).to_have_text("1 of 2 shown")
    page.select_option("#filter-kind", "")
    page.select_option("#filter-service", "catalog")
    expect(page.locator("#filter-count")).to_have_text("2 of 2 shown")
    assert seen.errors == []


def test_dark_mode_and_zoom(driver: Playwright, tmp_path: Path, small_report: Path) -> None:
    with chromium(driver, tmp_path / "profile", color_scheme="dark") as dark:
        seen = visit(dark, small_report)
        page = seen.page
        background = page.evaluate("getComputedStyle(document.body.parentElement).backgroundColor")
        assert background == "rgb(20, 23, 28)"
        if page.locator("#map-strong svg.graph-svg").count():
            svg = page.locator("#map-strong svg.graph-svg")
            before = svg.get_attribute("viewBox")
            page.click("#map-strong [data-zoom-in]")
            assert svg.get_attribute("viewBox") != before
            page.click("#map-strong [data-zoom-reset]")
            assert svg.get_attribute("viewBox") == before
            box = svg.bounding_box()
            assert box is not None
            page.mouse.move(box["x"] + 5, box["y"] + 5)
            page.mouse.down()
            page.mouse.move(box["x"] + 60, box["y"] + 25, steps=5)
            page.mouse.up()
            assert svg.get_attribute("viewBox") != before  # dragged: panned
        screenshot(page, "report-small-dark.png")
        assert seen.errors == []


def test_a_thousand_module_report_is_usable(context: BrowserContext, big_report: Path) -> None:
    seen = visit(context, big_report)
    page = seen.page
    page.fill("#search", "mod042")
    results = page.locator("#search-results li[data-target]")
    expect(results.first).to_contain_text("mod042")
    assert results.filter(has_text="module").count() == 20  # one mod042 per service
    results.filter(has_text="app03.mod042").first.click()
    expect(page.locator("#svc-svc03")).to_be_visible()
    expect(page.locator(".service-page.active")).to_have_count(1)
    page.click("nav.side a[href='#violations']")
    expect(page.locator("#filter-count")).to_have_text("400 of 400 shown (first 100 listed)")
    expect(page.locator("details.violation")).to_have_count(100)  # drawn a batch at a time
    page.select_option("#filter-service", "svc07")
    count = page.locator("#filter-count").inner_text()
    assert count.endswith("of 400 shown") and int(count.split()[0]) < 400
    screenshot(page, "report-1000-modules.png")
    assert seen.errors == [] and seen.foreign_requests() == []
