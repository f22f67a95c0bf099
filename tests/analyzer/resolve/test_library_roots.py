"""A ``ROOT_URLCONF`` of a library outside the tree whose patterns are known (djblets's
``djblets.urls.root``, Review Board's root): it mounts the URLconf its setting names at its prefix
setting (``tests/fixtures/library_root``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FIXTURE = Path(__file__).parents[2] / "fixtures" / "library_root"


def _facts(root: Path) -> ProjectFacts:
    return extract_project_facts(root, FactsOptions(use_cache=False, jobs=1))


def _with_settings(tmp_path: Path, old: str, new: str) -> ProjectFacts:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE, root)
    settings = root / "board" / "settings.py"
    settings.write_text(settings.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return _facts(root)


def test_the_library_root_mounts_the_urlconf_its_setting_names() -> None:
    facts = _facts(FIXTURE)
    assert [(r.route, r.name, r.reachable) for r in facts.routes] == [
        ("/dashboard/", "dashboard", True), ("/extra/", "extra", False)]  # not a root: nothing includes it
    [warning] = [w for w in facts.warnings if w.code == "unreached-route"]
    assert "included by no URLconf followed from djblets.urls.root" in warning.message


def test_its_prefix_is_the_site_root_setting_without_its_leading_slash(tmp_path: Path) -> None:
    facts = _with_settings(tmp_path, 'SITE_ROOT = "/"', 'SITE_ROOT = "/reviews/"')
    assert [(r.route, r.reachable) for r in facts.routes] == [("/extra/", False),
                                                              ("/reviews/dashboard/", True)]


def test_a_urlconf_setting_naming_no_module_of_the_tree_is_an_unknown_root(tmp_path: Path) -> None:
    facts = _with_settings(tmp_path / "a", '"board.urls"', '"other.urls"')
    unknown = _with_settings(tmp_path / "b", '"djblets.urls.root"', '"otherlib.urls.root"')
    assert facts.routes == unknown.routes  # the lists nothing includes are the roots, as for any other
    assert {r.route: r.reachable for r in facts.routes} == {"/dashboard/": True, "/extra/": True}
