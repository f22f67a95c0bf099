"""Route text folded in one file: literals, f-strings, ``+``, ``%``, ``.format``, str methods,
translation calls (and local aliases of them), locals, loop items and helper parameters;
markers for what only the project pass (or nobody) can know."""

from __future__ import annotations

import orjson
import pytest

from tests.analyzer.facts.helpers import facts_of

HEADER = """
from django.conf import settings
from django.urls import path, re_path
from django.utils.translation import gettext_lazy as _, pgettext
from shop.literals import BASE
if settings.TRANSLATE:
    from django.utils.translation import pgettext as tr
else:
    tr = lambda context, value: value
MAIN = "/main/"
"""


@pytest.mark.parametrize(("expression", "route"), [
    ('"plain/"', "plain/"),
    ('f"{MAIN.strip(\'/\')}/x/"', "main/x/"),
    ('MAIN.lstrip("/") + "y/"', "main/y/"),
    ('r"^%s$" % pgettext("urls", "tags/")', "^tags/$"),
    ('r"^%s%s$" % (tr("urls", "a/"), _("b/"))', "^a/b/$"),
    ('"^%(x)s$" % {"x": "named/"}', "^named/$"),
    ('"{}/{name}/".format("fmt", name="n")', "fmt/n/"),
    ('BASE + "z/"', "{?ref:shop.literals.BASE}z/"),
    ('BASE.strip("/") + "/z/"', "{?ref:shop.literals.BASE;strip(/)}/z/"),
    ('settings.URL_PREFIX + "p/"', "{?ref:django.conf.settings.URL_PREFIX}p/"),
    ('getattr(settings, "HELP", "help/")', "{?ref:django.conf.settings.HELP|help/}"),
    ('f"{unknown_call()}/q/"', "{?unknown_call()}/q/"),
])
def test_a_route_expression_folds(expression: str, route: str) -> None:
    facts = facts_of(HEADER + f"urlpatterns = [path({expression}, views.v)]\n", "shop.urls")
    assert [p.route for p in facts.url_patterns] == [route]


def test_locals_and_unknown_locals_of_a_function() -> None:
    facts = facts_of(HEADER + """
def get_urls(self):
    base = "items/"
    conv = self.pk_path_converter
    return [path(base + "list/", v), path(f"edit/<{conv}:pk>/", v)]
""", "shop.urls")
    assert [p.route for p in facts.url_patterns] == ["items/list/", "edit/<{?self.pk_path_converter}:pk>/"]


def test_a_helper_is_expanded_at_its_call_sites_with_its_arguments() -> None:
    facts = facts_of(HEADER + """
class Admin:
    def get_urls(self):
        def pat(regex, fn):
            return re_path(regex, self.admin_site.admin_view(fn), name="x")
        return [pat(r"^(\\d+)/edit/$", self.edit), pat(r"^add/$", views.add)]
""", "shop.admin")
    assert [(p.route, p.view, p.line) for p in facts.url_patterns] == [
        (r"^(\d+)/edit/$", "self.edit", 16), ("^add/$", "views.add", 16)]


def test_a_comprehension_over_literal_items_is_unrolled_with_the_prefix_parameter() -> None:
    facts = facts_of(HEADER + """
def schedule_urls(prefix):
    prefix = prefix.rstrip("/")
    return [path(f"{prefix}{r}", view) for r, view in [("/", views.a), (".xml", views.b)]]
urlpatterns = [*schedule_urls("schedule/")]
""", "shop.urls")
    routes = [(p.route, p.view) for p in facts.url_patterns if p.kind == "path"]
    assert routes == [("schedule/", "views.a"), ("schedule.xml", "views.b")]


def test_an_item_of_a_helper_parameter_is_taken_at_the_call_site() -> None:
    facts = facts_of(HEADER + """
def view_patterns(prefix, view):
    return [path("%s/<slug:slug>/" % prefix[0], view.as_view(), name=prefix)]
urlpatterns = view_patterns("thread", ThreadView)
urlpatterns += view_patterns(MAIN, OtherView)
""", "shop.urls")
    assert [(p.route, p.view) for p in facts.url_patterns if p.kind == "path"] == [
        ("t/<slug:slug>/", "ThreadView"), ("//<slug:slug>/", "OtherView")]


def test_extend_and_append_fill_the_module_list() -> None:
    facts = facts_of(HEADER + """
urlpatterns = []
urlpatterns.extend([path("e/", v)])
urlpatterns.append(path("a/", v))
urlpatterns += [path("p/", v)]
""", "shop.urls")
    assert [(p.container, p.route) for p in facts.url_patterns] == [
        ("urlpatterns", "e/"), ("urlpatterns", "a/"), ("urlpatterns", "p/")]


def test_module_string_constants_and_appconf_defaults_are_recorded() -> None:
    facts = facts_of("""
from appconf import AppConf
from django.conf import settings
PREFIX = settings.URL_PREFIX
BASE = "store/"
class ShopConf(AppConf):
    MAIN_URL = "questions" + "/"
    class Meta:
        prefix = "shop"
""", "shop.conf")
    assert dict(facts.constants) == {
        "BASE": "store/", "PREFIX": "{?ref:django.conf.settings.URL_PREFIX}",
        "settings.SHOP_MAIN_URL": "questions/"}


def test_a_very_long_concatenation_is_unknown_not_a_lost_file() -> None:
    parts = " + ".join(['"a"'] * 400)
    facts = facts_of(f"from django.urls import path\nurlpatterns = [path({parts}, v)]\n", "deep.urls")
    assert facts.warnings == ()
    assert [p.route.startswith("{?") for p in facts.url_patterns] == [True]


def test_a_literal_with_a_lone_surrogate_is_an_unknown_part_that_json_can_hold() -> None:
    source = 'from shop.util import get_string\nget_string("\\ud83d\\udc68 agents")\n'
    facts = facts_of(source, "shop.tests")
    assert facts.url_calls == ()  # its first argument is no route text
    assert b"shop.util.get_string" in orjson.dumps(facts.to_json())
