"""``analyze`` with a cache on a tree edited step by step (lines moved, a relation, a model, a
route, a file deleted, a module renamed) writes, after each step, what a run without a cache
writes, byte for byte; and the project pass's kept models and routes are reused exactly when
what they read is unchanged."""

from __future__ import annotations

import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

from tests.demonolith.test_incremental_analyze import FIXTURE, _analyze, _assert_same_as_uncached


def _kept_keys(cache: Path) -> dict[str, str]:
    """The keys of the models and routes the last project pass kept."""
    (path,) = cache.glob("resolve-*.pickle")
    with path.open("rb") as handle:
        pickle.load(handle)  # the entry's key
        kept = pickle.load(handle)
    return {"models": kept.models.key, "routes": kept.routes.key}


def test_each_step_of_an_edit_gives_the_outputs_of_an_uncached_run(tmp_path: Path) -> None:
    root, out, cache = tmp_path / "tree", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(FIXTURE, root)
    _analyze(root, out, "--cache-dir", str(cache))
    _assert_same_as_uncached(root, out, tmp_path, "cold")

    def recomputed(name: str, edit: Callable[[], object]) -> set[str]:
        """Apply ``edit``, run with the cache and compare with an uncached run; the kept stages
        computed again."""
        before = _kept_keys(cache)
        edit()
        _analyze(root, out, "--cache-dir", str(cache))
        _assert_same_as_uncached(root, out, tmp_path, name)
        after = _kept_keys(cache)
        return {stage for stage in before if after[stage] != before[stage]}

    orders = root / "orders"
    views, models, urls = orders / "views.py", orders / "models.py", orders / "urls.py"
    services = orders / "services.py"
    assert recomputed("moved", lambda: _prepend(root / "customers" / "views.py", "# moved\n\n")) == set()
    # the calls of a module are read where they are (a URL helper's call gives routes there)
    assert recomputed("calls-moved", lambda: _prepend(services, "# moved\n")) == {"routes"}
    assert recomputed("appended", lambda: _append(views, "\n# the end\n")) == set()
    # a class moved: a model found through its bases alone would be placed where it is
    assert recomputed("class-moved", lambda: _prepend(views, "# moved\n")) == {"models"}
    line = "    quantity = m.IntegerField()\n"
    relation = line + '    account = m.ForeignKey("customers.Account", on_delete=m.PROTECT)\n'
    assert recomputed("relation", lambda: _replace(models, line, relation)) == {"models"}
    coupon = "\n\nclass Coupon(m.Model):\n    code = m.CharField(max_length=9)\n"
    assert recomputed("model", lambda: _append(models, coupon)) == {"models", "routes"}  # a label
    assert b"shop_orders.Coupon" in (out / "analysis.json").read_bytes()
    assert recomputed("models-moved", lambda: _prepend(models, "# moved\n")) == {"models"}
    route = 'urlpatterns += [path("again/", views.order_list)]\n'
    assert recomputed("route", lambda: _append(urls, route)) == {"routes"}
    assert b'"/orders/again/"' in (out / "analysis.json").read_bytes()
    assert recomputed("deleted", lambda: (orders / "tasks.py").unlink()) == {"models", "routes"}
    assert recomputed("renamed", lambda: services.rename(orders / "checkout.py")) == {"models", "routes"}


def _prepend(path: Path, text: str) -> None:
    path.write_text(text + path.read_text())


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
