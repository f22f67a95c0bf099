"""requirements.txt of a generated service: third-party imports of the carried code -> distributions."""

from __future__ import annotations

from pathlib import Path

from extractor.requirements import requirements_for

FILES = {
    "shop/views.py": ("import os\nimport jinja2\nfrom django.http import JsonResponse\n"
                      "from shop import util\n"),
    "shop/util.py": "from yaml_not_installed_x import load\nimport networkx as nx\nfrom . import views\n",
}


def test_imports_map_to_installed_and_declared_distributions(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("# pinned by the monolith\nnetworkx==3.2.1  # graph\n")
    found = requirements_for(FILES, tmp_path, {"shop"})
    assert found.lines[0].startswith("Jinja2>=") and found.lines[0].count(",<") == 1  # installed here
    assert found.lines[1:] == ("networkx==3.2.1",)  # the monolith's own pin wins
    assert found.unknown == ("yaml_not_installed_x (imported by shop/util.py)",)


def test_stdlib_django_and_local_packages_are_not_listed(tmp_path: Path) -> None:
    code = "import json, shop.x\nfrom django.db import models\n"
    found = requirements_for({"a/b.py": code}, tmp_path, {"shop"})
    assert found.lines == () and found.unknown == ()
