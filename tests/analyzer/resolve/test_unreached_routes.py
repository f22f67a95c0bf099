"""Routes no include reaches, on ``tests/fixtures/registry_routes`` and ``runtime_root``: a
registry loop over objects' ``get_urls()`` joins its class family; what stays unreached says why."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FIXTURES = Path(__file__).parents[2] / "fixtures"


def _facts(root: Path) -> ProjectFacts:
    return extract_project_facts(root, FactsOptions(use_cache=False, jobs=1))


def _unreached(facts: ProjectFacts) -> dict[str, str]:
    return {f"{w.path}:{w.line}": w.message for w in facts.warnings if w.code == "unreached-route"}


@pytest.fixture(scope="module")
def registry() -> ProjectFacts:
    return _facts(FIXTURES / "registry_routes")


def test_a_registry_loop_gets_the_get_urls_of_its_class_family(registry: ProjectFacts) -> None:
    routes = {r.route: (r.view, r.name, r.reachable) for r in registry.routes}
    assert routes["/sa/orders/"] == ("orders.views.order_list", "backoffice:order.list", True)
    assert routes["/sa/orders/<int:pk>/"] == ("orders.views.order_detail", "backoffice:order.detail", True)
    # through an intermediate base of the family
    assert routes["/sa/products/"] == ("catalog.views.product_list", "backoffice:product.list", True)
    assert routes["/sa/"] == ("backoffice.views.dashboard", "backoffice:dashboard", True)


def test_a_registry_method_its_subclasses_inherit_gives_each_subclass_its_routes(
    registry: ProjectFacts,
) -> None:
    """``ServiceModule.get_urls`` reads ``self.url_prefix`` (None on the base), its view and name
    templates: each subclass that inherits it serves them with its own values (C3: the card module
    inherits the payment module's templates), the base and a test module's subclass serve none."""
    routes = {r.route: (r.view, r.view_kind, r.name) for r in registry.routes if "services" in r.path}
    edit = ("services.views.PaymentEditView", "class")
    assert routes == {
        r"^/sa/shipping/(?P<pk>\d+)/delete/\Z": ("services.views.ShippingDeleteView", "class",
                                                "backoffice:shipping.delete"),
        r"^/sa/shipping/(?P<pk>\d+)/\Z": ("services.views.ShippingEditView", "class",
                                         "backoffice:shipping.edit"),
        "/sa/shipping/new/": ("services.views.ShippingEditView", "class", "backoffice:shipping.new"),
        r"^/sa/payment/(?P<pk>\d+)/delete/\Z": ("services.views.PaymentDeleteView", "class",
                                               "backoffice:payment.delete"),
        r"^/sa/payment/(?P<pk>\d+)/\Z": (*edit, "backoffice:payment.edit"),
        "/sa/payment/new/": (*edit, "backoffice:payment.new"),
        r"^/sa/payment/card/(?P<pk>\d+)/delete/\Z": ("services.views.PaymentDeleteView", "class",
                                                    "backoffice:payment.delete"),
        r"^/sa/payment/card/(?P<pk>\d+)/\Z": (*edit, "backoffice:payment.edit"),
        "/sa/payment/card/new/": (*edit, "backoffice:payment.new"),
        "/sa/service-reports/": ("services.views.reports", "function", "backoffice:service.reports"),
    }
    assert not [r for r in registry.routes if r.unresolved]
    assert not [w for w in registry.warnings if w.code == "unresolved-route"]


def test_a_test_module_is_not_of_the_family_and_says_so(registry: ProjectFacts) -> None:
    routes = {r.route: r.reachable for r in registry.routes}
    assert routes["/fake/"] is False and routes["/test-only/"] is False
    unreached = _unreached(registry)
    assert sorted(unreached) == ["backoffice/tests/modules.py:9", "backoffice/tests/urls.py:6"]
    assert all("in a test module" in m and "shopsite.urls" in m for m in unreached.values())


def test_a_generator_of_other_methods_builds_no_patterns(registry: ProjectFacts) -> None:
    containers = {p.container for m in registry.modules for p in m.url_patterns}
    assert "backoffice.registry.get_module_urls" in containers
    assert "backoffice.registry.render_panels" not in containers  # yields panel.render()


def test_two_families_answering_the_method_join_neither(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURES / "registry_routes", root)
    (root / "plugins").mkdir()
    (root / "plugins" / "__init__.py").write_text("")
    (root / "plugins" / "base.py").write_text(
        "from django.urls import path\n\nfrom shopsite import views\n\n\n"
        "class Plugin:\n    def get_urls(self):\n        return [path('plugin/', views.page)]\n")
    facts = _facts(root)
    routes = {r.route: r.reachable for r in facts.routes}
    assert routes["/orders/"] is False and routes["/plugin/"] is False
    loop = _unreached(facts)["backoffice/registry.py:9"]
    assert "get_urls() of a registry's objects" in loop
    assert "2 families define (backoffice.base.AdminModule, plugins.base.Plugin): none is joined" in loop


def test_a_root_urlconf_filled_at_run_time_is_the_root_and_names_who_fills_it() -> None:
    facts = _facts(FIXTURES / "runtime_root")
    # never at "/"; include(urlpatterns + []) includes urlpatterns: nothing includes extra_patterns
    assert [(r.route, r.reachable) for r in facts.routes] == [("/all/list/", False)]
    message = _unreached(facts)["notes/urls.py:6"]
    assert message.startswith("unreached route: 1 URL pattern(s) of notes.urls.extra_patterns")
    assert "ROOT_URLCONF docsite.urls holds no pattern in the source" in message
    assert ("(by include()s of computed targets: docsite.apps.SiteAppConfig.ready (docsite/apps.py:16))"
            in message)  # its route, ``self.app_url or self.name``, is no static text: no mount


def test_a_tree_without_root_urlconf_says_its_app_is_mounted_by_its_project(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURES / "registry_routes", root)
    (root / "shopsite" / "settings.py").unlink()
    (root / "manage.py").unlink()
    (root / "shopsite" / "config.py").write_text(
        "from django.urls import path\n\nfrom shopsite import views\n\n\n"
        "class ShopConfig:\n    def get_urls(self):\n        return [path('home/', views.page)]\n")
    facts = _facts(root)
    assert {r.route: r.reachable for r in facts.routes}["/home/"] is False
    message = _unreached(facts)["shopsite/config.py:8"]
    assert "shopsite.config.ShopConfig.get_urls" in message and "names no ROOT_URLCONF" in message


def test_each_form_of_a_registry_loop_includes_the_method(registry: ProjectFacts) -> None:
    [loops] = [m for m in registry.modules if m.module == "backoffice.loops"]
    assert sorted((p.container, p.include) for p in loops.url_patterns) == [
        ("backoffice.loops.delegated_urls", "method:get_urls"),  # yield from
        ("backoffice.loops.extended_urls", "method:get_urls"),  # urls.extend(...)
        ("backoffice.loops.summed_urls", "method:get_urls"),  # urls += ..., inside an if
    ]  # rendered() neither yields nor extends a URL list


def test_a_root_urlconf_of_another_package_is_named(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURES / "registry_routes", root)
    settings = root / "shopsite" / "settings.py"
    settings.write_text(settings.read_text().replace('"shopsite.urls"', '"framework.urls.root"'))
    (root / "shopsite" / "config.py").write_text(
        "from django.urls import path\n\nfrom shopsite import views\n\n\n"
        "class ShopConfig:\n    def get_shop_urls(self):\n        return [path('home/', views.page)]\n")
    facts = _facts(root)
    assert {r.route: r.reachable for r in facts.routes}["/sa/orders/"]  # the roots: lists nothing includes
    message = _unreached(facts)["shopsite/config.py:8"]
    assert "ROOT_URLCONF framework.urls.root is another package's, not in the tree" in message
