"""The moved browser routes check the CSRF token the monolith issued: its cookie and header names,
read from its resolved settings, are the service's."""

from __future__ import annotations

import shutil
from pathlib import Path

from extractor.csrf_settings import csrf_lines, csrf_warnings
from extractor.extract import extract_service
from tests.extractor.helpers import FIXTURE, run_project, small


def test_only_values_other_than_djangos_are_written() -> None:
    resolved = {"CSRF_COOKIE_NAME": "'pretalx_csrftoken'", "CSRF_HEADER_NAME": "'HTTP_X_CSRFTOKEN'",
                "CSRF_TRUSTED_ORIGINS": "['https://talks.example']", "CSRF_USE_SESSIONS": "False"}
    assert csrf_lines(resolved) == ["CSRF_COOKIE_NAME = 'pretalx_csrftoken'",
                                    "CSRF_TRUSTED_ORIGINS = ['https://talks.example']"]
    assert csrf_warnings(resolved) == []


def test_a_token_kept_in_the_session_is_reported_not_copied() -> None:
    resolved = {"CSRF_USE_SESSIONS": "True"}
    assert csrf_lines(resolved) == []
    assert "CSRF_USE_SESSIONS = True" in csrf_warnings(resolved)[0]


def test_the_service_takes_the_monolith_csrf_cookie_name(tmp_path: Path) -> None:
    monolith = tmp_path / "shop"
    shutil.copytree(FIXTURE, monolith)
    (monolith / "shop").mkdir()
    (monolith / "shop" / "__init__.py").write_text("", encoding="utf-8")
    (monolith / "shop" / "settings.py").write_text(
        'SECRET_KEY = "x"\nCSRF_COOKIE_NAME = "shop_csrf"\nCSRF_HEADER_NAME = "HTTP_X_SHOP_CSRF"\n',
        encoding="utf-8")
    result = extract_service(small(str(monolith)), "orders", tmp_path / "out")  # runs tests/test_csrf.py
    settings = (result.root / "service_project" / "settings.py").read_text(encoding="utf-8")
    assert "CSRF_COOKIE_NAME = 'shop_csrf'\n" in settings
    assert "CSRF_HEADER_NAME = 'HTTP_X_SHOP_CSRF'\n" in settings
    shown = run_project(["shell", "-c", "from django.conf import settings; print(settings.CSRF_COOKIE_NAME)"],
                        result.root)
    assert shown.stdout.strip().splitlines()[-1] == "shop_csrf"
