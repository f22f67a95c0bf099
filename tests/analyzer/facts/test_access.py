"""Functions that turn anonymous users away in their own body (``ModuleFacts.access_guards``)."""

from __future__ import annotations

from tests.analyzer.facts.helpers import facts_of


def test_guards_that_answer_401_403_redirect_or_raise() -> None:
    facts = facts_of(
        """
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect

        def api(request):
            if not request.user.is_authenticated:
                return json_error("authentication required", status=401)
            return ok()

        def page(request):
            if request.user.is_anonymous:
                return redirect("login")

        def staff(request):
            if not request.user.is_staff:
                raise PermissionDenied

        def perms(request):
            if not request.user.has_perm("shop.view"):
                return HttpResponse(status=403)

        def login_api_required(view):
            def wrapper(request, *args):
                if not request.user.is_authenticated:
                    return JsonResponse({}, status=401)
                return view(request, *args)
            return wrapper
        """
    )
    assert facts.access_guards == (
        "shop.views.api", "shop.views.login_api_required.wrapper", "shop.views.page",
        "shop.views.perms", "shop.views.staff",
    )


def test_partial_or_harmless_checks_are_not_guards() -> None:
    facts = facts_of(
        """
        def reviews(request):
            if request.method == "POST":
                if not request.user.is_authenticated:
                    return json_error("login", status=401)
            return listing()

        def greeting(request):
            if request.user.is_authenticated:
                return render(request, "hello.html")
            return render(request, "anonymous.html")

        def not_found(request):
            if not request.GET:
                return HttpResponse(status=403)
        """
    )
    assert facts.access_guards == ()
