"""The URLs Django's admin site gives each registered ``ModelAdmin``.

``path("admin/", admin.site.urls)`` includes, for every model registered on the default site
(``@admin.register(Model)``, ``admin.site.register(Model, ModelAdmin)``), the admin's
``get_urls()`` under ``<app_label>/<model_name>/``. A registration is recorded as a pattern of
the site (container ``admin:site``) whose route is ``{?model}/``, whose view is the model (the
project pass knows its label) and which includes ``class:ADMIN``, the ``get_urls`` chain of the
admin class (:mod:`analyzer.resolve.app_urls`). Django's own admin views are not the project's code and are
not listed. A registration on another site (``site=...``, ``other_site.register``) is left out.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from analyzer.facts.route_text import marker
from analyzer.model.facts import UrlPattern

ADMIN_SITE = "admin:site"
MODEL_ROUTE = marker("model") + "/"  # <app_label>/<model_name>/ of the model named as the view
CLASS_PREFIX = "class:"
AUTH_USER = "AUTH_USER_MODEL"  # get_user_model(): the project pass reads the setting
SITE_URLS = frozenset({"django.contrib.admin.site.urls", "django.contrib.admin.sites.site.urls"})
_DECORATORS = frozenset({"django.contrib.admin.register", "django.contrib.admin.decorators.register"})
_REGISTER = frozenset({"django.contrib.admin.site.register", "django.contrib.admin.sites.site.register"})
_USER_MODEL = frozenset({"django.contrib.auth.get_user_model"})

Qualify = Callable[[ast.expr], str | None]


def decorated_registrations(node: ast.ClassDef, qualname: str, qualify: Qualify, module: str,
                            path: str) -> list[UrlPattern]:
    """``@admin.register(Model, ...)`` on the admin class ``qualname``."""
    found: list[UrlPattern] = []
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and qualify(decorator.func) in _DECORATORS \
                and not decorator.keywords:
            found += _patterns(decorator.args, qualname, qualify, module, path, decorator.lineno)
    return found


def site_registrations(call: ast.Call, qualify: Qualify, module: str, path: str) -> list[UrlPattern]:
    """``admin.site.register(Model, ModelAdmin)`` (models as a list or tuple, or keywords)."""
    if qualify(call.func) not in _REGISTER:
        return []
    arguments = dict(zip(("model_or_iterable", "admin_class"), call.args, strict=False))
    arguments |= {k.arg: k.value for k in call.keywords if k.arg}
    models, admin = arguments.get("model_or_iterable"), arguments.get("admin_class")
    admin_class = qualify(admin) if admin is not None else None
    if models is None or admin_class is None:
        return []  # the default ModelAdmin: Django's views only
    elements = models.elts if isinstance(models, ast.List | ast.Tuple) else [models]
    return _patterns(elements, admin_class, qualify, module, path, call.lineno)


def _patterns(models: list[ast.expr], admin: str, qualify: Qualify, module: str, path: str,
              line: int) -> list[UrlPattern]:
    found = []
    for model in models:
        if isinstance(model, ast.Call) and qualify(model.func) in _USER_MODEL:
            name: str | None = AUTH_USER
        else:
            name = qualify(model)
        if name is not None:
            found.append(UrlPattern(module, ADMIN_SITE, "include", MODEL_ROUTE, name,
                                    "include", CLASS_PREFIX + admin, None, None, path, line))
    return found
