"""Counted nouns and the verbs that agree with them, as every package prints them:
``1 table``, ``2 tables``; ``1 transaction spans``, ``3 transactions span``; possessives of names
(``orders' API``, ``catalog's API``)."""

from __future__ import annotations


def noun(count: int, singular: str, plural_form: str | None = None) -> str:
    """The word alone for ``count`` of it: ``table`` for 1, ``tables`` for 0 or 2."""
    return singular if count == 1 else (plural_form or f"{singular}s")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 table``, ``2 tables``, ``0 tables``; ``plural_form`` when adding "s" is wrong."""
    return f"{count} {noun(count, singular, plural_form)}"


def verb(count: int, singular: str, plural_form: str) -> str:
    """The verb agreeing with ``count`` things: ``spans`` for 1, ``span`` for 0 or 2."""
    return singular if count == 1 else plural_form


def possessive(name: str) -> str:
    """``catalog's``; a name ending in s takes the apostrophe alone: ``orders'``."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
