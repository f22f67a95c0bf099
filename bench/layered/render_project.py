"""Source text of the API layer, the project package (settings, root URLconf) and app configs."""

from __future__ import annotations

from bench.layered.render_code import models_import
from bench.layered.render_models import snake
from bench.layered.spec import GOD_APP, Layout


def api_serializers(layout: Layout) -> str:
    """``api/serializers.py``: one ModelSerializer per root model, every domain in one file."""
    roots = [m for m in layout.models if m.parent is None]
    out = ['"""REST serializers of every resource."""\n', "from rest_framework import serializers\n"]
    out += [*models_import(layout, [m.name for m in roots]), ""]
    for spec in roots:
        out.append(
            f"\nclass {spec.name}Serializer(serializers.ModelSerializer):\n"
            f"    class Meta:\n        model = {spec.name}\n"
            f'        fields = ["id", "created", "modified"]\n'
        )
    return "\n".join(out)


def api_views(layout: Layout) -> str:
    """``api/views.py``: one read-only viewset per root model, filtered by the event hub."""
    roots = [m for m in layout.models if m.parent is None]
    out = [
        '"""REST API views of every resource."""\n',
        "from django.shortcuts import get_object_or_404",
        "from rest_framework import viewsets\n",
        *models_import(layout, [*(m.name for m in roots), "Event"]),
        f"from api.serializers import {', '.join(m.name + 'Serializer' for m in roots)}",
        "",
    ]
    for spec in roots:
        scope = "event=self.event()" if spec.hub else "pk__gt=0"
        out.append(
            f"\nclass {spec.name}ViewSet(viewsets.ReadOnlyModelViewSet):\n"
            f"    serializer_class = {spec.name}Serializer\n\n"
            f"    def event(self):\n"
            f'        return get_object_or_404(Event, slug=self.kwargs["event"])\n\n'
            f"    def get_queryset(self):\n"
            f"        return {spec.name}.objects.filter({scope})\n"
        )
    return "\n".join(out)


def api_urls(layout: Layout) -> str:
    """``api/urls.py``: list and detail routes of every viewset."""
    roots = [m for m in layout.models if m.parent is None]
    out = ['"""REST API routes."""\n', "from django.urls import path\n", "from api import views\n"]
    out.append("urlpatterns = [")
    for spec in roots:
        var = snake(spec.name)
        out.append(
            f'    path("events/<slug:event>/{var}s/", views.{spec.name}ViewSet.as_view({{"get": "list"}})),'
        )
        out.append(
            f'    path("events/<slug:event>/{var}s/<int:pk>/", '
            f'views.{spec.name}ViewSet.as_view({{"get": "retrieve"}})),'
        )
    return "\n".join([*out, "]", ""])


def settings_module(layout: Layout) -> str:
    """``project/settings.py`` with every app in INSTALLED_APPS."""
    apps = [GOD_APP, *layout.domain_apps, "control", "presale", "api"]
    installed = "\n".join(f'    "{a}",' for a in apps)
    return (
        '"""Settings of the synthetic ticket shop."""\n\n'
        'SECRET_KEY = "synthetic"\nDEBUG = False\nROOT_URLCONF = "project.urls"\n'
        'INSTALLED_APPS = [\n    "django.contrib.auth",\n    "django.contrib.contenttypes",\n'
        f'    "django.contrib.sessions",\n    "rest_framework",\n{installed}\n]\n'
        'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop"}}\n'
        'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n'
    )


def root_urls() -> str:
    """``project/urls.py``."""
    return (
        '"""Root URLconf."""\n\nfrom django.urls import include, path\n\nurlpatterns = [\n'
        '    path("control/", include("control.urls")),\n'
        '    path("api/v1/", include("api.urls")),\n'
        '    path("", include("presale.urls")),\n]\n'
    )


def apps_module(app: str) -> str:
    """``<app>/apps.py``."""
    return (
        f'"""App config of {app}."""\n\nfrom django.apps import AppConfig\n\n\n'
        f'class {app.capitalize()}Config(AppConfig):\n    name = "{app}"\n'
        f'    default_auto_field = "django.db.models.BigAutoField"\n'
    )


def manage_py() -> str:
    """``manage.py``."""
    return (
        '#!/usr/bin/env python\n"""Django command line."""\n\nimport os\nimport sys\n\n'
        'if __name__ == "__main__":\n'
        '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")\n'
        "    from django.core.management import execute_from_command_line\n\n"
        "    execute_from_command_line(sys.argv)\n"
    )
