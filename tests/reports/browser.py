"""Drive the report in the real headless Chromium: a visit records console errors and requests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@contextmanager
def playwright_driver() -> Iterator[Playwright]:
    """Yield the one Playwright driver of a test module.

    The sync API runs its own event loop, so a second ``sync_playwright()`` while one is open
    fails; every browser of a module is launched from this one driver instead.
    """
    with sync_playwright() as playwright:
        yield playwright


@contextmanager
def chromium(playwright: Playwright, profile: Path,
             color_scheme: str = "light") -> Iterator[BrowserContext]:
    """Yield a Chromium context with a fresh profile in ``profile`` (the system's binary)."""
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1400, "height": 900}, color_scheme=color_scheme,  # type: ignore[arg-type]
    )
    try:
        yield context
    finally:
        context.close()


@dataclass
class Visit:
    """One page of the report and what happened while it was open."""

    page: Page
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Return requests to anything but the report's own file (and inline data: URLs)."""
        return [url for url in self.requests if not url.startswith(("file://", "data:"))]


def visit(context: BrowserContext, index: Path, fragment: str = "") -> Visit:
    """Open ``index`` (plus ``#fragment``) in a new page, recording errors and requests."""
    page = context.new_page()
    seen = Visit(page)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.on("requestfailed", lambda r: seen.errors.append(f"failed: {r.url}"))
    page.on("request", lambda r: seen.requests.append(r.url))
    page.goto(index.as_uri() + (f"#{fragment}" if fragment else ""), wait_until="load")
    page.wait_for_selector("html[data-ready]", state="attached")  # the packed data is unpacked
    return seen


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot under test-artifacts/ (git-ignored) and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=False)
    return path
