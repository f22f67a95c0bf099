"""An app config's URLs, on ``tests/fixtures/app_config_routes``: ``apps.get_app_config("L").urls``
and ``self.x_app.urls`` (set in ``ready()``) are the ``get_urls`` of the config labelled ``L``,
its ``super().get_urls()`` chain followed in Python's method resolution order; ``path("x/",
app.urls)`` names its routes in the namespace the config's ``urls`` tuple gives, ``urls[0]`` in none."""

from __future__ import annotations

import shutil
from pathlib import Path

from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FIXTURE = Path(__file__).parents[2] / "fixtures" / "app_config_routes"


def _facts(root: Path) -> ProjectFacts:
    return extract_project_facts(root, FactsOptions(use_cache=False, jobs=1))


def test_app_configs_urls_are_their_get_urls_chain() -> None:
    facts = _facts(FIXTURE)
    assert [(r.route, r.view, r.reachable) for r in facts.routes] == [
        ("/", "store.views.home", True),
        ("/catalogue/", "store.views.product_list", True),  # ListingOnlyConfig, then its super()
        ("/catalogue/reviews/", "store.views.review_list", True),  # ReviewsOnlyConfig (C3 order)
    ]
    assert not [w for w in facts.warnings if w.code == "unreached-route"]


def test_the_urls_tuple_gives_its_namespace_and_urls_0_none() -> None:
    facts = _facts(FIXTURE)
    assert [(r.route, r.name) for r in facts.routes] == [
        ("/", "home"),  # StoreConfig.namespace is "store", but the root includes urls[0]
        ("/catalogue/", "catalogue:index"),  # path("catalogue/", self.catalogue_app.urls)
        ("/catalogue/reviews/", "catalogue:reviews"),  # CatalogueConfig.namespace, as Django reverses
    ]


def test_a_reusable_app_is_followed_from_its_top_relative_to_where_it_is_mounted(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE, root)
    for name in ("storesite/settings.py", "storesite/urls.py", "manage.py"):
        (root / name).unlink()
    facts = _facts(root)
    assert [(r.route, r.reachable) for r in facts.routes] == [
        ("/", False), ("/catalogue/", False), ("/catalogue/reviews/", False)]
    [warning] = [w for w in facts.warnings if w.code == "unreached-route"]
    assert (warning.path, warning.line) == ("store/apps.py", 18)
    assert warning.message.startswith("unreached route: 3 URL pattern(s) of store.apps.StoreConfig.get_urls "
                                      "are included "
                                      "by nothing in the tree, which names no ROOT_URLCONF")


def test_the_super_chain_stops_at_an_override_that_calls_no_super() -> None:
    """Python runs the first override in the MRO, then the next only while each calls ``super()``:
    a class below one that replaces ``get_urls`` outright adds none of its patterns."""
    from analyzer.resolve.app_urls import super_chain

    order = ["app.Child", "app.Middle", "app.Base"]
    building = {"app.Child.get_urls", "app.Middle.get_urls", "app.Base.get_urls"}
    defined = set(building)
    assert super_chain(order, "get_urls", building, defined, {"app.Child.get_urls"}) == [
        "app.Child.get_urls", "app.Middle.get_urls"]  # Middle calls no super(): Base never runs
    both = {"app.Child.get_urls", "app.Middle.get_urls"}
    assert super_chain(order, "get_urls", building, defined, both) == [
        "app.Child.get_urls", "app.Middle.get_urls", "app.Base.get_urls"]
    assert super_chain(order, "get_urls", building - {"app.Child.get_urls"}, defined, set()) == []
