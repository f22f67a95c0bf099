"""Builders for the apps' tests: small, explicit objects instead of fixtures files."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from catalog.models import Category, Product
from customers.models import Address, Customer
from inventory.models import StockItem, Warehouse
from inventory.services import receive_stock

PASSWORD = "test-pass-123"


def make_category(slug: str = "coffee", parent: Category | None = None) -> Category:
    category, _ = Category.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").title(), "parent": parent}
    )
    return category


def make_warehouse(code: str = "BER") -> Warehouse:
    warehouse, _ = Warehouse.objects.get_or_create(
        code=code, defaults={"name": f"{code} warehouse", "city": code.title()}
    )
    return warehouse


def make_product(
    sku: str = "COF-1",
    price: str = "10.00",
    category: Category | None = None,
    stock: int = 10,
    warehouse: Warehouse | None = None,
    weight_grams: int = 500,
) -> Product:
    product = Product.objects.create(
        sku=sku,
        slug=sku.lower(),
        name=f"Product {sku}",
        category=category or make_category(),
        price=Decimal(price),
        weight_grams=weight_grams,
    )
    if stock:
        receive_stock(product, warehouse or make_warehouse(), stock, reference="test")
    StockItem.objects.filter(product=product).update(low_stock_threshold=2)
    return product


def make_customer(username: str = "alice", country: str = "DE", staff: bool = False) -> Customer:
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@mail.example", password=PASSWORD, is_staff=staff
    )
    customer = Customer.objects.create(user=user)
    Address.objects.create(
        customer=customer, line1="Hauptstrasse 1", city="Berlin", postcode="10115",
        country=country, is_default=True,
    )
    return customer
