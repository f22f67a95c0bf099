"""The imports of a monolith app's ready() that the service's config of that app repeats."""

from __future__ import annotations

from pathlib import Path

from extractor.app_ready import ready_imports
from extractor.pysource import SourceTree

APPS = '''\
from django.apps import AppConfig
from shop.loading import get_class


class OffersConfig(AppConfig):
    name = "shop.offers"

    def ready(self):
        from . import receivers, checks as offer_checks
        from .phrases import OfferPhrases
        import shop.offers.signals
        from reports import hooks
        self.detail_view = get_class("offers.views", "DetailView")
'''


def _tree(root: Path) -> SourceTree:
    empty = ["shop/__init__.py", "shop/offers/__init__.py", "shop/offers/receivers.py",
             "shop/offers/checks.py",
             "shop/offers/phrases.py", "shop/offers/signals.py", "reports/__init__.py", "reports/hooks.py"]
    for path, text in {**dict.fromkeys(empty, ""), "shop/offers/apps.py": APPS}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return SourceTree(root)


def test_the_import_statements_of_ready_are_made_absolute(tmp_path: Path) -> None:
    lines = ready_imports(_tree(tmp_path), "shop.offers", "offers", {"shop"}, ())
    assert lines == ("from shop.offers import receivers", "from shop.offers import checks as offer_checks",
                     "from shop.offers.phrases import OfferPhrases", "import shop.offers.signals")


def test_only_modules_the_service_can_import_are_imported(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    carried = frozenset({"shop", "shop.offers", "shop.offers.receivers", "reports.hooks"})
    assert ready_imports(tree, "shop.offers", "offers", (), carried) == (
        "from shop.offers import receivers", "from reports import hooks")
    assert ready_imports(tree, "shop.offers", "other_label", {"shop"}, ()) == ()
