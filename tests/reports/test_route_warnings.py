"""A route the analyzer could not resolve is listed with its ``path:line`` in both reports, as a
new user runs them (the real CLI on a real tree), however many other warnings there are: in
report.md among the first places of each cause, in the HTML report under its own cause with
what to do."""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    root = tmp_path_factory.mktemp("tree") / "tiny_project"
    shutil.copytree(FIXTURES / "tiny_project", root)
    urls = root / "shop" / "urls.py"
    urls.write_text(urls.read_text(encoding="utf-8").replace(
        'path("orders/", include("orders.urls")),',
        'path(os.environ["ORDERS_PREFIX"], include("orders.urls")),').replace(
        "from django.urls", "import os\n\nfrom django.urls"), encoding="utf-8")
    legacy = root / "aa_legacy"  # sorted before the route's place, each one warning
    legacy.mkdir()
    for number in range(12):
        (legacy / f"old{number:02}.py").write_text("print 'x'\n", encoding="utf-8")
    out = root.parent / "out"
    done = subprocess.run([sys.executable, "-m", "demonolith", "analyze", str(root), "--out", str(out),
                           "--no-cache", "-j", "1", "-q"], capture_output=True, text=True, timeout=240,
                          check=False)
    assert done.returncode == 0, done.stderr
    return ((out / "report.md").read_text(encoding="utf-8"),
            html.unescape((out / "report" / "index.html").read_text(encoding="utf-8")))


def test_report_md_lists_the_unresolved_route_behind_many_other_warnings(reports: tuple[str, str]) -> None:
    markdown, _ = reports
    warnings = markdown.split("### Warnings", 1)[1]
    assert "- `orders/urls.py:9` unresolved route: /{os.environ['ORDERS_PREFIX']}" in warnings
    assert "`aa_legacy/old00.py:1` syntax error" in warnings
    assert "…and 5 more in the HTML report" in warnings  # 15 warnings, 10 shown


def test_the_html_report_groups_route_warnings_by_their_cause_with_advice(reports: tuple[str, str]) -> None:
    _, page = reports
    assert '<summary><b>unresolved route</b> <span class="count warn">3</span>' in page
    assert "extract writes no proxy prefix for it" in page
    assert "orders/urls.py:9" in page
