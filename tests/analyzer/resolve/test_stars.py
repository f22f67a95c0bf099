"""``from x import *`` of project modules: names, class bases and re-exports resolved."""

from __future__ import annotations

import textwrap
from pathlib import Path

from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts
from analyzer.resolve.stars import StarExports

FILES = {
    "shop/__init__.py": "",
    "shop/models/__init__.py": "from .order import *\nfrom .customer import *\n",
    "shop/models/order.py": """
        from django.db import models

        __all__ = ["Order"]

        class Order(models.Model):
            pass

        class Hidden(models.Model):
            pass

        def helper():
            pass
    """,
    "shop/models/customer.py": """
        from django.db import models

        class Customer(models.Model):
            pass

        def _private():
            pass
    """,
    "shop/views.py": """
        from shop.models import *

        class Special(Order):
            pass

        def view(request):
            Order.objects.all()
            Customer()
            return helper
    """,
    "shop/admin.py": """
        from django.db import models
        from shop.models import Customer

        class Note(models.Model):
            customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    """,
}


def _tree(root: Path) -> Path:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def test_star_imported_names_resolve_to_where_they_are_defined(tmp_path: Path) -> None:
    facts = extract_project_facts(_tree(tmp_path), FactsOptions(use_cache=False))
    views = next(m for m in facts.modules if m.module == "shop.views")
    resolved = {r.target for r in views.references if r.resolved}
    assert {"shop.models.order.Order.objects.all", "shop.models.customer.Customer"} <= resolved
    assert "shop.models.order.helper" not in resolved  # not in order's __all__
    special = next(d for d in views.definitions if d.qualname == "shop.views.Special")
    assert special.bases == ("shop.models.order.Order",)
    labels = {m.label: m for m in facts.models}
    assert "shop.Special" in labels  # a model through a star-imported base
    note = labels["shop.Note"]
    assert note.fields[0].target_label == "shop.Customer"  # re-exported by the star import


def test_exports_follow_all_then_public_names(tmp_path: Path) -> None:
    facts = extract_project_facts(_tree(tmp_path), FactsOptions(use_cache=False))
    exports = StarExports(facts.modules)
    assert set(exports.names("shop.models.order")) == {"Order"}
    assert set(exports.names("shop.models.customer")) == {"Customer", "models"}
    assert exports.names("shop.models")["Order"] == "shop.models.order.Order"
    assert exports.names("not.a.project.module") == {}


def test_a_star_imported_dotted_import_does_not_rebind_a_resolved_base(tmp_path: Path) -> None:
    """``import django.dispatch`` in a star-imported module binds ``django`` to the package: the
    importing module's ``models.Model`` (from ``django.contrib.gis.db``) stays that class."""
    files = {
        "geo/__init__.py": "",
        "geo/signals.py": "import django.dispatch\n\nchanged = django.dispatch.Signal()\n",
        "geo/models.py": textwrap.dedent("""
            import django.utils.timezone
            from django.contrib.gis.db import models

            class Place(models.Model):
                name = models.CharField(max_length=10)

            from .signals import *
        """),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    facts = extract_project_facts(tmp_path, FactsOptions(use_cache=False))
    models = next(m for m in facts.modules if m.module == "geo.models")
    place = next(d for d in models.definitions if d.qualname == "geo.models.Place")
    assert place.bases == ("django.contrib.gis.db.models.Model",)
    assert [m.label for m in facts.models] == ["geo.Place"]
