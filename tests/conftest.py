"""Suite-wide rules: in CI (``CI=true``) a skipped test is a failure; no test leaves a cache in a
fixture tree.

Some tests skip when a system tool is missing (graphviz, chromium, nginx, openssl, git) so a
developer without them can still run the rest; the Makefile installs them, so in CI a skip means
an install step broke and must not pass silently.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from tests.helpers.ports import refused_port


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
    """Turn a skip into a failure when running in CI."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI", "").lower() == "true" and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be skipped: {report.longrepr}"


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def fixtures_stay_clean() -> Iterator[None]:
    """Fail the test that wrote a facts cache into a fixture tree (the next test reading that
    fixture would find it warm, and which test that is depends on the order xdist picks)."""
    yield
    left = sorted(FIXTURES.glob("*/.demonolith-cache"))
    for path in left:
        shutil.rmtree(path, ignore_errors=True)
    assert not left, f"a cache was written into a fixture: {left[0]}"


@pytest.fixture()
def dead_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections for the whole test (bound, never listening)."""
    with refused_port() as port:
        yield port
