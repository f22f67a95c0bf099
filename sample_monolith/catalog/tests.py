from django.test import TestCase

from catalog.models import Product, Tag
from devtools.testing import make_category, make_product


class CatalogApiTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        coffee = make_category("coffee")
        beans = make_category("coffee-beans", parent=coffee)
        tea = make_category("tea")
        cls.espresso = make_product("COF-1", "12.50", coffee, stock=7)
        cls.kenya = make_product("COF-2", "19.00", beans, stock=0)
        cls.sencha = make_product("TEA-1", "8.00", tea, stock=3)
        organic = Tag.objects.create(name="Organic", slug="organic")
        cls.sencha.tags.add(organic)

    def test_product_list_is_sorted_and_paginated(self) -> None:
        data = self.client.get("/api/catalog/products/").json()
        self.assertEqual(data["total"], 3)
        self.assertEqual([p["sku"] for p in data["results"]], ["COF-1", "COF-2", "TEA-1"])

    def test_category_filter_includes_children(self) -> None:
        data = self.client.get("/api/catalog/products/?category=coffee").json()
        self.assertEqual(sorted(p["sku"] for p in data["results"]), ["COF-1", "COF-2"])

    def test_tag_and_text_filters(self) -> None:
        self.assertEqual(self.client.get("/api/catalog/products/?tag=organic").json()["total"], 1)
        self.assertEqual(self.client.get("/api/catalog/products/?q=tea-1").json()["total"], 1)

    def test_detail_includes_stock_from_inventory(self) -> None:
        data = self.client.get("/api/catalog/products/cof-1/").json()
        self.assertEqual(data["available"], 7)
        self.assertEqual(data["price"], "12.50")
        self.assertFalse(self.client.get("/api/catalog/products/cof-2/").json()["in_stock"])
        self.assertEqual(self.client.get("/api/catalog/products/nope/").status_code, 404)

    def test_categories(self) -> None:
        slugs = [c["slug"] for c in self.client.get("/api/catalog/categories/").json()["results"]]
        self.assertEqual(sorted(slugs), ["coffee", "coffee-beans", "tea"])

    def test_responses_are_deterministic(self) -> None:
        first = self.client.get("/api/catalog/products/").content
        self.assertEqual(first, self.client.get("/api/catalog/products/").content)

    def test_html_pages(self) -> None:
        page = self.client.get("/catalog/")
        self.assertContains(page, "Product COF-1")
        self.assertContains(self.client.get("/catalog/cof-1/"), "7 in stock")

    def test_active_manager(self) -> None:
        Product.objects.filter(sku="TEA-1").update(is_active=False)
        self.assertEqual(Product.objects.active().count(), 2)
