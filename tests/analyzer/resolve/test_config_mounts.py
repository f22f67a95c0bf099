"""App configs whose ``ready()`` builds the root URLconf (``tests/fixtures/config_mount_routes``,
mayan-edms's ``MayanAppConfig.configure_urls``): each installed config mounts its app's URLconf
at the prefix its own class's values choose, and an API app's ``ready()`` loop adds each app's
``api_urls`` whose class sets the flag it tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FIXTURE = Path(__file__).parents[2] / "fixtures" / "config_mount_routes"


def _facts(root: Path) -> ProjectFacts:
    return extract_project_facts(root, FactsOptions(use_cache=False, jobs=1))


def _routes(facts: ProjectFacts) -> dict[str, tuple[str | None, bool]]:
    return {r.route: (r.name, r.reachable) for r in facts.routes}


@pytest.fixture(scope="module")
def mounted() -> ProjectFacts:
    return _facts(FIXTURE)


def test_each_installed_config_mounts_its_urlconf_at_the_prefix_its_class_chooses(
        mounted: ProjectFacts) -> None:
    routes = _routes(mounted)
    assert routes["/store/cart/"] == ("shop:cart", True)  # app_url = "store"
    assert routes["/posts/"] == ("weblog:post-list", True)  # app_url = "": the root; its app_namespace
    assert routes["/misc/about/"] == ("misc:about", True)  # app_url None (inherited): its name


def test_a_ready_that_skips_super_mounts_nothing(mounted: ProjectFacts) -> None:
    assert _routes(mounted)["/hush/"] == ("hush", False)
    warned = sorted(w.path for w in mounted.warnings if w.code == "unreached-route")
    assert warned == ["blog/urls.py", "quiet/urls.py"]


def test_a_ready_loop_adds_the_api_urls_of_the_configs_whose_flag_is_set(mounted: ProjectFacts) -> None:
    routes = _routes(mounted)
    assert routes["/api/v1/products/"] == ("api:product-list", True)  # ShopConfig.has_api = True
    assert routes["/api/v1/"] == ("api:version-root", True)
    assert routes["/feed/"] == ("feed", False)  # BlogConfig.has_api is False (inherited)
    assert len(mounted.routes) == 7  # none mounted twice


def test_the_declared_default_of_the_base_path_is_the_prefix(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE, root)
    (root / "core" / "literals.py").write_text('DEFAULT_BASE_PATH = "edms"\n', encoding="utf-8")
    routes = _routes(_facts(root))
    assert routes["/edms/store/cart/"] == ("shop:cart", True)
    assert routes["/edms/posts/"] == ("weblog:post-list", True)


def test_a_base_path_no_pass_can_know_mounts_nothing(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE, root)
    options = root / "core" / "options.py"
    text = options.read_text(encoding="utf-8")
    text = text.replace("default=DEFAULT_BASE_PATH", 'default=os.environ["BASE"]')
    options.write_text("import os\n" + text, encoding="utf-8")
    routes = _routes(_facts(root))
    assert routes["/cart/"] == ("cart", False)  # its prefix is unknown: not guessed
    assert not any(reachable for route, (_, reachable) in routes.items() if route != "/v1/")
