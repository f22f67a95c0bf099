"""A generated Django project larger than the fixtures: ``apps`` apps in a ring, each with models
(a foreign key into the next app), views reading and writing the next apps' models (violations,
with snippets), services calling across apps, and URLs; the same arguments give the same bytes."""

from __future__ import annotations

from pathlib import Path


def write_tree(root: Path, apps: int = 14, models: int = 4) -> list[str]:
    """Write the project under ``root``; the apps' names."""
    names = [f"app{n:02d}" for n in range(apps)]
    settings = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_.settings")'
    _write(root / "manage.py", f"import os\n{settings}\n")
    installed = "".join(f'    "{name}",\n' for name in names)
    _write(root / "site_" / "__init__.py", "")
    _write(root / "site_" / "settings.py",
           f'INSTALLED_APPS = [\n    "django.contrib.auth",\n{installed}]\n'
           'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "g"}}\n'
           'ROOT_URLCONF = "site_.urls"\n')
    includes = "".join(f'    path("{name}/", include("{name}.urls")),\n' for name in names)
    _write(root / "site_" / "urls.py",
           f"from django.urls import include, path\n\nurlpatterns = [\n{includes}]\n")
    for number, name in enumerate(names):
        _write_app(root / name, name, names[(number + 1) % apps], names[(number + 2) % apps], models)
    return names


def _write_app(directory: Path, name: str, after: str, later: str, models: int) -> None:
    _write(directory / "__init__.py", "")
    _write(directory / "migrations" / "__init__.py", "")
    classes = "".join(
        f"\n\nclass {name.title()}M{m}(models.Model):\n"
        f"    title = models.CharField(max_length=40)\n"
        f'    peer = models.ForeignKey("{after}.{after.title()}M{m}", null=True, on_delete=models.SET_NULL)\n'
        for m in range(models))
    _write(directory / "models.py", f"from django.db import models\n{classes}")
    views = "".join(
        f"\n\ndef view_{m}(request):\n"
        f"    # reads {after}, writes {later}\n"
        f"    rows = list({after.title()}M{m}.objects.filter(title__startswith='a'))\n"
        f"    {later.title()}M{m}.objects.create(title=str(len(rows)))\n"
        f"    return helper_{m}(rows)\n"
        for m in range(models))
    _write(directory / "views.py",
           f"from {after}.models import " + ", ".join(f"{after.title()}M{m}" for m in range(models)) + "\n"
           f"from {later}.models import " + ", ".join(f"{later.title()}M{m}" for m in range(models)) + "\n"
           f"from {after}.services import " + ", ".join(f"helper_{m}" for m in range(models)) + "\n"
           + views)
    helpers = "".join(f"\n\ndef helper_{m}(rows):\n    return [r.title for r in rows]\n"
                      for m in range(models))
    _write(directory / "services.py", f'"""Helpers of {name}."""\n{helpers}')
    routes = "".join(f'    path("v{m}/", views.view_{m}),\n' for m in range(models))
    _write(directory / "urls.py",
           f"from django.urls import path\n\nfrom . import views\n\nurlpatterns = [\n{routes}]\n")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
