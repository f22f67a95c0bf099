"""The settings evaluator on the shapes real projects write DATABASES in (issue #15)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from analyzer.source.settings_reader import database_engine, read_settings


def _engine(**modules: str) -> str | None:
    trees = {name.replace("__", "."): (ast.parse(textwrap.dedent(text)), False)
             for name, text in modules.items()}
    return database_engine(read_settings("proj.settings", trees.get))


@pytest.mark.parametrize(("text", "engine"), [
    # the default of an environment lookup, with a conditional that agrees on the backend
    ('import os\nM = os.getenv("M")\nDATABASES = {"default": {"ENGINE": os.getenv(\n'
     '    "DB_ENGINE", "x.prometheus.backends.postgresql" if M else "django.db.backends.postgresql")}}',
     "django.db.backends.postgresql"),
    ('DATABASES = {"default": {"ENGINE": get_secret("DB_ENGINE", "django.db.backends.mysql")}}',
     "django.db.backends.mysql"),
    # database URLs
    ('import dj_database_url\nDATABASES = {"default": dj_database_url.config(default="sqlite://x.db")}',
     "django.db.backends.sqlite3"),
    ('DATABASES = {"default": dj_database_url.parse("postgres://u@h/db")}', "django.db.backends.postgresql"),
    ('env = environ.Env()\nDATABASES = {"default": env.db("DATABASE_URL", default="mysql://h/db")}',
     "django.db.backends.mysql"),
    # a dict lookup with a static or defaulted key, and subscript assignment
    ('ALL = {"pg": {"ENGINE": "django.db.backends.postgresql"},\n'
     '       "lite": {"ENGINE": "django.db.backends.sqlite3"}}\n'
     'KEY = get_env("DJANGO_DB", "lite")\nDATABASES = {"default": ALL[KEY]}', "django.db.backends.sqlite3"),
    ('ALL = {"pg": {"ENGINE": "django.db.backends.postgresql"}}\nALL["default"] = ALL["pg"]\n'
     'DATABASES = {"default": ALL.get(get_env("DJANGO_DB", "default"))}', "django.db.backends.postgresql"),
    ('DATABASES = {"default": {}}\nDATABASES["default"]["ENGINE"] = "django.db.backends.oracle"',
     "django.db.backends.oracle"),
    # a local function returning the dict; an unknown test keeps the if-branch, else fills gaps
    ('def sqlite():\n    return {"default": {"ENGINE": "django.db.backends.sqlite3"}}\n'
     'if X:\n    pass\nelse:\n    DATABASES = sqlite()', "django.db.backends.sqlite3"),
    # never a fragment: the run-time part is named
    ('db_backend = config.get("database", "backend")\n'
     'DATABASES = {"default": {"ENGINE": "django.db.backends." + db_backend}}',
     "unknown (configured at run time: 'django.db.backends.' + db_backend)"),
    ('DATABASES = {"default": dj_database_url.config()}',
     "unknown (configured at run time: dj_database_url.config())"),
    ('try:\n    from settings_local import *\nexcept ImportError:\n    pass',
     "unknown (configured at run time: from settings_local import *)"),
    ("DEBUG = True", None),
])
def test_engine(text: str, engine: str | None) -> None:
    assert _engine(proj__settings=text) == engine


def test_star_import_from_a_directory_on_sys_path() -> None:
    # proj/manage.py runs with proj/ on sys.path: `from core.base import *` is proj.core.base
    assert _engine(proj__settings="from core.base import *",
                   proj__core__base='DATABASES = {"default": {"ENGINE": "django.db.backends.mysql"}}'
                   ) == "django.db.backends.mysql"


def test_sibling_settings_module_as_fallback() -> None:
    # from . import base_settings; globals().update(...): base's settings fill what is unset
    assert _engine(proj__settings="from . import base\nglobals().update(load(base))",
                   proj__base='DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}'
                   ) == "django.db.backends.sqlite3"
