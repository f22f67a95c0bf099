"""The explanations in the real headless Chromium: the models page, its filter, deep links, fixes.

Marked ``browser``; screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Playwright, expect

from reports.writing import write_all
from tests.reports.browser import CHROMIUM, chromium, playwright_driver, screenshot, visit
from tests.reports.fakes import explained_analysis

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")]


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    driver: Playwright
    with playwright_driver() as driver, chromium(driver, tmp_path_factory.mktemp("profile")) as ctx:
        yield ctx


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_all(explained_analysis(), tmp_path_factory.mktemp("explained"), renderer=None).index_html


def test_a_deep_link_to_a_model_opens_its_reason(context: BrowserContext, report: Path) -> None:
    seen = visit(context, report, "model-orders.OrderLine")
    row = seen.page.locator("#model-orders\\.OrderLine")
    expect(seen.page.locator("#models")).to_be_visible()
    expect(row).to_be_in_viewport()
    expect(row).to_contain_text("orders.OrderLine is here because it is a CASCADE child of orders.Order "
                                "(orders/models.py:15).")
    screenshot(seen.page, "report-explained-models.png")
    assert seen.errors == [] and seen.foreign_requests() == []


def test_the_models_page_filters_as_one_types(context: BrowserContext, report: Path) -> None:
    page = visit(context, report, "models").page
    page.fill('input[data-filters="model-table"]', "away from")
    expect(page.locator("#model-table tbody tr:visible")).to_have_count(1)
    expect(page.locator("#model-table tbody tr:visible")).to_contain_text("catalog.Review")
    expect(page.locator('[data-count-of="model-table"]')).to_have_text("1 of 4 models")


def test_an_aggregate_on_a_service_page_links_to_its_model(context: BrowserContext, report: Path) -> None:
    page = visit(context, report, "svc-orders").page
    page.locator(".aggregates a", has_text="orders.Order").click()
    expect(page.locator("#model-orders\\.Order")).to_be_in_viewport()
    expect(page.locator("#model-orders\\.Order")).to_contain_text("root of an aggregate of 2 models")


def test_a_service_pages_violations_carry_their_fix(context: BrowserContext, report: Path) -> None:
    page = visit(context, report, "svc-orders").page
    box = page.locator('[data-violations-of="orders"]')
    expect(box.locator("th").last).to_have_text("fix")
    expect(box).to_contain_text("Replace the ForeignKey with product_id and read products via catalog's API.")


def test_search_for_a_model_jumps_to_its_reason_on_the_models_page(context: BrowserContext,
                                                                   report: Path) -> None:
    seen = visit(context, report)
    page = seen.page
    page.keyboard.press("/")
    page.keyboard.type("OrderLine")
    first = page.locator("#search-results li[data-target]").first
    expect(first).to_contain_text("orders.OrderLine")
    page.keyboard.press("Enter")
    expect(page.locator("#models")).to_be_visible()
    assert page.evaluate("location.hash") == "#model-orders.OrderLine"
    row = page.locator("#model-orders\\.OrderLine")
    expect(row).to_be_in_viewport()
    expect(row).to_contain_text("CASCADE child of orders.Order")
    assert seen.errors == []


def test_a_split_module_on_a_service_page_leads_to_the_module_and_back(context: BrowserContext,
                                                                       report: Path) -> None:
    seen = visit(context, report, "svc-orders")
    page = seen.page
    splits = page.locator("#svc-orders table.splits")
    expect(splits).to_contain_text("1 to catalog (they write catalog.Product)")
    splits.locator("a", has_text="orders.views").click()
    expect(page.locator("#svc-orders-module-orders\\.views")).to_be_in_viewport()  # its group opened
    page.locator("#svc-orders-module-orders\\.views .badge.split").click()
    expect(page.locator("#svc-orders-section-splits")).to_be_in_viewport()
    assert seen.errors == []
