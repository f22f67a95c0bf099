"""URL patterns: path/re_path/url, include forms, class views, viewsets, routers, namespaces."""

from __future__ import annotations

from tests.analyzer.facts.helpers import facts_of


def test_patterns_views_includes_and_names() -> None:
    facts = facts_of(
        """
        from django.conf.urls import url
        from django.contrib.auth.decorators import login_required
        from django.urls import include, path, re_path
        from rest_framework.routers import DefaultRouter
        from . import views, api

        app_name = "shop"
        router = DefaultRouter()
        router.register(r"orders", api.OrderViewSet, basename="order")

        urlpatterns = [
            path("", views.home, name="home"),
            re_path(r"^old/(?P<pk>\\d+)/$", views.Old.as_view(), name="old"),
            url(r"^legacy/$", login_required(views.legacy)),
            path("api/", include(router.urls)),
            path("blog/", include("blog.urls", namespace="blog")),
            path("set/", api.Things.as_view({"get": "list"})),
        ]
        urlpatterns += [path("more/", views.more)]
        """,
        module="shop.urls",
    )
    patterns = {(p.container, p.kind, p.route): p for p in facts.url_patterns}
    assert facts.url_namespace == "shop"
    assert patterns[("urlpatterns", "path", "")].view == "shop.views.home"
    old = patterns[("urlpatterns", "re_path", r"^old/(?P<pk>\d+)/$")]
    assert (old.view, old.view_kind, old.name) == ("shop.views.Old", "class", "old")
    assert patterns[("urlpatterns", "url", "^legacy/$")].view == "shop.views.legacy"
    assert patterns[("urlpatterns", "include", "api/")].include == "shop.urls.router.urls"
    blog = patterns[("urlpatterns", "include", "blog/")]
    assert (blog.include, blog.namespace) == ("blog.urls", "blog")
    assert patterns[("urlpatterns", "path", "set/")].view_kind == "viewset"
    assert patterns[("urlpatterns", "path", "more/")].view == "shop.views.more"
    registered = patterns[("shop.urls.router", "router", "orders")]
    assert (registered.view, registered.name) == ("shop.api.OrderViewSet", "order")


def test_patterns_built_in_functions_name_the_function_as_container() -> None:
    facts = facts_of(
        """
        from django.urls import path

        class Admin:
            def get_urls(self):
                return [path("edit/", self.edit)]
        """
    )
    (pattern,) = facts.url_patterns
    assert pattern.container == "shop.views.Admin.get_urls"


def test_decorators_applied_in_the_urlconf_are_kept_as_wrappers() -> None:
    facts = facts_of(
        """
        from django.contrib.admin.views.decorators import staff_member_required
        from django.contrib.auth.decorators import login_required
        from django.urls import path
        from . import views

        urlpatterns = [
            path("a/", login_required(views.Report.as_view()), name="a"),
            path("b/", staff_member_required(login_required(views.page))),
            path("c/", views.open_page),
        ]
        """,
        module="shop.urls",
    )
    found = {p.route: (p.view, p.view_kind, p.wrappers) for p in facts.url_patterns}
    assert found == {
        "a/": ("shop.views.Report", "class", ("django.contrib.auth.decorators.login_required",)),
        "b/": ("shop.views.page", "function",
               ("django.contrib.admin.views.decorators.staff_member_required",
                "django.contrib.auth.decorators.login_required")),
        "c/": ("shop.views.open_page", "function", ()),
    }


def test_an_include_of_a_sum_of_lists_includes_each_list_then_the_literal_patterns() -> None:
    facts = facts_of('''
        from django.urls import include, path
        from shop import views
        from shop.urls import locale_patterns

        urlpatterns = [
            path("", include((locale_patterns + [path("x/", views.x, name="x")], "shop"))),
        ]
        ''', "site.urls")
    found = [(p.container, p.route, p.include, p.namespace) for p in facts.url_patterns]
    assert found == [
        ("urlpatterns", "", "site.urls.urlpatterns@7", "shop"),
        ("urlpatterns@7", "", "shop.urls.locale_patterns", None),
        ("urlpatterns@7", "x/", None, None),
    ]


def test_a_helper_calling_a_helper_of_its_module_keeps_every_pattern_and_its_view_text() -> None:
    """The first call of ``admin_url`` inside ``crud_urls`` drops ``admin_url``'s own pattern: the
    patterns ``crud_urls`` builds before and after it are all its own, their views and names
    still templates of its parameters (``view_template % "Edit"``), filled at each call."""
    facts = facts_of(
        """
        from django.urls import re_path

        def admin_url(regex, view, name=None):
            return re_path(regex, view, name=name)

        def crud_urls(url_prefix, view_template, name_template):
            return [
                admin_url("%s/edit/$" % url_prefix, view_template % "Edit", name=name_template % "edit"),
                admin_url("%s/new/$" % url_prefix, view_template % "Edit", name=name_template % "new"),
            ]

        urlpatterns = crud_urls("^tax", "shop.views.Tax%sView", "tax.%s") + [
            admin_url("^plain/$", "shop.views.plain"),
        ]
        """,
        module="shop.urls",
    )
    helper = {h.function: h for h in facts.url_helpers}["shop.urls.crud_urls"]
    view = "{?arg:1:view_template;mod(Edit)}"
    assert [(p.route, p.view, p.name) for p in helper.patterns] == [
        ("{?arg:0:url_prefix}/edit/$", view, "{?arg:2:name_template;mod(edit)}"),
        ("{?arg:0:url_prefix}/new/$", view, "{?arg:2:name_template;mod(new)}"),
    ]
    assert sorted((p.route, p.view, p.name) for p in facts.url_patterns if p.kind == "re_path") == [
        ("^plain/$", "shop.views.plain", None),
        ("^tax/edit/$", "shop.views.TaxEditView", "tax.edit"),
        ("^tax/new/$", "shop.views.TaxEditView", "tax.new"),
    ]


def test_a_helper_looping_over_its_kwargs_gives_one_pattern_per_keyword_of_each_call() -> None:
    """``goto_patterns(prefix, **views)`` pops ``post`` and loops ``views.items()``: each call
    gives the popped keyword's pattern and one per other keyword, in the call's order, the key's
    text (after ``replace``) in the route and the name, the keyword's class as the view."""
    facts = facts_of(
        """
        from django.urls import path
        from shop import views

        def goto_patterns(prefix, **views):
            urls = []
            post_view = views.pop("post", None)
            if post_view:
                url_name = "%s-post" % prefix
                url_pattern = "%s/<int:pk>/post/<int:post>/" % prefix[0]
                urls.append(path(url_pattern, post_view.as_view(), name=url_name))
            for name, view in views.items():
                name = name.replace("_", "-")
                url_pattern = "%s/<int:pk>/%s/" % (prefix[0], name)
                urls.append(path(url_pattern, view.as_view(), name="%s-%s" % (prefix, name)))
            return urls

        urlpatterns = []
        urlpatterns += goto_patterns("thread", post=views.PostView, last=views.LastView,
                                     best_answer=views.BestView)
        urlpatterns += goto_patterns("private", last=views.PrivateLastView)
        """,
        module="shop.urls",
    )
    assert [(p.route, p.view, p.view_kind, p.name) for p in facts.url_patterns if p.kind == "path"] == [
        ("t/<int:pk>/post/<int:post>/", "shop.views.PostView", "class", "thread-post"),
        ("t/<int:pk>/last/", "shop.views.LastView", "class", "thread-last"),
        ("t/<int:pk>/best-answer/", "shop.views.BestView", "class", "thread-best-answer"),
        ("p/<int:pk>/last/", "shop.views.PrivateLastView", "class", "private-last"),
    ]
