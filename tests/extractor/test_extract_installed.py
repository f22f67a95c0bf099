"""A service of an installed monolith loads as generated: tests/fixtures/extract_installed.

The fixture is an unpacked wheel (``shopkit-1.0.dist-info``), installed for the self-check by a
``--python`` that puts it on ``PYTHONPATH``. Its basket models load a catalog class through the app
registry at import time and import a mixin module that defines a concrete model of another app;
the catalog models import a helper of the basket models module that no basket model uses. The real
``demonolith analyze`` proposes the services; ``extract`` ends with the self-check, so a service that
does not load fails here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from extractor.extract import extract_service, load_analysis
from tests.extractor.helpers import DEMONOLITH, ROOT, run

FIXTURE = ROOT / "tests" / "fixtures" / "extract_installed"


@pytest.fixture(scope="module")
def installed_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Python of an environment where the fixture's ``shopkit`` is installed."""
    script = tmp_path_factory.mktemp("env") / "python"
    script.write_text(f'#!/bin/sh\nPYTHONPATH={FIXTURE} exec {sys.executable} "$@"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.fixture(scope="module")
def basket(tmp_path_factory: pytest.TempPathFactory, installed_python: Path) -> Path:
    """The generated basket service (extract raised if its self-check failed)."""
    out = tmp_path_factory.mktemp("extract-installed")
    run([*DEMONOLITH, "analyze", str(FIXTURE), "--out", str(out / "analysis"), "--no-cache", "--no-history"],
        cwd=ROOT, timeout=240)
    analysis = out / "analysis" / "analysis.json"
    owners = json.loads(analysis.read_text())["table_owner"]
    assert owners["basket_basket"] != owners["catalog_product"] != owners["common_cachedfile"]
    result = extract_service(load_analysis(analysis), owners["basket_basket"], out / "services",
                             python=str(installed_python))
    assert result.check is not None and result.check.passed, result.check
    return result.root


def test_the_monolith_apps_it_does_not_own_are_registered_code_only(basket: Path) -> None:
    settings = (basket / "service_project" / "settings.py").read_text(encoding="utf-8")
    assert '"service_project.apps.CatalogCodeConfig",' in settings
    assert '"service_project.apps.CommonCodeConfig",' in settings
    assert '"catalog": None,' in settings and '"common": None,' in settings
    apps = (basket / "service_project" / "apps.py").read_text(encoding="utf-8")
    assert 'name = "shopkit.catalog"' in apps and "code only" in apps


def test_a_code_only_config_subclasses_the_monolith_config_and_runs_only_its_imports(basket: Path) -> None:
    """The catalog plugin's receiver connects only when its config has the monolith's
    ``ShopkitPluginMeta`` (pretix: "uses an EventPluginSignal but is not a pretix plugin"); the
    rest of its ``ready()`` would import a module needing an app no service installs. The basket
    fixture's self-check passed, so both held when it ran; this names where."""
    apps = (basket / "service_project" / "apps.py").read_text(encoding="utf-8")
    assert "from shopkit.catalog.apps import CatalogConfig as CatalogCodeConfigBase" in apps
    assert "class CatalogCodeConfig(CatalogCodeConfigBase):" in apps
    assert "super(CatalogCodeConfigBase, self).ready()" in apps
    assert "from shopkit.catalog import signals  # noqa: F401" in apps
    assert "get_class(\"catalog\", \"views" not in apps


def test_an_owned_app_keeps_the_installed_package_directory_as_its_path(basket: Path,
                                                                       installed_python: Path) -> None:
    """The service's ``shopkit/basket`` holds only the models: with that as the app's path Django
    found none of its templates, static files or commands (pretix's own makemigrations did not run)."""
    script = ("from django.apps import apps; from django.template.loader import get_template; "
              "print(apps.get_app_config('basket').path); "
              "print(get_template('basket/receipt.html').origin.name)")
    out = run([str(installed_python), "manage.py", "shell", "-c", script], cwd=basket, timeout=240).stdout
    installed = str(FIXTURE / "shopkit" / "basket")
    assert out.splitlines()[-2:] == [installed, f"{installed}/templates/basket/receipt.html"]


def test_a_500_page_that_cannot_render_gives_way_to_a_plain_500(basket: Path, installed_python: Path) -> None:
    """pretix's 500.html needs compressed assets its deployment builds: rendering it raised
    OfflineGenerationError, and the self-check named that instead of the view's own error."""
    script = ("from django.test import RequestFactory; from django.urls import get_resolver; "
              "r = get_resolver().resolve_error_handler(500)(RequestFactory().get('/x/')); "
              "print(r.status_code, r.content.decode())")
    out = run([str(installed_python), "manage.py", "shell", "-c", script], cwd=basket, timeout=240).stdout
    assert out.splitlines()[-1] == "500 Server Error (500)"


def test_a_field_holding_a_value_of_its_own_is_left_untyped_in_the_openapi_document(basket: Path) -> None:
    """``Basket.tags`` is a list in a text column; typed ``string``, the generated contract test
    (which ran in the self-check) failed on the list the API returns."""
    document = json.loads((basket / "openapi.json").read_text(encoding="utf-8"))
    schema = document["components"]["schemas"]
    basket_schema = next(s for name, s in schema.items() if "tags" in s.get("properties", {}))
    assert basket_schema["properties"]["tags"] == {}
    assert basket_schema["properties"]["owner"] == {"type": "string"}


def test_an_installed_models_module_is_copied_whole(basket: Path) -> None:
    models = (basket / "shopkit" / "basket" / "models.py").read_text(encoding="utf-8")
    assert "def basket_total(quantities):" in models  # no basket model uses it; catalog imports it
    assert 'Pricing = get_class("catalog", "pricing.Pricing")' in models
    assert "product_id = models.BigIntegerField(db_index=True)" in models
    assert not (basket / "shopkit" / "catalog").exists() and not (basket / "shopkit" / "loading.py").exists()


def test_migrate_creates_only_the_tables_the_service_owns(basket: Path, installed_python: Path,
                                                         tmp_path: Path) -> None:
    database = tmp_path / "service.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    run([str(installed_python), "manage.py", "migrate", "-v0"], cwd=basket, timeout=240, **env)
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"basket_basket", "basket_line"} <= tables
    assert not tables & {"catalog_product", "common_cachedfile"}, tables


def test_a_model_registered_after_ready_is_detached_too(basket: Path, installed_python: Path,
                                                       tmp_path: Path) -> None:
    """``catalog.Watch`` is in a module no models package imports, loaded by the first code that
    uses it, after the app registry is ready (pretix's ``OrderSyncQueue``: its events service's
    data-copy tests failed deleting events): it points at ``Basket``, so deleting a basket cascaded
    into its table, which is not in the service's database (``no such table: catalog_watch``), and
    ``basket.watches`` read that table."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'service.sqlite3'}"
    run([str(installed_python), "manage.py", "migrate", "-v0"], cwd=basket, timeout=240, **env)
    script = ("import shopkit.catalog.watch\n"
              "from shopkit.basket.models import Basket\n"
              "basket = Basket.objects.create(owner='x')\n"
              "print('deleted', basket.delete()[0])\n"
              "try:\n    basket.watches\nexcept NotImplementedError as exc:\n    print(exc)\n")
    out = run([str(installed_python), "manage.py", "shell", "-c", script], cwd=basket, timeout=240,
              **env).stdout.splitlines()
    assert out[-2] == "deleted 1", out
    assert out[-1].startswith("demonolith extract: basket.Basket.watches reads catalog.Watch rows"), out


def test_the_test_rows_fit_the_fields_and_the_models_own_save(basket: Path, installed_python: Path,
                                                              tmp_path: Path) -> None:
    """pretix's items and gift_cards failed their contract tests: a ``(None, "Normal")`` first
    choice on a field that may not be blank, text given to a field whose column takes only its own
    value (``MultiStringField``: ``TypeError``), and a ``save()`` refusing a row without an optional
    field (``ValueError``: now a 400, and the test posts a full row). The basket's ``Line`` has each
    (its contract test ran in the self-check); this names the values."""
    script = ("from shopkit.basket.models import Line\n"
              "from service_project.testing import full_instance_values, instance_values\n"
              "least = instance_values(Line)\n"
              "print(least['kind'], least['labels'], least['note'])\n"
              "print(full_instance_values(Line)['note'][:1])\n")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'service.sqlite3'}"
    run([str(installed_python), "manage.py", "migrate", "-v0"], cwd=basket, timeout=240, **env)
    out = run([str(installed_python), "manage.py", "shell", "-c", script], cwd=basket, timeout=240,
              **env).stdout.splitlines()
    assert out[-2:] == ["gift ['v1'] None", "v"], out
