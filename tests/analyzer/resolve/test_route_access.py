"""``RouteFact.login_required`` from hand-built facts: decorators, mixins, wrappers, guards."""

from __future__ import annotations

from analyzer.model.facts import Definition, ModuleFacts, RouteFact
from analyzer.resolve.route_access import mark_login_required
from tests.analyzer.facts.helpers import facts_of

AUTH = "django.contrib.auth.decorators."
MIXINS = "django.contrib.auth.mixins."


def _definition(qualname: str, kind: str = "function", bases: tuple[str, ...] = (),
                decorators: tuple[str, ...] = ()) -> Definition:
    return Definition(qualname, kind, bases, decorators, "shop/views.py", 1, 2)


MODULE = ModuleFacts(
    "shop/views.py", "shop.views", False, 100,
    definitions=(
        _definition("shop.views.history", decorators=(f"{AUTH}login_required",)),
        _definition("shop.views.edit", decorators=(f"{AUTH}permission_required", "x.require_POST")),
        _definition("shop.views.staff", decorators=(
            "django.contrib.admin.views.decorators.staff_member_required",)),
        _definition("shop.views.tested", decorators=(f"{AUTH}user_passes_test",)),
        _definition("shop.views.me", decorators=("shop.http.api_login_required",)),
        _definition("shop.views.guarded"),
        _definition("shop.views.public", decorators=("django.views.decorators.http.require_GET",)),
        _definition("shop.views.Account", "class", bases=(f"{MIXINS}LoginRequiredMixin",)),
        _definition("shop.views.Base", "class", bases=(f"{MIXINS}PermissionRequiredMixin",)),
        _definition("shop.views.Child", "class", bases=("shop.views.Base",)),
        _definition("shop.views.Dispatching", "class", bases=("django.views.View",)),
        _definition("shop.views.Dispatching.dispatch", "method", decorators=(f"{AUTH}login_required",)),
        _definition("shop.views.Open", "class", bases=("django.views.View",)),
        _definition("shop.views.Open.get", "method"),
        _definition("shop.views.Wrapped", "class", bases=("django.views.View",)),
    ),
    access_guards=("shop.views.guarded",),
)
HTTP = ModuleFacts("shop/http.py", "shop.http", False, 10,
                   access_guards=("shop.http.api_login_required.wrapper",))


def _route(view: str, wrappers: tuple[str, ...] = ()) -> RouteFact:
    return RouteFact(f"/{view}/", view, "function", None, "shop.urls", True, "shop/urls.py", 1,
                     wrappers=wrappers)


def test_protected_and_public_views() -> None:
    views = ["history", "edit", "staff", "tested", "me", "guarded", "public", "Account", "Child",
             "Dispatching", "Open", "Wrapped", "unknown"]
    routes = [_route(f"shop.views.{v}") for v in views]
    routes.append(RouteFact("/w/", "shop.views.Wrapped", "class", None, "shop.urls", True, "shop/urls.py",
                            2, wrappers=(f"{AUTH}login_required",)))
    marked = mark_login_required(routes, (MODULE, HTTP), lambda name: name)
    needs = {(r.route, r.view.rsplit(".", 1)[-1] if r.view else ""): r.login_required for r in marked}
    protected = {view for (_, view), needed in needs.items() if needed}
    assert protected == {"history", "edit", "staff", "tested", "me", "guarded", "Account", "Child",
                         "Dispatching", "Wrapped"}
    assert needs[("/w/", "Wrapped")] and not needs[("/shop.views.Wrapped/", "Wrapped")]


def test_re_exported_decorators_are_followed() -> None:
    module = ModuleFacts("shop/views.py", "shop.views", False, 5,
                         definitions=(_definition("shop.views.v", decorators=("shop.auth.login_required",)),))
    canonical = {"shop.auth.login_required": f"{AUTH}login_required"}
    (route,) = mark_login_required([_route("shop.views.v")], (module,), lambda n: canonical.get(n, n))
    assert route.login_required


def test_method_decorator_on_the_class_or_on_dispatch_protects_the_view() -> None:
    module = facts_of(
        """
        from django.contrib.auth.decorators import login_required, permission_required
        from django.utils.decorators import method_decorator
        from django.views import View
        from django.views.decorators.cache import never_cache

        @method_decorator(login_required, name="dispatch")
        class OnClass(View):
            def get(self, request): ...

        @method_decorator([never_cache, permission_required("shop.view")], name="get")
        class OnHandler(View):
            def get(self, request): ...

        class OnDispatch(View):
            @method_decorator(login_required)
            def dispatch(self, request, *args, **kwargs): ...

        @method_decorator(never_cache, name="dispatch")
        class Cached(View):
            @method_decorator(never_cache)
            def get(self, request): ...

        class Child(OnClass):
            pass
        """
    )
    (on_class,) = [d for d in module.definitions if d.qualname == "shop.views.OnClass"]
    assert on_class.method_decorators == (("dispatch", f"{AUTH}login_required"),)
    views = ["OnClass", "OnHandler", "OnDispatch", "Cached", "Child"]
    marked = mark_login_required([_route(f"shop.views.{v}") for v in views], (module,), lambda name: name)
    assert {r.view: r.login_required for r in marked} == {
        "shop.views.OnClass": True, "shop.views.OnHandler": True, "shop.views.OnDispatch": True,
        "shop.views.Cached": False, "shop.views.Child": True,
    }
