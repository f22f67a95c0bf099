"""Root URLconfs that libraries ship: what a ``ROOT_URLCONF`` outside the tree mounts.

A project may name a library's module as its ``ROOT_URLCONF``; the module is not in the tree, so
its patterns are known here from the library's source, as Django's own names are known. Each
entry says which setting names the URLconf it includes and which setting gives the prefix:

- ``djblets.urls.root`` (djblets/urls/root.py, every release since 0.6): ``urlpatterns =
  [(r"^%s" % settings.SITE_ROOT[1:], include(settings.SITE_ROOT_URLCONF))]`` (Review Board
  and the other Beanbag products).

The settings are read as every other setting of a route (:mod:`analyzer.resolve.route_values`);
a prefix no pass can know stays a marker (an unresolved route), and a URLconf setting that names
no module of the tree mounts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.facts.route_text import OPEN, SETTINGS, marker
from analyzer.model.facts import UrlPattern
from analyzer.resolve.route_values import RouteValues


@dataclass(frozen=True)
class LibraryRoot:
    """A library's root URLconf: one include of the URLconf a setting names, at a setting's value."""

    urlconf_setting: str
    prefix_setting: str
    dropped: int  # characters the library drops from the prefix setting's start (``SITE_ROOT[1:]``)
    source: str  # where the library says so


LIBRARY_ROOTS = {
    "djblets.urls.root": LibraryRoot("SITE_ROOT_URLCONF", "SITE_ROOT", 1, "djblets/urls/root.py"),
}


def library_root_pattern(root_urlconf: str, values: RouteValues,
                         modules: frozenset[str]) -> UrlPattern | None:
    """The include a library's ``ROOT_URLCONF`` holds, when it names a URLconf of the tree."""
    known = LIBRARY_ROOTS.get(root_urlconf)
    if known is None:
        return None
    urlconf = values.fill(marker(f"ref:{SETTINGS}{known.urlconf_setting}"))
    if urlconf not in modules:
        return None
    prefix = values.fill(marker(f"ref:{SETTINGS}{known.prefix_setting}"))
    prefix = prefix[known.dropped:] if OPEN not in prefix else prefix
    return UrlPattern(root_urlconf, "urlpatterns", "include", "^" + prefix, None, "include", urlconf,
                      None, None, known.source, 1)
