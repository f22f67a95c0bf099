"""Reports of real code in Chromium: the sample monolith, and django-oscar from PyPI (slow).

Both run the real CLI (`demonolith analyze`, then `demonolith report`) as processes and open
the result from file://; screenshots go to test-artifacts/.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Playwright, expect

from tests.reports.browser import CHROMIUM, chromium, playwright_driver, screenshot, visit

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")]


def demonolith(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "demonolith", *args], capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def report_of(tree: Path, out: Path, cache: Path) -> Path:
    demonolith("analyze", str(tree), "--out", str(out), "--cache-dir", str(cache), "--no-history")
    demonolith("report", str(out / "analysis.json"), "--out", str(out))
    return out / "report" / "index.html"


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    driver: Playwright
    with playwright_driver() as driver, chromium(driver, tmp_path_factory.mktemp("profile")) as ctx:
        yield ctx


def test_the_sample_monolith_report(context: BrowserContext, tmp_path: Path) -> None:
    index = report_of(ROOT / "sample_monolith", tmp_path / "out", tmp_path / "cache")
    seen = visit(context, index)
    page = seen.page
    expect(page.locator("#overview")).to_be_visible()
    screenshot(page, "report-sample-overview.png")
    page.keyboard.press("/")
    page.keyboard.type("orders.Order")
    page.keyboard.press("Enter")
    expect(page.locator("#models")).to_be_visible()  # a model leads to why it is where it is
    expect(page.locator("#model-orders\\.Order")).to_be_in_viewport()
    page.click("nav.side a[href='#violations']")
    first = page.locator("details.violation").first
    first.locator("summary").click()
    expect(first.locator("pre.snippet .line.hit")).to_have_count(1)
    page.click("nav.side a[href='#data']")
    expect(page.locator("table.matrix td.owner").first).to_be_visible()
    assert seen.errors == [] and seen.foreign_requests() == []


@pytest.mark.slow
def test_the_django_oscar_report(context: BrowserContext, tmp_path: Path) -> None:
    from tests.analyzer.test_real_code import CACHE, unpacked

    tree = unpacked("django-oscar", "oscar") / "oscar"
    index = report_of(tree, tmp_path / "out", CACHE / "facts-django-oscar")
    seen = visit(context, index)
    page = seen.page
    for link in page.locator("nav.side a").all():
        link.click()
        expect(page.locator(".page.active")).to_have_count(1)
    screenshot(page, "report-oscar-last-page.png")
    assert seen.errors == [] and seen.foreign_requests() == []
