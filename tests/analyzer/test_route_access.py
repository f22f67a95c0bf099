"""``RouteFact.login_required`` from hand-built facts: decorators, mixins, wrappers, guards."""

from __future__ import annotations

from analyzer.model.facts import Definition, ModuleFacts, RouteFact
from analyzer.route_access import mark_login_required

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
