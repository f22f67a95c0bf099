"""URL lists the installed app configs give: a dotted-path registry declared in their class bodies
(``tests/fixtures/provided_routes``, shuup's ``provides``) and a loop importing each app's URLconf
by its name (``tests/fixtures/plugin_routes``, pretix's plugins)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyzer.model.facts import ModuleFacts, ProjectFacts, RegistryEntry
from analyzer.model.json_form import from_json, to_json
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FIXTURES = Path(__file__).parents[2] / "fixtures"


def _facts(root: Path) -> ProjectFacts:
    return extract_project_facts(root, FactsOptions(use_cache=False, jobs=1))


def _routes(facts: ProjectFacts) -> dict[str, tuple[str | None, bool]]:
    return {r.route: (r.name, r.reachable) for r in facts.routes}


@pytest.fixture(scope="module")
def provided() -> ProjectFacts:
    return _facts(FIXTURES / "provided_routes")


def test_urls_provided_by_installed_app_configs_join_the_list_that_asks_for_their_key(
        provided: ProjectFacts) -> None:
    routes = _routes(provided)
    assert routes["/shop/"] == ("market:index", True)
    assert routes["/shop/extra/"] == ("market:extra", True)  # "market.extra_urls:urlpatterns"
    assert routes["/shop/blog/<slug:slug>/"] == ("market:post", True)  # __name__ + ".urls:urlpatterns"


def test_an_app_not_installed_or_of_the_tests_provides_nothing(provided: ProjectFacts) -> None:
    routes = _routes(provided)
    assert routes["/gone/"] == ("gone", False)  # INSTALLED_APPS does not name market.gone
    assert routes["/test-only/"] == ("test-only", False)  # a test app's config
    warned = sorted(w.path for w in provided.warnings if w.code == "unreached-route")
    assert warned == ["market/gone/urls.py", "market/tests/urls.py"]


def test_registry_entries_are_facts_of_the_class_body(provided: ProjectFacts) -> None:
    blog = next(m for m in provided.modules if m.module == "market.blog")
    assert blog.registry_entries == (RegistryEntry(
        "market.blog.BlogConfig", "provides", "front_urls", ("market.blog.urls:urlpatterns",),
        "market/blog/__init__.py", 7),)
    assert from_json(ModuleFacts, to_json(blog)) == blog


@pytest.fixture(scope="module")
def plugins() -> ProjectFacts:
    return _facts(FIXTURES / "plugin_routes")


def test_a_loop_over_app_configs_mounts_each_installed_plugins_urlconf(plugins: ProjectFacts) -> None:
    routes = _routes(plugins)
    assert routes["/control/bank/"] == ("plugins:bank:bank", True)  # include((..., app.label)): its namespace
    assert routes["/"] == ("home", True)


def test_the_loops_hasattr_test_and_installed_apps_decide_which_apps(plugins: ProjectFacts) -> None:
    routes = _routes(plugins)
    assert routes["/plain/"] == ("plain", False)  # installed, no PluginMeta
    assert routes["/spare/"] == ("spare", False)  # a plugin, not installed
    warned = sorted(w.path for w in plugins.warnings if w.code == "unreached-route")
    assert warned == ["plugins/plain/urls.py", "plugins/spare/urls.py"]


def test_a_list_passed_through_a_function_returning_it_is_mounted(plugins: ProjectFacts) -> None:
    assert _routes(plugins)["/control/<slug:event>/bank/pay/"] == ("plugins:bank:pay", True)
    [warning] = [w for w in plugins.warnings if w.path == "plugins/plain/urls.py"]
    assert "eventsite/urls.py:18" not in warning.message  # that include is the plugins' lists


def test_a_function_that_may_return_another_list_mounts_nothing(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURES / "plugin_routes", root)
    marks = root / "core" / "marks.py"
    marks.write_text(marks.read_text(encoding="utf-8").replace("return urllist", "return list(urllist)"),
                     encoding="utf-8")
    facts = _facts(root)
    assert _routes(facts)["/bank/pay/"] == ("pay", False)
    [warning] = [w for w in facts.warnings if w.path == "plugins/bank/urls.py"]
    assert "include()s of targets computed at run time may mount them: patterns (eventsite/urls.py:18)" \
        in warning.message
