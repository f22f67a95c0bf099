"""Customer profile, addresses and the wishlist (a many-to-many into the catalog)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Customer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer"
    )
    phone = models.CharField(max_length=32, blank=True)
    marketing_opt_in = models.BooleanField(default=False)
    loyalty_points = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    wishlist = models.ManyToManyField(
        "catalog.Product", through="WishlistItem", related_name="wishlisted_by", blank=True
    )

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return self.user.get_username()

    @property
    def email(self) -> str:
        return str(self.user.email)

    @property
    def display_name(self) -> str:
        full = self.user.get_full_name()
        return full or self.user.get_username()


class Address(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(max_length=40, default="home")
    line1 = models.CharField(max_length=120)
    line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80)
    postcode = models.CharField(max_length=16)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ("customer_id", "-is_default", "id")
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return f"{self.line1}, {self.postcode} {self.city}, {self.country}"


class WishlistItem(models.Model):
    """Through model of ``Customer.wishlist``."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("added_at", "id")
        constraints = (
            models.UniqueConstraint(fields=("customer", "product"), name="uniq_wishlist_item"),
        )
