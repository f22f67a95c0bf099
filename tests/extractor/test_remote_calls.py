"""Which functions get an endpoint (real calls from other services' code) and which are GET."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from analyzer.model.analysis import Interface, Location
from extractor.remote_calls import (
    called_from,
    exposure,
    hidden_functions,
    http_method,
    name_reads,
    source_reader,
    use_kind,
    writes_in,
)

CALLER = textwrap.dedent("""\
    from shop.pricing import get_price, get_price as price_of
    from shop.util import deprecated


    @deprecated
    def view(product):
        total = get_price(product)
        return price_of(product) + total


    KEY = sorted([], key=get_price)


    @deprecated("use view")
    def old(product):
        return shop.pricing.get_price(product)


    refresh_prices.delay(1)
    with translation_override("de"):
        pass
    """)


@pytest.mark.parametrize(("line", "name", "kind"), [
    (1, "get_price", "import"),
    (7, "get_price", "call"),
    (8, "get_price", "call"),  # through its alias
    (5, "deprecated", "decorator"),
    (14, "deprecated", "decorator"),  # a decorator factory runs at import, not per call
    (11, "get_price", "reference"),
    (16, "get_price", "call"),  # as an attribute
    (19, "refresh_prices", "call"),  # a task sent
    (20, "translation_override", "context"),  # runs around the caller's code: not remote
])
def test_use_kind_reads_the_site(line: int, name: str, kind: str) -> None:
    assert use_kind(ast.parse(CALLER), line, name) == kind


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    return tmp_path


def test_calls_from_tests_and_migrations_do_not_count(tmp_path: Path) -> None:
    call = "from shop.pricing import get_price\n\nget_price(1)\n"
    root = _tree(tmp_path, {"orders/views.py": call, "orders/tests/test_x.py": call,
                            "orders/migrations/0002_x.py": call, "orders/test_y.py": call})
    uses = [Location(p, 3) for p in ("orders/tests/test_x.py", "orders/migrations/0002_x.py",
                                     "orders/test_y.py", "orders/views.py")]
    assert called_from(uses, "get_price", source_reader(root)) == (Location("orders/views.py", 3),)
    assert called_from(uses[:3], "get_price", source_reader(root)) == ()


def _interface(name: str, *uses: Location) -> Interface:
    return Interface("pricing", name, "function", ("orders",), uses)


def test_exposure_says_why_a_function_stays(tmp_path: Path) -> None:
    decorated = "from shop.util import deprecated\n\n@deprecated\nclass A: ...\n"
    root = _tree(tmp_path, {"orders/models.py": decorated,
                            "orders/views.py": "from shop.pricing import get_price\nget_price(1)\n"})
    parse = source_reader(root)
    decorator = exposure(_interface("shop.util.deprecated", Location("orders/models.py", 3)), ["f"], parse)
    assert not decorator.exposed
    assert decorator.reason == ("only imported, decorating, a context manager or referenced, or called "
                                "from tests or migrations")
    called = exposure(_interface("shop.pricing.get_price", Location("orders/views.py", 2)), ["p"], parse)
    assert called.exposed and called.reason == ""
    form = exposure(_interface("shop.forms.clean_code", Location("orders/views.py", 2)), [], parse)
    assert (form.exposed, form.reason) == (False, "a form, admin, template-tag or test helper")
    tag = exposure(_interface("shop.templatetags.money.currency", Location("orders/views.py", 2)), [], parse)
    assert not tag.exposed
    helper = exposure(_interface("shop.views.sort_queryset", Location("orders/views.py", 2)),
                      ["queryset", "request"], parse)
    assert (helper.exposed, helper.reason) == (False, "takes queryset, request: not callable over HTTP")


def test_hidden_functions_of_a_tree(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"orders/views.py": "import shop.pricing\nshop.pricing.get_price(1)\n"})
    interfaces = [_interface("shop.pricing.get_price", Location("orders/views.py", 2)),
                  _interface("shop.pricing.PRICES", Location("orders/views.py", 1))]
    hidden = hidden_functions(interfaces, lambda name: (), root)
    assert list(hidden) == ["shop.pricing.PRICES"]


@pytest.mark.parametrize(("name", "reads"), [
    ("get_cart", True), ("shop.pricing.compute_total", True), ("is_open", True),
    ("get_or_create_cart", False), ("list_and_mark_seen", False), ("mark_paid", False),
    ("send_receipt", False), ("cancel_open_shipments", False), ("recalculate", False),
    ("quote_shipping", True),
])
def test_name_reads(name: str, reads: bool) -> None:
    assert name_reads(name) is reads


def _function(source: str) -> cst.CSTNode:
    return cst.parse_module(textwrap.dedent(source)).body[0]


def test_writes_in_a_body() -> None:
    assert writes_in(_function("def get_total(o):\n    return sum(l.price for l in o.lines.all())\n")) == ()
    body = _function("""\
        def get_cart(user):
            cart, _ = Cart.objects.get_or_create(user=user)
            notify.delay(cart.pk)
            with transaction.atomic():
                cart.save()
            return cart
        """)
    assert writes_in(body) == ("delay", "get_or_create", "save", "transaction.atomic")


def test_http_method_is_get_only_when_name_analysis_and_body_agree() -> None:
    reading = _function("def get_total(o):\n    return o.total\n")
    writing = _function("def get_total(o):\n    o.save()\n    return o.total\n")
    assert http_method("shop.get_total", True, reading) == "GET"
    assert http_method("shop.get_total", True, writing) == "POST"  # the body writes
    assert http_method("shop.get_total", False, reading) == "POST"  # the analysis saw a write through it
    assert http_method("shop.get_total", True, None) == "POST"  # no source: assume it may write
    assert http_method("shop.recalculate", True, reading) == "POST"  # the name does not say it reads
