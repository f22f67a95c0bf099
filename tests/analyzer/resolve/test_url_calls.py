"""URL patterns built by helpers of other modules, expanded at each call (analyzer.resolve.url_calls).

One fixture per shape met on real projects: ``*args`` forwarded to ``re_path`` after a prefix
(askbot's ``service_url``), a helper returning an instance of a ``URLPattern`` subclass and a
helper of that helper called with keywords (shuup's ``admin_url`` / ``get_edit_and_list_urls``),
and a method helper whose receiver static analysis cannot type (misago's
``URLPatterns.single_pattern``), which must stay a warning, never a route at ``/``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from analyzer.facts import extract_module_facts
from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FORWARDING = {
    "qa/__init__.py": "",
    "qa/views.py": "def tags(request): pass\nclass AskView: pass\n",
    "qa/url_utils.py": """
        from django.conf import settings as django_settings
        from django.urls import re_path

        def service_url(*args, **kwargs):
            pattern = args[0]
            if pattern[0] == '^':
                pattern = pattern[1:]
            prefix = getattr(django_settings, "QA_SERVICE_PREFIX", "s/")
            pattern = prefix + pattern
            new_args = list(args)
            new_args[0] = pattern
            return re_path(*new_args, **kwargs)
    """,
    "qa/urls.py": """
        from django.urls import re_path
        from django.utils.translation import pgettext
        from qa import views
        from qa.url_utils import service_url

        urlpatterns = [
            re_path(r'^$', views.tags),
            service_url(r'^%s$' % pgettext('urls', 'tags/'), views.tags, name='tags'),
            service_url(r'^ask/$', views.AskView.as_view()),
        ]
    """,
}

PATTERN_CLASS = {
    "shop/__init__.py": "",
    "shop/views.py": "class TaxEditView: pass\nclass TaxListView: pass\ndef home(request): pass\n",
    "shop/admin_urls.py": """
        from django.urls import URLPattern, re_path

        class AdminURLPattern(URLPattern):
            def __init__(self, regex, callback, default_args=None, name=None):
                repath = re_path(regex, callback, default_args, name)
                super().__init__(repath.pattern, callback, default_args, name)

        def admin_url(regex, view, kwargs=None, name=None):
            return AdminURLPattern(regex, view, kwargs, name)

        def crud_urls(url_prefix, edit_view, list_view, view_template, name_template):
            return [
                admin_url(r"^%s/(?P<pk>\\d+)/$" % url_prefix, edit_view),
                admin_url("%s/$" % url_prefix, list_view),
                admin_url("%s/new/$" % url_prefix, view_template % "Edit", name=name_template % "new"),
            ]
    """,
    "shop/taxes.py": """
        from shop import views
        from shop.admin_urls import admin_url, crud_urls

        class TaxModule:
            def get_urls(self):
                return [admin_url(r"^home/$", views.home, name="home")] + crud_urls(
                    url_prefix="^taxes", edit_view=views.TaxEditView, list_view=views.TaxListView,
                    view_template="shop.views.Tax%sView", name_template="tax.%s")
    """,
}

UNTYPED_RECEIVER = {
    "forum/__init__.py": "",
    "forum/views.py": "class SettingsView: pass\n",
    "forum/registry.py": """
        from django.urls import path

        class URLPatterns:
            def single_pattern(self, url_path, namespace, parent, view):
                self.patterns(":".join((parent, namespace)), path("", view, name="index"))
    """,
    "forum/admin.py": """
        from forum import views

        class AdminExtension:
            def register_urlpatterns(self, urlpatterns):
                urlpatterns.single_pattern("settings/", "settings", "admin", views.SettingsView.as_view())
    """,
}


def facts_of(tmp_path: Path, files: dict[str, str]) -> ProjectFacts:
    """Write ``files`` under ``tmp_path`` and extract the project's facts (no cache)."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    return extract_project_facts(tmp_path, FactsOptions(use_cache=False))


def test_a_helper_forwarding_its_args_to_re_path_gives_one_route_per_call(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, FORWARDING)
    routes = {r.route: r for r in facts.routes}
    assert routes["/s/tags/"].view == "qa.views.tags"
    assert routes["/s/tags/"].name == "tags"  # passed on through **kwargs
    assert routes["/s/ask/"].name is None
    assert (routes["/s/tags/"].path, routes["/s/tags/"].line) == ("qa/urls.py", 9)
    assert routes["/s/ask/"].view == "qa.views.AskView"
    assert routes["/s/ask/"].reachable and not routes["/s/ask/"].unresolved
    assert sorted(routes) == ["/", "/s/ask/", "/s/tags/"]  # the helper's own pattern is none
    assert not [w for w in facts.warnings if w.code == "unresolved-route"]


def test_a_urlpattern_subclass_and_a_helper_of_a_helper_are_expanded(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, PATTERN_CLASS)
    routes = {r.route: r for r in facts.routes}
    assert routes["^/taxes/(?P<pk>\\d+)/\\Z"].view == "shop.views.TaxEditView"
    assert routes["/taxes/"].view == "shop.views.TaxListView"
    assert routes["/home/"].view == "shop.views.home"
    assert routes["/home/"].name == "home"
    assert (routes["/taxes/new/"].view, routes["/taxes/new/"].name) == ("shop.views.TaxEditView", "tax.new")
    assert {r.path for r in routes.values()} == {"shop/taxes.py"}
    assert len(routes) == 4
    assert not [w for w in facts.warnings if w.code == "unresolved-route"]


def test_a_helper_called_on_an_untyped_receiver_is_a_warning_not_a_route(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, UNTYPED_RECEIVER)
    assert facts.routes == ()
    warnings = [w for w in facts.warnings if w.code == "unresolved-route"]
    assert [(w.path, w.line) for w in warnings] == [("forum/registry.py", 6)]
    assert "forum.registry.URLPatterns.single_pattern" in warnings[0].message


def test_the_strip_of_a_leading_caret_is_exact_before_a_setting(tmp_path: Path) -> None:
    files = {**FORWARDING, "qa/urls.py": """
        from django.conf import settings
        from qa import views
        from qa.url_utils import service_url

        BASE = settings.QA_BASE
        urlpatterns = [service_url(r'^%s(?P<id>\\d+)/retag/$' % BASE, views.tags)]
    """}
    routes = facts_of(tmp_path, files).routes
    assert [(r.route, r.unresolved) for r in routes] == [
        ("^/s/{settings.QA_BASE}(?P<id>\\d+)/retag/\\Z", ("settings.QA_BASE",))]


def test_only_calls_in_url_positions_are_kept_for_the_project_pass() -> None:
    source = textwrap.dedent("""
        from shop.helpers import pat, client

        urlpatterns = [pat("a/", None)]
        def get_urls():
            extra_urls = pat("b/", None) if FLAG else []
            response = client.get("/c/")
            client.post("/d/")
            delete = pat("g/", None)
            unused = pat("h/", None)
            return [pat("e/", None), delete] + pat("f/", None)
    """)
    facts = extract_module_facts(source, "shop/urls.py", "shop.urls")
    kept = sorted(a.text for c in facts.url_calls for a in c.arguments if a.position == 0)
    assert kept == ["a/", "b/", "e/", "f/", "g/"]
