"""``analyze`` with a cache gives, byte for byte, what a run without one gives: warm, after an edit
that keeps every fact (the middle reused, only snippets re-read), after an edit that moves every
position below it, after an edit that changes the facts; and the cache is really used (the
middle's stages are not imported when it is reused; the partition and the metrics are not
computed again after an edit that moves lines only, and are after one that changes a size, a
relation or a model)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from analyzer.middle_cache import DESCRIBED_CACHE_TAG, METRICS_CACHE_TAG, PARTITION_CACHE_TAG
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


def _assert_same_as_uncached(root: Path, cached_out: Path, tmp_path: Path, name: str,
                             *options: str) -> None:
    uncached = tmp_path / f"{name}-uncached"
    _analyze(root, uncached, "--no-cache", *options, seed="1")
    assert _outputs(cached_out) == _outputs(uncached)
    assert {"analysis.json", "facts.json", "report.md", "graph.dot", "report/index.html"} <= set(
        _outputs(uncached))


def _snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    return {name: (data, (out / name).stat().st_mtime_ns) for name, data in _outputs(out).items()}


def _kept_unless_changed(out: Path, before: dict[str, tuple[bytes, int]]) -> set[str]:
    """Assert each output file whose bytes did not change since ``before`` was not written again;
    those files."""
    after = _snapshot(out)
    same = {name for name, (data, _) in after.items() if name in before and before[name][0] == data}
    assert {name: after[name][1] for name in same} == {name: before[name][1] for name in same}
    return same


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

    before = _snapshot(out)
    services.write_text("# a line above: every position below it moves\n" + services.read_text())
    assert "networkx" in _analyze(root, out, *cache)  # facts (their lines) changed: the middle again
    assert b"# one line per order" in (out / "analysis.json").read_bytes()
    _assert_same_as_uncached(root, out, tmp_path, "moved")
    assert "graph.dot" in _kept_unless_changed(out, before)  # the files with the same bytes: not written

    before = _snapshot(out)
    models = root / "orders" / "models.py"  # a new model: the facts change
    coupon = "\n\nclass Coupon(m.Model):\n    code = m.CharField(max_length=9)\n"
    models.write_text(models.read_text() + coupon)
    assert "networkx" in _analyze(root, out, *cache)
    assert b"shop_orders.Coupon" in (out / "analysis.json").read_bytes()
    _assert_same_as_uncached(root, out, tmp_path, "model")
    _kept_unless_changed(out, before)


TOOLING = 'from django.db import connection\n\n\ndef rows(): return connection.cursor().execute("{sql}")\n'
SQL = "SELECT id, body FROM audit_log"


def with_tooling(root: Path) -> Path:
    """``root`` with an app whose one-line function owns a table: a cluster fold_minor folds
    for its size (1 line, under a tenth of the mean), and keeps as a service at 2 lines."""
    (root / "tooling").mkdir()
    (root / "tooling" / "__init__.py").write_text("")
    (root / "tooling" / "export.py").write_text(TOOLING.format(sql=SQL))
    settings = root / "shop" / "settings.py"
    settings.write_text(settings.read_text().replace('"customers",\n', '"customers",\n    "tooling",\n'))
    return root / "tooling" / "export.py"


def test_the_partition_and_metrics_are_reused_exactly_when_what_they_read_is_unchanged(
        tmp_path: Path) -> None:
    root, out, cache = tmp_path / "tree", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(FIXTURE, root)
    export = with_tooling(root)
    tags = {"partition": PARTITION_CACHE_TAG, "described": DESCRIBED_CACHE_TAG, "metrics": METRICS_CACHE_TAG}
    entries = {stage: cache / f"{stage}-{tag}.pickle" for stage, tag in tags.items()}
    _analyze(root, out, "--cache-dir", str(cache))
    assert b"folded tooling.export.rows (1 line, table audit_log)" in (out / "analysis.json").read_bytes()
    _assert_same_as_uncached(root, out, tmp_path, "cold")

    def recomputed(edit: Callable[[], None], name: str, *options: str) -> set[str]:
        """Apply ``edit``, run with the cache (and ``options``), compare with an uncached run;
        the stages whose cache entry was rewritten (computed again)."""
        before = {stage: (path.read_bytes(), path.stat().st_mtime_ns) for stage, path in entries.items()}
        edit()
        _analyze(root, out, "--cache-dir", str(cache), *options)
        _assert_same_as_uncached(root, out, tmp_path, name, *options)
        return {stage for stage, path in entries.items()
                if (path.read_bytes(), path.stat().st_mtime_ns) != before[stage]}

    services, models = root / "orders" / "services.py", root / "orders" / "models.py"
    # (a) positions move, no module is longer or shorter as the partition sees it: the same
    # partition; the metrics tell transactions apart by their sites, and services.py has some
    assert recomputed(lambda: _prepend(models, "# moved\n\n"), "moved-models") == set()
    assert recomputed(lambda: _prepend(services, "# moved\n"), "moved") == {"metrics"}
    # (b) the folded function grows to two lines: the tooling cluster is a service again
    grown = TOOLING.format(sql=SQL).replace("(): ", "():\n    ")
    assert recomputed(lambda: export.write_text(grown), "size") == {"partition", "described", "metrics"}
    assert b"folded tooling" not in (out / "analysis.json").read_bytes()
    # (c) a relation between two models that were there, then a new model
    line = "    quantity = m.IntegerField()\n"
    relation = line + '    account = m.ForeignKey("customers.Account", on_delete=m.PROTECT)\n'
    assert recomputed(lambda: models.write_text(models.read_text().replace(line, relation)),
                      "relation") == {"partition", "described", "metrics"}
    coupon = "\n\nclass Coupon(m.Model):\n    code = m.CharField(max_length=9)\n"
    assert recomputed(lambda: models.write_text(models.read_text() + coupon), "model") == {
        "partition", "described", "metrics"}
    # (d) the same tree, another service count asked for (3 without it)
    assert recomputed(lambda: None, "count", "--services", "2") == {"partition", "described", "metrics"}


def _prepend(path: Path, text: str) -> None:
    path.write_text(text + path.read_text())
