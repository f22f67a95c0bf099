"""requirements.txt of a generated service: from what the monolith declares, never from our venv."""

from __future__ import annotations

from pathlib import Path

from extractor.distribution import read_distribution
from extractor.requirements import import_map, requirements_for

FILES = {
    "shop/views.py": ("import os\nimport jinja2\nfrom django.http import JsonResponse\n"
                      "from shop import util\n"),
    "shop/util.py": "from yaml_not_installed_x import load\nimport networkx as nx\nfrom . import views\n",
}


def test_declared_requirements_win_and_nothing_is_pinned_from_this_environment(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("# pinned by the monolith\nnetworkx==3.2.1  # graph\n"
                                               "Django>=4.2,<5.1\npsycopg2-binary==2.9.9\n")
    found = requirements_for(FILES, read_distribution(tmp_path), {"shop"}, import_map(None), "postgresql",
                             "5.2")
    assert found.lines[0] == "Django>=4.2,<5.1"  # the monolith's declared Django, not the analysis' guess
    assert "networkx==3.2.1" in found.lines  # the monolith's own pin
    assert "Jinja2" in found.lines or "jinja2" in found.lines  # mapped here, unpinned
    assert "psycopg2-binary==2.9.9" in found.lines  # its declared driver for its engine
    assert found.unknown == ("yaml_not_installed_x (imported by shop/util.py)",)


def test_an_installable_monolith_is_required_itself_from_its_metadata(tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    info = tmp_path / "shop-2.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shop\nVersion: 2.1\n"
                                   "Requires-Dist: django<5.3,>=4.2\n"
                                   "Requires-Dist: pytest; extra == 'test'\n")
    found = requirements_for({"a/b.py": "from shop.util import x\n"}, read_distribution(tmp_path), set(), {})
    assert found.lines == ("django<5.3,>=4.2", "shop==2.1")


def test_stdlib_django_and_local_packages_are_not_listed(tmp_path: Path) -> None:
    code = "import json, shop.x\nfrom django.db import models\n"
    found = requirements_for({"a/b.py": code}, read_distribution(tmp_path), {"shop"}, {}, "sqlite3", "")
    assert found.lines == ("Django>=4.2  # the monolith declares no Django version; set the one it runs",)
    assert found.unknown == ()
