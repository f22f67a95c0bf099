"""Imports (absolute, relative, aliased, star), definitions, references and calls."""

from __future__ import annotations

from tests.analyzer.facts.helpers import facts_of


def test_imports_of_every_form_are_resolved_to_absolute_names() -> None:
    facts = facts_of(
        """
        import os.path
        import django.db.models as djm
        from . import views
        from ..core import utils as u
        from .models import *
        """,
        module="shop.orders.urls",
    )
    bound = {(i.local, i.target, i.level) for i in facts.imports}
    assert ("os", "os.path", 0) in bound
    assert ("djm", "django.db.models", 0) in bound
    assert ("views", "shop.orders.views", 1) in bound
    assert ("u", "shop.core.utils", 2) in bound
    assert ("*", "shop.orders.models", 1) in bound


def test_relative_import_inside_a_package_init() -> None:
    facts = facts_of("from .models import Order\n", module="shop.orders", is_package=True)
    assert facts.imports[0].target == "shop.orders.models.Order"


def test_definitions_carry_bases_decorators_and_lines() -> None:
    facts = facts_of(
        """
        import functools
        from django.views import View

        class Home(View):
            def get(self, request):
                return self.render()

            def render(self):
                return helper()

        @functools.cache
        def helper():
            return 1
        """
    )
    by_name = {d.qualname: d for d in facts.definitions}
    assert by_name["shop.views.Home"].bases == ("django.views.View",)
    assert by_name["shop.views.Home.get"].kind == "method"
    assert by_name["shop.views.helper"].decorators == ("functools.cache",)
    assert by_name["shop.views.helper"].line == 13


def test_calls_and_references_resolve_through_imports_and_keep_unresolved_ones() -> None:
    facts = facts_of(
        """
        from orders import services as svc
        from orders.models import Order

        def view(request, thing):
            svc.place(Order)
            thing.frobnicate()
            len(request)
        """
    )
    refs = {(r.scope, r.target, r.kind, r.resolved) for r in facts.references}
    assert ("shop.views.view", "orders.services.place", "call", True) in refs
    assert ("shop.views.view", "orders.models.Order", "ref", True) in refs
    assert ("shop.views.view", "thing.frobnicate", "call", False) in refs
    assert not any(r.target == "len" for r in facts.references)


def test_self_calls_resolve_to_the_class_method() -> None:
    facts = facts_of(
        """
        class A:
            def a(self):
                self.b()
            def b(self):
                pass
        """
    )
    call = next(r for r in facts.references if r.kind == "call")
    assert (call.scope, call.target, call.resolved) == ("shop.views.A.a", "shop.views.A.b", True)


def test_repeated_uses_are_counted_once_per_scope() -> None:
    facts = facts_of("from x import f\n\ndef g():\n    f()\n    f()\n")
    (ref,) = [r for r in facts.references if r.target == "x.f"]
    assert (ref.count, ref.line) == (2, 4)


def test_local_names_and_parameters_shadow_imported_names() -> None:
    facts = facts_of(
        """
        from shop import models, forms
        from shop.utils import error

        COUNTER = 0

        def view(request, forms):
            forms.clean()
            for error in request.errors:
                error.log()
            models.Order()
            models = request.models
            models.Other()

        def bump():
            global COUNTER
            COUNTER = COUNTER + 1
            from shop import models
            models.Third()

        def untouched():
            error()
            forms.Form()
        """
    )
    targets = {(r.scope.rpartition(".")[2], r.target) for r in facts.references if r.resolved}
    assert ("view", "shop.forms.clean") not in targets  # a parameter
    assert ("view", "shop.utils.error.log") not in targets  # a loop variable
    assert ("view", "shop.models.Order") in targets  # before the local assignment
    assert ("view", "shop.models.Other") not in targets  # after it
    assert ("bump", "shop.views.COUNTER") in targets  # declared global
    assert ("bump", "shop.models.Third") in targets  # an import binds, it does not hide
    assert {("untouched", "shop.utils.error"), ("untouched", "shop.forms.Form")} <= targets
