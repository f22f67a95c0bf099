"""Catalog models: what the shop sells."""

from decimal import Decimal

from django.db import models

from common.models import TimeStampedModel


class Category(TimeStampedModel):
    """A node of the category tree (``parent`` is empty for top-level categories)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "name")
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free-form label such as "organic" or "bestseller"."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.name


class ProductQuerySet(models.QuerySet["Product"]):
    def active(self) -> "ProductQuerySet":
        return self.filter(is_active=True)

    def in_category_tree(self, slug: str) -> "ProductQuerySet":
        """Products of the category ``slug`` and of its direct children."""
        return self.filter(models.Q(category__slug=slug) | models.Q(category__parent__slug=slug))


class Product(TimeStampedModel):
    """A sellable item. ``rating_average``/``review_count`` are maintained by the reviews app."""

    sku = models.CharField(max_length=32, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    name = models.CharField(max_length=140)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    tags = models.ManyToManyField(Tag, blank=True, related_name="products")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    weight_grams = models.PositiveIntegerField(default=500)
    is_active = models.BooleanField(default=True)
    # Denormalised from reviews.Review (written by a reviews signal receiver).
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.00"))
    review_count = models.PositiveIntegerField(default=0)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ("name", "id")
        indexes = (models.Index(fields=("category", "is_active"), name="product_cat_active_idx"),)

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"
