"""``analyze`` with a cache gives, byte for byte, what a run without one gives: warm, after an edit
that keeps every fact (the middle reused, only snippets re-read), after an edit that moves every
position below it, after an edit that changes the facts; and the cache is really used (the
middle's stages are not imported when it is reused)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.demonolith.test_cli import imported_modules

FIXTURE = Path(__file__).parents[1] / "fixtures" / "tiny_project"
STAMP = ".demonolith-outputs.json"


def _analyze(root: Path, out: Path, *cache: str, seed: str = "0") -> set[str]:
    """Run the real CLI; the modules it imported."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "demonolith", "-q", "analyze", str(root),
         "--out", str(out), *cache, "-j", "1", "--no-history", "--write-facts"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": seed},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return imported_modules(proc.stderr)


def _outputs(out: Path) -> dict[str, bytes]:
    found = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    found.pop(STAMP, None)
    return found


def _assert_same_as_uncached(root: Path, cached_out: Path, tmp_path: Path, name: str) -> None:
    uncached = tmp_path / f"{name}-uncached"
    _analyze(root, uncached, "--no-cache", seed="1")
    assert _outputs(cached_out) == _outputs(uncached)
    assert {"analysis.json", "facts.json", "report.md", "graph.dot", "report/index.html"} <= set(
        _outputs(uncached))


def test_cached_runs_write_what_an_uncached_run_writes(tmp_path: Path) -> None:
    root, out = tmp_path / "tree", tmp_path / "out"
    cache = ("--cache-dir", str(tmp_path / "cache"))
    shutil.copytree(FIXTURE, root)
    assert "networkx" in _analyze(root, out, *cache)
    _assert_same_as_uncached(root, out, tmp_path, "cold")
    written = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    assert "networkx" not in _analyze(root, out, *cache)  # warm: nothing rebuilt, nothing rewritten
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != "facts.json"} == {
        p: m for p, m in written.items() if p.name != "facts.json"}

    services = root / "orders" / "services.py"  # a comment on a violation's line: same facts
    services.write_text(services.read_text().replace("add_line(order.id, 1)",
                                                     "add_line(order.id, 1)  # one line per order"))
    assert "networkx" not in _analyze(root, out, *cache)
    assert b"# one line per order" in (out / "analysis.json").read_bytes()
    _assert_same_as_uncached(root, out, tmp_path, "comment")

    services.write_text("# a line above: every position below it moves\n" + services.read_text())
    assert "networkx" in _analyze(root, out, *cache)  # facts (their lines) changed: the middle again
    assert b"# one line per order" in (out / "analysis.json").read_bytes()
    _assert_same_as_uncached(root, out, tmp_path, "moved")

    models = root / "orders" / "models.py"  # a new model: the facts change
    coupon = "\n\nclass Coupon(m.Model):\n    code = m.CharField(max_length=9)\n"
    models.write_text(models.read_text() + coupon)
    assert "networkx" in _analyze(root, out, *cache)
    assert b"shop_orders.Coupon" in (out / "analysis.json").read_bytes()
    _assert_same_as_uncached(root, out, tmp_path, "model")
