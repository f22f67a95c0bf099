"""``manage.py export_openapi [PATH]``: write the OpenAPI document (default: openapi.json)."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from service_project.api import FUNCTION_ENDPOINTS, MODEL_ENDPOINTS
from service_project.openapi import build_document


class Command(BaseCommand):
    """Write openapi.json from the endpoint tables and the models."""

    help = "Write the OpenAPI 3.1 document of this service."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", nargs="?", default=str(Path(settings.BASE_DIR) / "openapi.json"))

    def handle(self, *args: Any, **options: Any) -> None:
        document = build_document(MODEL_ENDPOINTS, FUNCTION_ENDPOINTS)
        text = json.dumps(document, indent=2, sort_keys=True) + "\n"
        Path(options["path"]).write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {options['path']}")
