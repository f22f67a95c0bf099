# Carried from the monolith's billing.models.attachment by `demonolith extract`; unused code was left behind.
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Attachment(models.Model):
    """A file attached to anything (a generic relation)."""

    invoice = models.ForeignKey("billing.Invoice", on_delete=models.CASCADE, related_name="attachments")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    name = models.CharField(max_length=100)
    file = models.FileField(upload_to="attachments/", blank=True)

    class Meta:
        db_table = "billing_attachment"
