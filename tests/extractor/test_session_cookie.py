"""The routes file the extractor writes resolves identities by the monolith's own session cookie."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.pysource import SourceTree
from extractor.settings_copy import session_cookie_name


@pytest.mark.parametrize(("settings", "expected"), [
    ('SESSION_COOKIE_NAME = "shop_session"\n', "shop_session"),
    ("SESSION_COOKIE_NAME = 'shop'  # renamed\n", "shop"),
    ("DEBUG = True\n", "sessionid"),  # Django's default
    ("SESSION_COOKIE_NAME = os.environ['NAME']\n", "sessionid"),  # not a literal: the default
])
def test_session_cookie_is_the_monolith_setting(tmp_path: Path, settings: str, expected: str) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "settings.py").write_text("import os\n" + settings)
    assert session_cookie_name(SourceTree(tmp_path), "shop.settings") == expected


def test_no_settings_module_means_the_default(tmp_path: Path) -> None:
    assert session_cookie_name(SourceTree(tmp_path), "") == "sessionid"
