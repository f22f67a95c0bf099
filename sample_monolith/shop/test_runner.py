"""Test runner that finds the shop's tests wherever ``manage.py test`` is started from."""

from typing import Any

from django.conf import settings
from django.test.runner import DiscoverRunner


class ShopTestRunner(DiscoverRunner):
    """Without labels, discover tests in the project directory, not the working directory."""

    def build_suite(self, test_labels: Any = None, **kwargs: Any) -> Any:
        return super().build_suite(test_labels or [str(settings.BASE_DIR)], **kwargs)
