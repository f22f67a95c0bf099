"""Why a URL pattern list is reached by no include from the root: one warning per list.

A list (a module's ``urlpatterns``, a function or method that builds patterns) that no include
followed from the root reaches keeps its own pattern as its route and ``reachable=false``; its
warning (``unreached-route``, at its first pattern) says which case it is, most telling first:
patterns of a test module (tests mount them with ``override_settings(ROOT_URLCONF=...)``); a tree
that names no ``ROOT_URLCONF`` (a reusable app: the project installing it mounts it), or one of
another package (not read); a root
URLconf filled at run time, or includes of targets computed at run time (``include(
import_string(...))``), which are named with their ``path:line``; else a registry filled at run
time.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.model.facts import SourceWarning, UrlPattern
from analyzer.model.source_paths import is_test_path

_SITES = 3  # computed includes named in one warning


@dataclass(frozen=True)
class RootContext:
    """What the explanations need of the resolution: the ``ROOT_URLCONF`` the settings name
    (None: none), whether it is a module of the tree or a library's root URLconf known here (else
    the lists nothing includes were the roots), whether its list holds no static pattern, and
    the includes whose target is computed at run time, by path and line."""

    root_urlconf: str | None
    in_tree: bool
    root_empty: bool
    computed: tuple[UrlPattern, ...]


def unreached_warning(container: str, patterns: list[UrlPattern], context: RootContext) -> SourceWarning:
    """The warning for ``patterns`` of ``container``, none of them reached."""
    first = patterns[0]  # the list's own first pattern, or the first one its includes reach
    count = f"{len(patterns)} URL pattern(s) of {container}"
    return SourceWarning(first.path, first.line, "unreached-route",
                         f"unreached route: {count} {_reason(first, context)}; their prefix is unknown: "
                         "listed with their own pattern and reachable=false")


def _reason(first: UrlPattern, context: RootContext) -> str:
    root = context.root_urlconf
    if is_test_path(first.path):
        return (f"are in a test module, included by no URLconf followed from {root or 'the root'}: "
                "tests mount them (override_settings(ROOT_URLCONF=...), a test registry), "
                "the project does not")
    if root is None:
        return ("are included by nothing in the tree, which names no ROOT_URLCONF: a reusable "
                "app's, mounted by the project that installs it")
    if not context.in_tree:
        return (f"are included by nothing in the tree; ROOT_URLCONF {root} is another package's, "
                "not in the tree: what it mounts is not read")
    if context.root_empty:
        sites = _sites(context.computed, " (by include()s of computed targets: ", ")")
        return (f"are included by no URLconf: ROOT_URLCONF {root} holds no pattern in the source, "
                f"it is filled at run time{sites}")
    if context.computed:
        sites = _sites(context.computed, "; include()s of targets computed at run time may mount them: ", "")
        return f"are included by no URLconf followed from {root}{sites}"
    return (f"are included by no URLconf followed from {root} "
            "(a registry filled at run time?)")


def _sites(computed: tuple[UrlPattern, ...], head: str, tail: str) -> str:
    if not computed:
        return ""
    shown = ", ".join(f"{p.container} ({p.path}:{p.line})" for p in computed[:_SITES])
    more = f" and {len(computed) - _SITES} more" if len(computed) > _SITES else ""
    return f"{head}{shown}{more}{tail}"
