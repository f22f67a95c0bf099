"""Models whose primary key is not an integer: the API and the client take the key's own type."""

from __future__ import annotations

import importlib.util
import shutil
import time
from pathlib import Path
from typing import Any

from extractor.extract import extract_service
from extractor.render import render_client
from tests.extractor.helpers import FIXTURE, http, run_project, served, small

TOKEN = "primary-key-token"
ORDER = """\
from django.db import models
from catalog.models import Product

class Order(models.Model):
    number = models.CharField(max_length=40, primary_key=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    quantity = models.IntegerField(default=1)
"""


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("pk_client", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_string_primary_key_is_listed_fetched_and_quoted(tmp_path: Path) -> None:
    monolith = tmp_path / "shop"
    shutil.copytree(FIXTURE, monolith)
    (monolith / "orders" / "models.py").write_text(ORDER, encoding="utf-8")
    result = extract_service(small(str(monolith)), "orders", tmp_path / "out")  # contract tests run
    client_module = _load(result.root / "client" / "orders_client.py")
    source = (result.root / "client" / "orders_client.py").read_text(encoding="utf-8")
    assert "def get_order(self, pk: str) -> Order:" in source
    run_project(["migrate", "-v0"], result.root)
    run_project(["shell", "-c", "from orders.models import Order; "
                 "Order.objects.create(number='2026/17 A', product_id=1)"], result.root)
    with served(result.root, env={"DEMONOLITH_SERVICE_TOKEN": TOKEN}) as base:
        assert http("GET", base + "/_api/models/orders/order/?ids=2026/17 A".replace(" ", "%20"),
                    time.monotonic() + 10, token=TOKEN)[0] == 200
        client = client_module.OrdersClient(base, timeout=5, token=TOKEN)
        assert client.get_order("2026/17 A")["number"] == "2026/17 A"  # a slash and a space in the key
        assert client.list_order(ids=["2026/17 A"])["total"] == 1
        try:
            client.get_order("none such")
        except client_module.NotFound as missing:
            assert missing.status == 404
        else:
            raise AssertionError("a missing key must raise NotFound")


def test_a_function_taking_a_model_takes_its_key_type_in_the_client(tmp_path: Path) -> None:
    endpoint = {"label": "orders.Order", "name": "Order", "path": "models/orders/order/", "writers": [],
                "static_fields": []}
    function = {"name": "orders.services.cancel", "method": "POST", "method_name": "cancel",
                "model_params": {"order": "orders.Order"}, "returns": "",
                "typed_params": [{"name": "order", "type": "int", "default": "", "keyword_only": False},
                                 {"name": "note", "type": "str | None", "default": "None",
                                  "keyword_only": True}]}
    schema = {"type": "object", "x-primary-key": "number",
              "properties": {"number": {"type": "string"}, "quantity": {"type": "integer"}}}
    source = render_client({"service": "orders", "class_prefix": "Orders", "model_endpoints": [endpoint],
                            "function_endpoints": [function]},
                           {"components": {"schemas": {"orders_Order": schema}}}).decode()
    assert "    def cancel(self, order: str, *, note: str | None = None) -> Any:\n" in source
    assert "    def get_order(self, pk: str) -> Order:\n" in source
    (tmp_path / "client.py").write_text(source, encoding="utf-8")
    assert _load(tmp_path / "client.py").OrdersClient("http://127.0.0.1:9").cancel  # valid Python
