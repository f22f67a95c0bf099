"""``manage.py seed_demo``: fill the shop with deterministic demo data.

Clears the shop's tables first (and the demo users), so running it twice gives the same
database. Orders go through the real checkout, so stock movements, payments, shipments,
loyalty points and notifications are consistent with them.
"""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils.text import slugify

from catalog.models import Category, Product, Tag
from customers.models import Address, Customer, WishlistItem
from devtools import catalog_data as data
from inventory.models import StockItem, Warehouse
from inventory.services import receive_stock
from orders.models import CartItem, Order, Promotion
from orders.services import (
    CARRIER_NAMES,
    CheckoutError,
    add_to_cart,
    carrier_for,
    get_cart,
    mark_delivered,
    mark_shipped,
    place_order,
    refund_order,
)
from payments.models import Refund
from reporting.queries import rebuild_daily_snapshots
from reviews.models import Review
from reviews.services import has_purchased

SEED = 20240501
START = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)
DAYS = 120
PASSWORD = "demo-pass-123"
DEMO_USERS = ("demo", "admin")
# Delete order: children before parents.
RESET_MODELS = (
    "notifications.Notification",
    "reviews.Review",
    "payments.Refund",
    "payments.Payment",
    "shipping.Shipment",
    "shipping.Carrier",
    "orders.OrderLine",
    "orders.Order",
    "orders.CartItem",
    "orders.Cart",
    "orders.Promotion",
    "inventory.StockMovement",
    "inventory.StockItem",
    "inventory.Warehouse",
    "customers.WishlistItem",
    "customers.Address",
    "customers.Customer",
    "catalog.Product",
    "catalog.Tag",
    "catalog.Category",
    "reporting.DailySalesSnapshot",
)
REPORT_MODELS = (
    "catalog.Category", "catalog.Product", "catalog.Tag", "inventory.Warehouse",
    "inventory.StockItem", "inventory.StockMovement", "customers.Customer", "customers.Address",
    "customers.WishlistItem", "orders.Order", "orders.OrderLine", "orders.Promotion",
    "payments.Payment", "payments.Refund", "shipping.Shipment", "notifications.Notification",
    "reviews.Review", "reporting.DailySalesSnapshot",
)


class Command(BaseCommand):
    help = "Reset the shop's tables and fill them with deterministic demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=40)
        parser.add_argument("--orders", type=int, default=150)
        parser.add_argument("--seed", type=int, default=SEED)

    def handle(self, *args: Any, **options: Any) -> None:
        self.rng = random.Random(options["seed"])
        self.password_hash = make_password(PASSWORD, salt="demoseed")
        with transaction.atomic():
            reset()
            products = self.seed_catalog()
            self.seed_inventory(products)
            customers = self.seed_customers(options["customers"])
            self.seed_promotions()
            orders = self.seed_orders(customers, products, options["orders"])
            self.advance_orders(orders)
            self.seed_reviews(customers, products)
            self.seed_wishlists_and_carts(customers, products)
            rebuild_daily_snapshots()
        for label in REPORT_MODELS:
            self.stdout.write(f"{label:32} {apps.get_model(label).objects.count():5d}")
        self.stdout.write(self.style.SUCCESS(f"demo data ready; log in as demo / {PASSWORD}"))

    # --- catalog and stock ---------------------------------------------------------------------

    def seed_catalog(self) -> list[Product]:
        tags = [Tag.objects.create(name=name.replace("-", " ").title(), slug=name)
                for name in data.TAGS]
        products: list[Product] = []
        for position, (slug, name, parent, prices, weights, names) in enumerate(data.CATEGORIES):
            category = Category.objects.create(
                name=name,
                slug=slug,
                parent=Category.objects.get(slug=parent) if parent else None,
                position=position,
                description=f"Our selection of {name.lower()}.",
                created_at=START,
            )
            for index, product_name in enumerate(names):
                product = Product.objects.create(
                    sku=f"{slug[:3].upper()}-{position:02d}{index:02d}",
                    slug=slugify(product_name),
                    name=product_name,
                    description=f"{product_name}, carefully sourced for our {name.lower()} range.",
                    category=category,
                    price=Decimal(self.rng.randint(prices[0] * 100, prices[1] * 100)) / 100,
                    weight_grams=self.rng.randint(*weights),
                    created_at=START,
                )
                product.tags.set(self.rng.sample(tags, self.rng.randint(0, 3)))
                products.append(product)
        return products

    def seed_inventory(self, products: list[Product]) -> None:
        warehouses = [Warehouse.objects.create(code=code, name=name, city=city)
                      for code, name, city in data.WAREHOUSES]
        for product in products:
            for warehouse in self.rng.sample(warehouses, self.rng.randint(1, 3)):
                low = self.rng.random() < 0.08  # a few items start close to their threshold
                quantity = self.rng.randint(3, 9) if low else self.rng.randint(12, 90)
                receive_stock(product, warehouse, quantity, reference="initial")
        StockItem.objects.update(low_stock_threshold=6)

    # --- customers -----------------------------------------------------------------------------

    def seed_customers(self, count: int) -> list[Customer]:
        user_model = get_user_model()
        user_model.objects.create(
            username="admin", email="admin@shop.example", password=self.password_hash,
            is_staff=True, is_superuser=True,
        )
        customers = [self.make_customer("demo", "Demo", "Shopper", country="DE")]
        names = sorted({(f, last) for f in data.FIRST_NAMES for last in data.LAST_NAMES})
        for first, last in self.rng.sample(names, count):
            customers.append(self.make_customer(f"{first}.{last}".lower(), first, last))
        return customers

    def make_customer(self, username: str, first: str, last: str, country: str = "") -> Customer:
        user = get_user_model().objects.create(
            username=username, first_name=first, last_name=last,
            email=f"{username}@mail.example", password=self.password_hash,
        )
        joined = START - timedelta(days=self.rng.randint(1, 400))
        customer = Customer.objects.create(
            user=user, phone=f"+49 30 {self.rng.randint(1000000, 9999999)}",
            marketing_opt_in=self.rng.random() < 0.4, created_at=joined,
        )
        for number in range(self.rng.choice((1, 1, 2))):
            place_country, cities = self.rng.choice(data.PLACES)
            if country and place_country != country:
                place_country, cities = next(p for p in data.PLACES if p[0] == country)
            Address.objects.create(
                customer=customer,
                label="home" if number == 0 else "work",
                line1=f"{self.rng.choice(data.STREETS)} {self.rng.randint(1, 120)}",
                city=self.rng.choice(cities),
                postcode=f"{self.rng.randint(10000, 99999)}",
                country=place_country,
                is_default=number == 0,
            )
        return customer

    def seed_promotions(self) -> None:
        for code, description, percent, minimum, active in data.PROMOTIONS:
            Promotion.objects.create(
                code=code, description=description, percent_off=Decimal(percent),
                min_subtotal=Decimal(minimum), is_active=active, valid_from=START,
            )
        for code in sorted(CARRIER_NAMES):
            carrier_for(code)

    # --- orders --------------------------------------------------------------------------------

    def seed_orders(self, customers: list[Customer], products: list[Product], count: int) -> (
        list[Order]
    ):
        minutes = sorted(self.rng.randint(0, DAYS * 24 * 60) for _ in range(count))
        orders = []
        for index, offset in enumerate(minutes):
            customer = customers[0] if index % 25 == 0 else self.rng.choice(customers)
            order = self.checkout(customer, products, START + timedelta(minutes=offset))
            if order is not None:
                orders.append(order)
        return orders

    def checkout(self, customer: Customer, products: list[Product], at: datetime) -> Order | None:
        """Fill a cart and check out; a basket that runs out of stock is replaced."""
        for _ in range(5):
            for product in self.rng.sample(products, self.rng.choice((1, 1, 2, 2, 3, 4))):
                add_to_cart(customer, product, self.rng.choice((1, 1, 1, 2, 3)))
            order = self.place(customer, at)
            if order is not None:
                return order
            CartItem.objects.filter(cart=get_cart(customer)).delete()
        return None

    def place(self, customer: Customer, at: datetime) -> Order | None:
        token = self.rng.choice(("tok_visa", "tok_visa", "tok_visa", "tok_mc_5100", "tok_paypal"))
        if self.rng.random() < 0.04:
            token = "tok_decline_insufficient_funds"
        promo = None
        if self.rng.random() < 0.2:
            promo = self.rng.choice(("WELCOME10", "SPRING15", "VIP20"))
        # A rejected promotion code is dropped, a declined card retried with another one.
        attempts = ((token, promo), (token, None), ("tok_visa", promo), ("tok_visa", None))
        for card, code in attempts:
            try:
                return place_order(customer, payment_token=card, promo_code=code, placed_at=at)
            except CheckoutError as exc:
                if exc.code not in {"invalid_promotion", "payment_declined"}:
                    return None
        return None

    def advance_orders(self, orders: list[Order]) -> None:
        """Older orders are shipped and delivered; a few are refunded."""
        end = START + timedelta(days=DAYS)
        for order in orders:
            age = (end - order.placed_at).days
            for shipment in order.shipments.all():
                if age >= 2:
                    mark_shipped(shipment, at=order.placed_at + timedelta(days=1))
                if age >= 6:
                    mark_delivered(shipment, at=order.placed_at + timedelta(days=4))
        for order in self.rng.sample(orders, max(1, len(orders) // 18)):
            refund_order(order, reason=self.rng.choice(("damaged in transit", "changed my mind")))
            Refund.objects.filter(payment__order=order).update(
                created_at=order.placed_at + timedelta(days=8)
            )

    # --- reviews, wishlists, carts -------------------------------------------------------------

    def seed_reviews(self, customers: list[Customer], products: list[Product]) -> None:
        delivered = Order.objects.filter(status=Order.Status.DELIVERED).prefetch_related("lines")
        candidates = sorted(
            {(o.customer_id, line.product_id, o.placed_at) for o in delivered for line in
             o.lines.all()}
        )
        by_id = {c.pk: c for c in customers}
        product_by_id = {p.pk: p for p in products}
        for customer_id, product_id, placed_at in candidates:
            if self.rng.random() < 0.6:
                self.review(by_id[customer_id], product_by_id[product_id],
                            placed_at + timedelta(days=6))
        for _ in range(30):  # unverified reviews from people who bought elsewhere
            self.review(self.rng.choice(customers), self.rng.choice(products),
                        START + timedelta(days=self.rng.randint(0, DAYS)))

    def review(self, customer: Customer, product: Product, at: datetime) -> None:
        if Review.objects.filter(customer=customer, product=product).exists():
            return
        rating = self.rng.choice((5, 5, 5, 4, 4, 4, 3, 3, 2, 1))
        Review.objects.create(
            customer=customer, product=product, rating=rating,
            title=self.rng.choice(data.REVIEW_TITLES[rating]),
            body=f"{product.name}: {'would' if rating >= 4 else 'would not'} buy again.",
            is_verified_purchase=has_purchased(customer, product), created_at=at,
        )

    def seed_wishlists_and_carts(self, customers: list[Customer], products: list[Product]) -> (
        None
    ):
        for customer in customers:
            for product in self.rng.sample(products, self.rng.randint(0, 3)):
                WishlistItem.objects.create(
                    customer=customer, product=product, added_at=START + timedelta(days=DAYS)
                )
        demo = customers[0]
        for product in products[:2]:
            add_to_cart(demo, product, 1)


def reset() -> None:
    """Delete the shop's rows and the demo users, and restart the id sequences."""
    for label in RESET_MODELS:
        apps.get_model(label).objects.all().delete()
    user_model = get_user_model()
    user_model.objects.filter(is_superuser=False).delete()
    user_model.objects.filter(username__in=DEMO_USERS).delete()
    if connection.vendor == "sqlite":
        tables = [apps.get_model(label)._meta.db_table for label in RESET_MODELS]
        if not user_model.objects.exists():
            tables.append(user_model._meta.db_table)
        placeholders = ", ".join(["%s"] * len(tables))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({placeholders})", tables)
