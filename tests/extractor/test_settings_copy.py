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


OBJECTS = Path(__file__).resolve().parents[1] / "fixtures" / "settings_objects"


def test_an_object_the_settings_import_is_read_from_the_module_holding_it() -> None:
    """pretix's ``CURRENCIES`` (pycountry objects, from ``_base_settings``, read by the installed
    code when it is imported) was dropped, and the service failed ``'Settings' object has no
    attribute 'CURRENCIES'``; an object the settings module builds itself still has no value."""
    resolved = resolve_settings(sys.executable, OBJECTS, "objsite.settings", ["*"])
    assert resolved["CURRENCIES"] == "import_string('objsite._base_settings.CURRENCIES')"
    assert resolved["PAGE_SIZE"] == "50"
    assert "FEED" not in resolved
    text = monolith_values(resolved, "", ["objsite.ApiToken"])
    assert "from django.utils.module_loading import import_string" in text
    sys.path.insert(0, str(OBJECTS))
    try:
        namespace: dict[str, object] = {}
        exec(text, namespace)  # the lines the service's settings run
    finally:
        sys.path.remove(str(OBJECTS))
    assert [c.code for c in namespace["CURRENCIES"]] == ["EUR", "USD"]  # type: ignore[attr-defined]


def test_a_secret_like_name_holding_a_model_a_flag_or_classes_is_copied() -> None:
    """pretix's ``OAUTH2_PROVIDER_ID_TOKEN_MODEL`` was left out as a secret (``TOKEN``), and
    django-oauth-toolkit's models failed at import."""
    resolved = resolve_settings(sys.executable, OBJECTS, "objsite.settings", ["*"])
    text = monolith_values({**resolved, "PASSWORD_HASHERS": "['django.contrib.auth.hashers.X']"}, "",
                           ["objsite.ApiToken"])
    assert "OBJSITE_API_TOKEN_MODEL = 'objsite.ApiToken'" in text
    assert "OBJSITE_PASSWORD_RESET = False" in text
    assert "PASSWORD_HASHERS = ['django.contrib.auth.hashers.X']" in text
    assert "s3cret" not in text and "# OBJSITE_API_TOKEN: a secret" in text


def test_a_module_named_like_defaults_that_sets_no_setting_is_not_star_imported() -> None:
    """pretix's ``control/views/global_settings.py`` (views importing models) was star-imported by
    the service's settings: ``AppRegistryNotReady`` before any app loaded."""
    text = settings_extra({}, SourceTree(OBJECTS), "objsite.settings", ["objsite"])
    assert "from objsite.defaults import *" in text
    assert "global_settings" not in text
