"""Project pass for dotted-path registries declared by app configs: URL lists they provide.

An app config that declares ``provides = {"front_urls": ["shop.gdpr.urls:urlpatterns"]}`` (a
class-body dict of dotted paths, :class:`analyzer.model.facts.RegistryEntry`) offers those
objects under the key; a URL list that adds the result of a call given the key as a literal
(``chain(*_extension_urls("front_urls"))``, recorded as a :class:`UrlCall` where URL patterns
go) gets, at that call's place, every URL list of the tree the installed app configs declare
under that key (``module:name`` or ``module.name``), in the order of the classes. Keys whose paths
name no URL list of the tree give nothing: the same registry also holds admin modules, plugins.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from analyzer.facts.route_text import is_static
from analyzer.model.facts import ModuleFacts, RegistryEntry, UrlPattern
from analyzer.resolve.app_modules import AppConfigs

Key = tuple[str, str]


def provided_includes(modules: Iterable[ModuleFacts], configs: AppConfigs,
                      lists: Collection[Key]) -> list[UrlPattern]:
    """An include, at each call site given a registry key, of each URL list provided under it."""
    modules = tuple(modules)
    entries = sorted((e for m in modules for e in m.registry_entries), key=lambda e: (e.owner, e.line))
    keys = {e.key for e in entries}
    sites = [(m.module, call, a.text) for m in modules for call in m.url_calls for a in call.arguments
             if a.text is not None and a.text in keys and is_static(a.text)]
    if not sites:  # checked first: the app configs are found only for a registry that is used
        return []
    installed = {klass for klass, _ in configs.names}
    provided: dict[str, list[str]] = {}
    for entry in entries:
        if entry.owner in installed:
            provided.setdefault(entry.key, []).extend(_lists(entry, lists))
    return [UrlPattern(module, call.container, "include", "", None, "include", target, None, None,
                       call.path, call.line)
            for module, call, key in sites for target in provided.get(key, ())]


def _lists(entry: RegistryEntry, lists: Collection[Key]) -> list[str]:
    """The entry's values that name a URL list of the tree, as ``module.name``."""
    found = []
    for value in entry.values:
        module, colon, name = value.partition(":")
        if not colon:
            module, _, name = value.rpartition(".")
        if (module, name) in lists:
            found.append(f"{module}.{name}")
    return found
