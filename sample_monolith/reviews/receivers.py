"""Keep ``Product.rating_average`` / ``review_count`` in step with reviews."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from reviews.models import Review
from reviews.services import refresh_product_rating


@receiver(post_save, sender=Review, dispatch_uid="reviews.rating_on_save")
@receiver(post_delete, sender=Review, dispatch_uid="reviews.rating_on_delete")
def update_product_rating(sender: type[Review], instance: Review, **kwargs: Any) -> None:
    refresh_product_rating(instance.product_id)
