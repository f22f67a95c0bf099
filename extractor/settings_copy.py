"""The monolith's settings the carried code reads (``settings.SHOP_CURRENCY``), copied into the service.

Each name is looked up in the monolith's settings module (when the analysis knows it), then in the
modules where packages keep their defaults (``defaults.py``, ``app_settings.py``, ``conf.py``,
``settings.py``, e.g. django-oscar's ``oscar/defaults.py``). A statement is copied with the imports
and the other top-level names of its module it reads. A name found nowhere becomes a documented
placeholder. Django's own settings (``django.conf.global_settings``) are never copied.
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import re
import subprocess
import sys
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from types import ModuleType

import libcst as cst

from analyzer.errors import require_module
from extractor.pysource import Definition, ModuleIndex, SourceTree, references

OWN_SETTINGS = frozenset({"BASE_DIR", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "INSTALLED_APPS",
                          "MIDDLEWARE", "DATABASES", "ROOT_URLCONF", "TEMPLATES", "WSGI_APPLICATION",
                          "USE_TZ", "TIME_ZONE"})
DEFAULTS_FILES = ("defaults.py", "app_settings.py", "conf.py", "settings.py", "global_settings.py")
_SKIP_DIRS = frozenset({"tests", "test", "migrations", "node_modules", ".venv", "venv", "site-packages"})
_READ = re.compile(r"\bsettings\.([A-Z][A-Z0-9_]*)")
_SETTING_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def django_global_settings() -> ModuleType:
    """``django.conf.global_settings``; :class:`analyzer.errors.MissingDependency` (naming the
    extra) when Django is not installed."""
    require_module("django", "django", "extract", "Django")
    from django.conf import global_settings

    module: ModuleType = global_settings
    return module


def settings_read(files: Mapping[str, str]) -> list[str]:
    """Setting names the code reads, minus the generated project's and Django's own (Django must be
    installed: :class:`analyzer.errors.MissingDependency` names the extra otherwise)."""
    django_names = {n for n in dir(django_global_settings()) if n.isupper()}
    return sorted({n for text in files.values() for n in _READ.findall(text)} - OWN_SETTINGS - django_names)


def defaults_modules(tree: SourceTree, settings_module: str) -> list[ModuleIndex]:
    """The settings module, then every defaults-like module of the tree (sorted by path): one named
    like a defaults file that assigns a setting name (pretix's ``control/views/global_settings.py``
    holds the views of a settings page, and star-importing it imports models before the apps)."""
    names = [settings_module] if settings_module else []
    for path in sorted(tree.root.rglob("*.py")):
        relative = path.relative_to(tree.root)
        if path.name in DEFAULTS_FILES and not _SKIP_DIRS.intersection(relative.parts[:-1]):
            names.append(".".join(relative.with_suffix("").parts))
    found = [tree.module(name) for name in dict.fromkeys(names)]
    return [module for module in found if module is not None
            and (module.name == settings_module or defines_settings(module))]


def defines_settings(module: ModuleIndex) -> bool:
    """Whether the module assigns a setting name (an upper-case name) at its top level."""
    return any(_SETTING_NAME.fullmatch(name) for name in module.definitions)


def _statements(module: ModuleIndex, name: str) -> list[Definition]:
    """The definition of ``name`` and the module-level definitions it reads, in source order."""
    needed: dict[str, Definition] = {}
    stack = [name]
    while stack:
        current = stack.pop()
        if current in needed or current not in module.definitions:
            continue
        needed[current] = module.definitions[current]
        stack.extend(ref.split(".")[0] for ref in references(module.definitions[current].node))
    return sorted(needed.values(), key=lambda d: d.index)


def _import_lines(module: ModuleIndex, definitions: Iterable[Definition]) -> list[str]:
    lines = []
    for head in sorted({ref.split(".")[0] for d in definitions for ref in references(d.node)}):
        qualified = module.imports.get(head)
        if qualified is None:
            continue
        if "." not in qualified:
            lines.append(f"import {qualified}" + (f" as {head}" if head != qualified else ""))
        else:
            source, _, last = qualified.rpartition(".")
            lines.append(f"from {source} import {last}" + (f" as {head}" if head != last else ""))
    return lines


INSTALLED_DEFAULTS = ("defaults.py", "app_settings.py", "global_settings.py")


def settings_extra(files: Mapping[str, str], tree: SourceTree, settings_module: str,
                   installed: Iterable[str] = (), resolved: Mapping[str, str] | None = None) -> str:
    """Python source for the end of the service's settings.py (empty when nothing is read).

    ``installed``: packages of the monolith the service imports installed; their defaults modules
    are star-imported (the installed code reads its own settings). ``resolved``: setting name ->
    the ``repr`` of its value in the monolith's settings, used for a statement that imports a
    module of the monolith the service does not carry (``from shop.settings_utils import env``).
    """
    names = settings_read(files)
    modules = defaults_modules(tree, settings_module)
    packages = set(installed)
    stars = [m for m in modules if m.name.split(".")[0] in packages and m.path.name in INSTALLED_DEFAULTS]
    if not names and not stars:
        return ""
    imports = [f"from {m.name} import *  # noqa: F403 - the installed monolith's defaults" for m in stars]
    blocks: list[str] = []
    missing: list[str] = []
    for name in names:
        if any(name in m.definitions for m in stars):
            continue
        module = next((m for m in modules if name in m.definitions), None)
        if module is None:
            missing.append(name)
            continue
        definitions = _statements(module, name)
        where = module.path.relative_to(tree.root).as_posix()
        uncarried = _uncarried_imports(module, definitions, tree, files) + _unbound(module, definitions)
        if uncarried:
            blocks.append(_resolved(name, where, uncarried, (resolved or {}).get(name)))
            continue
        imports += _import_lines(module, definitions)
        blocks += [f"# {d.name}: from the monolith's {where}\n" + module.tree.code_for_node(d.node).strip()
                   for d in definitions]
    placeholders = [f"{name} = None  # PLACEHOLDER: read by the copied code, not found in the monolith's "
                    "settings or package defaults; set the monolith's value" for name in missing]
    resolved_lines = [line for block in blocks if block.startswith("# ") for line in block.splitlines()[1:]]
    imports += value_imports(resolved_lines)
    return "\n".join([*dict.fromkeys(imports), *dict.fromkeys(blocks), *placeholders])


def _uncarried_imports(module: ModuleIndex, definitions: Iterable[Definition], tree: SourceTree,
                       files: Mapping[str, str]) -> list[str]:
    """Modules of the monolith's tree the statements import that the service does not carry."""
    out = []
    for head in sorted({ref.split(".")[0] for d in definitions for ref in references(d.node)}):
        qualified = module.imports.get(head)
        if qualified is None:
            continue
        found = tree.definition(qualified)
        source = found.module if found is not None else qualified
        located = tree.module_file(source)
        if located is not None and located[0].relative_to(tree.root).as_posix() not in files:
            out.append(source)
    return out


def _unbound(module: ModuleIndex, definitions: list[Definition]) -> list[str]:
    """Names the statements read that neither an import nor a copied statement binds (``config``
    of pretalx's ``config, files = read_config(...)``): the statement cannot run on its own."""
    bound = {d.name for d in definitions} | set(module.imports) | set(dir(builtins))
    heads = {ref.split(".")[0] for d in definitions for ref in references(d.node)}
    return sorted(f"{module.name}.{head}" for head in heads - bound)


def _resolved(name: str, where: str, uncarried: list[str], value: str | None) -> str:
    if value is not None:
        return (f"# {name}: the monolith's resolved value ({where} computes it with "
                f"{', '.join(uncarried)}, which stays in the monolith)\n{name} = {value}")
    return (f"{name} = None  # PLACEHOLDER: {where} computes it with {', '.join(uncarried)}, which stays "
            "in the monolith, and its value could not be read (run extract with --python of the "
            "monolith's environment); set the monolith's value")


RESOLVE = """
import ast, json, os, sys
sys.path.insert(0, sys.argv[1])
os.environ["DJANGO_SETTINGS_MODULE"] = sys.argv[2]
from django.conf import settings
from django.conf import global_settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from pathlib import PurePath

GETTEXT_LAZY = type(gettext_lazy(""))
BEFORE = set(sys.modules)
settings.INSTALLED_APPS  # loads the settings module
# what the settings imported can be imported by the service's settings too (no app is needed)
LOADED = [sys.modules[m] for m in sorted(set(sys.modules) - BEFORE)
          if m != sys.argv[2] and sys.modules[m] is not None]


def imported(name, value):
    # an object no literal writes (pretix's CURRENCIES, pycountry's): the module that holds it
    for module in LOADED:
        if getattr(module, "__dict__", {}).get(name) is value:
            return "import_string(%r)" % (module.__name__ + "." + name)
    raise ValueError(value)


def source(value):
    if isinstance(value, Promise):  # only gettext_lazy's: each lazy() makes its own proxy class
        message = getattr(value, "_args", ())
        if type(value) is GETTEXT_LAZY and len(message) == 1 and isinstance(message[0], str):
            return "gettext_lazy(%r)" % message[0]
        raise ValueError(value)
    if isinstance(value, PurePath):
        return "Path(%r)" % str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(source(k) + ": " + source(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        items = [source(v) for v in value]
        if isinstance(value, tuple):
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        return "[" + ", ".join(items) + "]"
    text = repr(value)
    if ast.literal_eval(text) != value:
        raise ValueError(value)
    return text


def changed(name):
    # comparing a lazy value evaluates it (a reverse_lazy imports the URLconf): never compared
    value = getattr(settings, name)
    if isinstance(value, Promise) or not hasattr(global_settings, name):
        return True
    try:
        return bool(value != getattr(global_settings, name))
    except Exception:
        return True


names = sys.argv[3:]
if names == ["*"]:
    names = [n for n in dir(settings) if n.isupper() and changed(n)]
out = {}
for name in names:
    value = getattr(settings, name)
    try:
        out[name] = source(value)
    except Exception:
        try:
            out[name] = imported(name, value)
        except Exception:
            pass
print(json.dumps(out))
"""


def resolve_settings(python: str | None, source_root: Path, settings_module: str,
                     names: Iterable[str]) -> dict[str, str]:
    """name -> ``repr`` of the monolith's resolved setting (literals only), read in its environment."""
    wanted = sorted(names)
    if not settings_module or not wanted:
        return {}
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    try:
        proc = subprocess.run([python or sys.executable, "-c", RESOLVE, str(source_root), settings_module,
                               *wanted], cwd=source_root, env=env, capture_output=True, text=True,
                              timeout=120, check=True)
        found = json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def dotted_paths(settings_source: str, tree: SourceTree) -> tuple[str, ...]:
    """Dotted paths in string literals of the copied settings that name code of the monolith's tree
    (``"oscar.core.loading.default_class_loader"``): that code must be copied too."""
    found = re.findall(r"[\"']([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)[\"']", settings_source)
    return tuple(sorted(p for p in set(found) if tree.definition(p) is not None))


def session_cookie_name(tree: SourceTree, settings_module: str) -> str:
    """The monolith's ``SESSION_COOKIE_NAME`` when its settings module assigns it a string
    literal, else Django's default: the cookie the proxy resolves identities by."""
    module = tree.module(settings_module) if settings_module else None
    definition = module.definitions.get("SESSION_COOKIE_NAME") if module else None
    node = definition.node if definition is not None else None
    if isinstance(node, cst.SimpleStatementLine) and isinstance(node.body[0], cst.Assign):
        value = node.body[0].value
        if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
            return value.evaluated_value
    return str(django_global_settings().SESSION_COOKIE_NAME)


# Django settings of the service's own infrastructure: never the monolith's values
SERVICE_OWNS = frozenset({*OWN_SETTINGS, "INSTALLED_APPS", "ROOT_URLCONF", "CACHES", "LOGGING",
                          "LOGGING_CONFIG", "AUTHENTICATION_BACKENDS", "STORAGES", "DEFAULT_FILE_STORAGE",
                          "STATICFILES_STORAGE", "MIGRATION_MODULES", "DATABASE_ROUTERS", "TEST_RUNNER",
                          "FIXTURE_DIRS"})
_SERVICE_PREFIXES = ("SESSION_", "CSRF_", "SECURE_", "EMAIL_", "LANGUAGE_COOKIE", "DEFAULT_AUTO_FIELD",
                     "STATIC_URL", "MEDIA_URL", "DEMONOLITH_", "SERVER_EMAIL", "ADMINS", "MANAGERS")
_SECRET = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|_KEY$|^KEY|CREDENTIAL|DSN|PRIVATE")
_ASSIGNED = re.compile(r"^([A-Z][A-Z0-9_]*)\s*=(?!\s*None\s+# PLACEHOLDER)", re.MULTILINE)


def monolith_values(resolved: Mapping[str, str], assigned: str, model_labels: Iterable[str]) -> str:
    """The monolith's resolved settings the installed code it imports may read: each custom
    setting, each of Django's it changes but the service's own infrastructure (``SERVICE_OWNS``),
    ``AUTH_USER_MODEL`` only when it names a monolith model, as
    ``NAME = value``, less the names ``assigned`` (settings source) already sets; secrets are never
    written (a line says to set them from the environment)."""
    taken = set(_ASSIGNED.findall(assigned)) | OWN_SETTINGS
    labels = {label.lower() for label in model_labels}
    lines = []
    for name in sorted(resolved):
        value = resolved[name]
        if name in taken or name in SERVICE_OWNS or name.startswith(_SERVICE_PREFIXES):
            continue
        if name == "AUTH_USER_MODEL" and value.strip("'\"").lower() not in labels:
            continue
        if is_secret(name, value, labels):
            lines.append(f"# {name}: a secret of the monolith's settings, not copied; set it here from the "
                         "environment if the service needs it")
            continue
        lines.append(f"{name} = {value}")
    return "\n".join([*value_imports(lines), *lines]).strip()


def is_secret(name: str, value: str, model_labels: Collection[str]) -> bool:
    """Whether a resolved setting is a secret: a secret-like name whose value holds a string that
    names no code and no model (``OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'pretixapi.OAuthIdToken'`` names a
    model, ``PASSWORD_HASHERS`` lists classes, ``HAS_REDIS_PASSWORD`` is a flag: none is a secret)."""
    if not _SECRET.search(name):
        return False
    try:
        literal = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return True  # not a literal: nothing tells what it holds
    return any(text and not _DOTTED.fullmatch(text) and text.lower() not in model_labels
               for text in _strings(literal))


_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def _strings(value: object) -> list[str]:
    """The strings (and bytes, decoded) a literal holds, but its dicts' keys."""
    if isinstance(value, bytes):
        return [value.decode("latin-1")]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list | tuple | set | frozenset):
        return [text for item in value for text in _strings(item)]
    return []


_VALUE_IMPORTS = (("gettext_lazy", "from django.utils.translation import gettext_lazy"),
                  ("import_string", "from django.utils.module_loading import import_string"))


def value_imports(lines: Iterable[str]) -> list[str]:
    """The imports the resolved values in ``lines`` call (``gettext_lazy``, ``import_string``)."""
    text = "\n".join(line for line in lines if re.match(r"[A-Z][A-Z0-9_]* = ", line))
    return [statement for name, statement in _VALUE_IMPORTS if re.search(rf"\b{name}\(", text)]
