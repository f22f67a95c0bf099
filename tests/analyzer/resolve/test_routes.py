"""URL patterns built inside functions reach the routes: ``include(get_urls())``,
``urlpatterns += get_urls()`` and hook registries (``@hooks.register("H")`` / ``get_hooks("H")``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FILES = {
    "portal/__init__.py": "",
    "portal/views.py": "def home(request): pass\ndef report(request): pass\ndef extra(request): pass\n",
    "portal/hooks.py": "def register(name):\n    return lambda fn: fn\ndef get_hooks(name):\n    return []\n",
    "portal/urls.py": """
        from django.urls import include, path
        from portal import hooks, views
        from portal.reports import get_urls, more_urls

        urlpatterns = [
            path("reports/", include(get_urls())),
            *more_urls(),
        ]
        for fn in hooks.get_hooks("register_admin_urls"):
            urls = fn()
            if urls:
                urlpatterns += urls
    """,
    "portal/reports.py": """
        from django.urls import path
        from portal import views

        def get_urls():
            return [path("weekly/", views.report, name="weekly")]

        def more_urls():
            return [path("more/", views.extra)]
    """,
    "portal/forms_hooks.py": """
        from django.urls import path
        from portal import hooks, views

        @hooks.register("register_admin_urls")
        def register_admin_urls():
            return [path("forms/", views.home, name="forms")]

        @hooks.register("insert_editor_js")
        def editor_js():
            return "<script>"
    """,
}


def test_patterns_built_in_functions_are_attached_to_their_urlconf(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    facts = extract_project_facts(tmp_path, FactsOptions(use_cache=False))
    routes = {r.route: r for r in facts.routes}
    assert routes["/reports/weekly/"].view == "portal.views.report"
    assert routes["/reports/weekly/"].reachable
    assert routes["/more/"].view == "portal.views.extra" and routes["/more/"].reachable
    assert routes["/forms/"].view == "portal.views.home" and routes["/forms/"].reachable
    assert all(r.reachable for r in facts.routes)
    hooks = [p for m in facts.modules for p in m.url_patterns if p.container.startswith("hook:")]
    assert [(p.container, p.include) for p in hooks] == [
        ("hook:register_admin_urls", "portal.forms_hooks.register_admin_urls")
    ]  # the hook without URL patterns is not one
