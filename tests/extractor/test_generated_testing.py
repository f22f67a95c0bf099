"""The generated ``service_project/testing.py`` (the rows its tests insert), called on fields alone.

An ``ImageField`` with ``width_field``/``height_field`` reads its stored file whenever a row is
built (``update_dimension_fields``), so a made-up name failed misago_icons' tests with
``FileNotFoundError`` under the monolith's ``MEDIA_ROOT``: such a field gets no file. The module is
the golden copy, which tests/extractor/test_golden.py keeps equal to what ``extract`` writes; the
fields need no model (nor Pillow) to be asked for a value.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TESTING = Path(__file__).resolve().parent / "golden" / "sample" / "service_project" / "testing.py"
SCRIPT = f"""
import importlib.util
import django
from django.conf import settings
settings.configure()
django.setup()
from django.db import models
spec = importlib.util.spec_from_file_location("generated_testing", {str(TESTING)!r})
testing = importlib.util.module_from_spec(spec)
spec.loader.exec_module(testing)
sized = models.ImageField(upload_to="icon", width_field="width", height_field="height")
plain = models.ImageField(upload_to="icon")
print(repr(testing._value(sized, 7, False)), repr(testing._value(plain, 7, False)))
"""


def test_an_image_with_dimension_fields_gets_no_file_and_a_plain_one_a_name() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True,
                         timeout=60).stdout.split()
    assert out == ["''", "'files/7.txt'"]
