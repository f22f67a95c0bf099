"""Loops over the installed app configs: what each adds (``apps:<spec>?<tests>#<namespace>@<function>``),
and the functions that return their first parameter as given."""

from __future__ import annotations

from tests.analyzer.facts.helpers import facts_of

LOOP = '''
import importlib
from django.apps import apps
from django.urls import include, path
from core.marks import mark

plugin_patterns = []
for app in apps.get_app_configs():
    if hasattr(app, "Meta"):
        urlmod = importlib.import_module(app.name + ".urls")
        single = []
        single += urlmod.urlpatterns
        patterns = mark(urlmod.event_patterns, plugin=app.name)
        single.append(path("<slug:event>/", include(patterns)))
        single += mark(urlmod.organizer_patterns)
        plugin_patterns.append(path("", include((single, app.label))))
'''


def test_the_loop_names_the_tests_the_apps_namespace_and_the_function_a_list_passed() -> None:
    found = {(p.container, p.route, p.include) for p in facts_of(LOOP, "site.urls").url_patterns
             if (p.include or "").startswith("apps:")}
    assert found == {
        ("single", "", "apps:.urls.urlpatterns?Meta#label"),
        ("single", "<slug:event>/", "apps:.urls.event_patterns?Meta#label@core.marks.mark"),
        ("single", "", "apps:.urls.organizer_patterns?Meta#label@core.marks.mark"),
    }


def test_a_function_returning_its_first_parameter_as_given_is_a_passthrough() -> None:
    facts = facts_of('''
        def mark(urllist, plugin):
            for entry in urllist:
                entry.plugin = plugin
            return urllist

        def copy(urllist):
            return list(urllist)

        def rebound(urllist):
            urllist = []
            return urllist

        def early(urllist, other):
            if other:
                return other
            return urllist
        ''', "core.marks")
    assert facts.passthrough == ("core.marks.mark",)
