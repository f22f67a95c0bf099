from typing import Any

from django.test import TestCase

from devtools.testing import make_product, make_warehouse
from inventory.models import StockItem, StockMovement
from inventory.services import (
    InsufficientStock,
    allocate,
    available_quantity,
    receive_stock,
    release,
)
from inventory.signals import low_stock
from inventory.tasks import check_low_stock


class StockTests(TestCase):
    def setUp(self) -> None:
        self.ber = make_warehouse("BER")
        self.ham = make_warehouse("HAM")
        self.product = make_product("COF-1", stock=6, warehouse=self.ber)
        receive_stock(self.product, self.ham, 4)
        StockItem.objects.update(low_stock_threshold=2)

    def test_allocate_takes_fullest_warehouse_first(self) -> None:
        movements = allocate(self.product, 8, reference="SO1")
        self.assertEqual([m.delta for m in movements], [-6, -2])
        self.assertEqual(available_quantity(self.product), 2)

    def test_insufficient_stock(self) -> None:
        with self.assertRaises(InsufficientStock) as ctx:
            allocate(self.product, 11, reference="SO1")
        self.assertEqual(ctx.exception.available, 10)
        self.assertEqual(available_quantity(self.product), 10)

    def test_release_restores_once(self) -> None:
        allocate(self.product, 5, reference="SO2")
        self.assertEqual(release("SO2"), 5)
        self.assertEqual(release("SO2"), 0)
        self.assertEqual(available_quantity(self.product), 10)
        self.assertEqual(
            StockMovement.objects.filter(reference="SO2", reason="return").count(), 1
        )

    def test_low_stock_signal(self) -> None:
        seen: list[int] = []

        def listener(sender: Any, stock_item: StockItem, available: int, **kwargs: Any) -> None:
            seen.append(available)

        low_stock.connect(listener)
        try:
            allocate(self.product, 5, reference="SO3")
        finally:
            low_stock.disconnect(listener)
        self.assertEqual(seen, [1])
        self.assertEqual(check_low_stock(), 1)

    def test_stock_api(self) -> None:
        data = self.client.get("/api/inventory/stock/COF-1/").json()
        self.assertEqual(data["total"], 10)
        self.assertEqual([w["warehouse"] for w in data["warehouses"]], ["BER", "HAM"])
        self.assertEqual(self.client.get("/api/inventory/stock/NOPE/").status_code, 404)
        self.assertEqual(len(self.client.get("/api/inventory/warehouses/").json()["results"]), 2)
        self.assertEqual(self.client.get("/api/inventory/low-stock/").json()["results"], [])

    def test_custom_table_name(self) -> None:
        self.assertEqual(StockItem._meta.db_table, "stock_levels")
