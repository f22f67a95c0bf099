"""Database objects the monolith's migrations create and the carried models need: PostgreSQL
collations (``CreateCollation``, named by a field's ``db_collation``) and extensions
(``CreateExtension`` and its subclasses). The service creates them before its own migrations
(``service_project/db_objects.py``); a collation used but created nowhere is reported."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

EXTENSION_CLASSES = {
    "BloomExtension": "bloom", "BtreeGinExtension": "btree_gin", "BtreeGistExtension": "btree_gist",
    "CITextExtension": "citext", "CryptoExtension": "pgcrypto", "HStoreExtension": "hstore",
    "TrigramExtension": "pg_trgm", "UnaccentExtension": "unaccent",
}


@dataclass(frozen=True)
class Collation:
    """One ``CreateCollation`` of a monolith migration."""

    name: str
    locale: str
    provider: str = "libc"
    deterministic: bool = True


@dataclass(frozen=True)
class DatabaseObjects:
    """What the service must create, and what it could not find."""

    collations: tuple[Collation, ...]
    extensions: tuple[str, ...]
    missing: tuple[str, ...]  # warnings: a used collation no migration creates


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _literal(call: ast.Call, key: str, position: int | None) -> object:
    for keyword in call.keywords:
        if keyword.arg == key and isinstance(keyword.value, ast.Constant):
            return keyword.value.value
    if position is not None and len(call.args) > position and isinstance(call.args[position], ast.Constant):
        return call.args[position].value  # type: ignore[attr-defined]
    return None


def used_collations(files: dict[str, str]) -> set[str]:
    """``db_collation="..."`` values in the carried Python files."""
    found = set()
    for relative, text in files.items():
        if relative.endswith(".py") and "db_collation" in text:
            try:
                tree = ast.parse(text)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                value = _literal(node, "db_collation", None) if isinstance(node, ast.Call) else None
                if isinstance(value, str):
                    found.add(value)
    return found


def migration_objects(source_root: Path, packages: list[str]) -> tuple[dict[str, Collation], set[str]]:
    """Collations (by name) and extensions created by the migrations of ``packages``."""
    collations: dict[str, Collation] = {}
    extensions: set[str] = set()
    for package in packages:
        for path in sorted((source_root / package.replace(".", "/") / "migrations").glob("*.py")):
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (SyntaxError, UnicodeDecodeError):
                continue
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = _name(node)
                if name == "CreateCollation" and isinstance(n := _literal(node, "name", 0), str):
                    collations[n] = Collation(n, str(_literal(node, "locale", 1) or ""),
                                              str(_literal(node, "provider", 2) or "libc"),
                                              _literal(node, "deterministic", 3) is not False)
                elif name == "CreateExtension" and isinstance(n := _literal(node, "name", 0), str):
                    extensions.add(n)
                elif name in EXTENSION_CLASSES:
                    extensions.add(EXTENSION_CLASSES[name])
    return collations, extensions


def database_objects(files: dict[str, str], source_root: Path, packages: list[str]) -> DatabaseObjects:
    """The collations the carried fields use (with their definitions) and the extensions."""
    used = used_collations(files)
    defined, extensions = migration_objects(source_root, packages)
    missing = tuple(f"db_collation {name!r} is used by a carried model but no migration of the "
                    "monolith creates it: create it in the service's database before migrate"
                    for name in sorted(used - set(defined)))
    return DatabaseObjects(tuple(defined[n] for n in sorted(used & set(defined))), tuple(sorted(extensions)),
                           missing)
