"""``analyze`` with a cache on a generated project of 14 apps, edited step by step (a comment in
a file holding violations, a function body, a new import, a new model field, a file deleted, a
file renamed), writes after each step what a run without a cache writes, byte for byte; and the
snippets of the files an edit did not touch are taken from the cache."""

from __future__ import annotations

import pickle
from pathlib import Path

from tests.demonolith.generated_tree import write_tree
from tests.demonolith.test_incremental_analyze import _analyze, _assert_same_as_uncached


def _kept_snippets(cache: Path) -> dict[str, tuple[str, dict[int, tuple[int, tuple[str, ...]]]]]:
    (path,) = cache.glob("snippets-*.pickle")
    with path.open("rb") as handle:
        pickle.load(handle)  # the entry's key
        kept: dict[str, tuple[str, dict[int, tuple[int, tuple[str, ...]]]]] = pickle.load(handle)
    return kept


def test_each_edit_of_a_generated_project_gives_the_outputs_of_an_uncached_run(tmp_path: Path) -> None:
    root, out, cache = tmp_path / "tree", tmp_path / "out", tmp_path / "cache"
    names = write_tree(root)
    _analyze(root, out, "--cache-dir", str(cache))
    _assert_same_as_uncached(root, out, tmp_path, "cold")

    def step(name: str, path: Path, old: str | None, new: str) -> None:
        if new == "":
            path.unlink()
        elif old is None:
            path.write_text(path.read_text(encoding="utf-8") + new, encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
            assert old in text, (path, old)
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
        _analyze(root, out, "--cache-dir", str(cache))
        _assert_same_as_uncached(root, out, tmp_path, name)

    kept = _kept_snippets(cache)
    held = sorted(n for n in names if f"{n}/views.py" in kept)  # views holding violations
    assert len(held) >= 2
    at = names.index(held[0])
    first, second, third = (root / names[(at + k) % len(names)] for k in range(3))
    views, other = first / "views.py", f"{held[1]}/views.py"
    step("comment", views, "    # reads ", "    # a longer comment, same line: reads ")
    after = _kept_snippets(cache)
    assert after[f"{held[0]}/views.py"] != kept[f"{held[0]}/views.py"]  # the new comment shown
    assert after[other] == kept[other]
    target = names[(at + 5) % len(names)].title()
    step("body", views, "    return helper_1(rows)\n",
         f"    {target}M3.objects.filter(title='x').delete()\n    return helper_1(rows)\n")
    step("import", second / "services.py", None, f"\nfrom {target.lower()}.models import {target}M0\n\n\n"
         f"def count():\n    return {target}M0.objects.count()\n")
    step("field", third / "models.py", "    title = models.CharField(max_length=40)\n",
         "    title = models.CharField(max_length=40)\n"
         f'    owner = models.ForeignKey("{target.lower()}.{target}M1", on_delete=models.CASCADE)\n')
    step("lines-moved", second / "views.py", "from ", "# moved\n\nfrom ")
    step("deleted", root / held[1] / "services.py", None, "")
    (root / held[-1] / "views.py").rename(root / held[-1] / "pages.py")
    step("renamed", root / held[-1] / "urls.py", "from . import views\n", "from . import pages as views\n")
