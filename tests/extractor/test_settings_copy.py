"""extractor.settings_copy: a setting whose statement cannot run on its own takes the resolved value."""

from __future__ import annotations

import sys
from pathlib import Path

from extractor.pysource import SourceTree
from extractor.settings_copy import monolith_values, resolve_settings, settings_extra


def test_a_statement_reading_an_unbound_name_takes_the_resolved_value(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "__init__.py").write_text("")
    (tmp_path / "site" / "settings.py").write_text(
        "from site.config import read\n\nconfig, files = read()\n"
        'SITE_URL = config.get("site", "url")\nPAGE = 20\n')
    files = {"shop/views.py": "from django.conf import settings\nx = (settings.SITE_URL, settings.PAGE)\n"}
    text = settings_extra(files, SourceTree(tmp_path), "site.settings", (), {"SITE_URL": "'http://x'"})
    assert "SITE_URL = 'http://x'" in text and "config.get" not in text
    assert "PAGE = 20" in text  # a statement that runs on its own is copied as it is


def test_resolved_settings_keep_the_service_infrastructure_and_secrets_out() -> None:
    resolved = {"IMAGE_MAX_WIDTH": "1920", "SESSION_COOKIE_AGE": "5", "API_TOKEN": "'s3cret'",
                "LABELS": "{'a': gettext_lazy('A')}", "AUTH_USER_MODEL": "'person.User'"}
    text = monolith_values(resolved, "", ["person.User"])
    assert "IMAGE_MAX_WIDTH = 1920" in text and "AUTH_USER_MODEL = 'person.User'" in text
    assert "SESSION_COOKIE_AGE" not in text and "s3cret" not in text
    assert text.startswith("from django.utils.translation import gettext_lazy")


LAZY = Path(__file__).resolve().parents[1] / "fixtures" / "lazy_settings"


def test_every_resolved_setting_survives_a_lazy_url_and_only_translations_stay_lazy() -> None:
    """kiwitcms: ``LOGIN_REDIRECT_URL = reverse_lazy(...)`` compared with Django's default imported
    the URLconf before the apps were ready, and no setting at all was resolved (the service then
    lacked the monolith's ``django.contrib.sites``)."""
    resolved = resolve_settings(sys.executable, LAZY, "lazysite.settings", ["*"])
    assert "'django.contrib.sites'" in resolved["INSTALLED_APPS"]
    assert resolved["SITE_TITLE"] == "gettext_lazy('Lazy site')"
    assert "LOGIN_REDIRECT_URL" not in resolved  # a reverse_lazy is no translation: not a literal
