"""Test code is no part of the project's URLs: a test URLconf's patterns are never a root and never
planned for a service (listed unreachable, with the reason), unless a project URLconf includes them
(tests/fixtures/test_code_routes, a library with no settings, like django-oscar:
``oscar/test/factories/urls.py`` was planned as a service's routes); a project made to run the
tests (``shoplib/testproject``, as ``misago/core/testproject``) is test code too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "test_code_routes"


def test_a_test_urlconf_gives_no_route_and_an_included_one_stays(tmp_path: Path) -> None:
    out = tmp_path / "analysis"
    subprocess.run([sys.executable, "-m", "demonolith", "analyze", str(FIXTURE), "--out", str(out),
                    "--no-cache", "--no-history", "-q"],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    routes = {r["pattern"]: r for r in analysis["routes"]}
    assert sorted(routes) == ["/dashboard/band/", "/demo/", "/probe/ping/", "/shop/orders/"]
    assert not routes["/dashboard/band/"]["reachable"]  # not a root: only its local pattern is known
    assert any(w["path"] == "shoplib/test/factories/urls.py" and "in a test module" in w["reason"]
               for w in analysis["warnings"])
    assert not routes["/demo/"]["reachable"]  # shoplib/testproject/urls.py: no root either
    assert any(w["path"] == "shoplib/testproject/urls.py" and "in a test module" in w["reason"]
               for w in analysis["warnings"])
    assert routes["/probe/ping/"]["reachable"]  # a project URLconf includes shoplib/testing/urls.py
    planned = [p for s in analysis["services"] for p in s["routes"]]
    assert "/dashboard/band/" not in planned and "/demo/" not in planned
    assert {m["label"] for m in analysis["models"]} == {"orders.Order"}  # Band: a test module's class
