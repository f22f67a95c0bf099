"""Project pass for URL patterns built by a function or class of another module.

``from shop.urlhelpers import pat`` then ``urlpatterns = [pat(r"^x/$", views.x)]``: the facts of
``shop.urlhelpers`` say ``pat`` builds ``re_path({?arg:0:regex}, view)`` (a :class:`UrlHelper`),
the caller's facts hold the call with its arguments folded to route text (a :class:`UrlCall`).
Each call of a helper, its target followed through re-exports, yields the helper's patterns with
the call's arguments in place, at the call's ``path:line`` and in its URL list. A call of a
subclass of Django's ``URLPattern`` (``AdminURLPattern(regex, view, kwargs, name)``) is a
``re_path`` of its arguments. A function whose patterns so built still hold its own parameters is
a helper in turn (``def crud_urls(prefix): return [pat(prefix + "/new/$", ...)]``): the expansion
is repeated until no new helper appears. Helpers of the caller's own module are expanded in the
module pass (:mod:`analyzer.facts.url_helpers`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from analyzer.facts.route_text import MARKER, is_reference, is_static, marker, split_reference, with_arguments
from analyzer.facts.url_helpers import DOTTED, is_template, template_view
from analyzer.model.facts import ModuleFacts, UrlArgument, UrlCall, UrlHelper, UrlPattern
from analyzer.resolve.canonical import Canonical

# Django's pattern classes: ``URLPattern(pattern, callback, default_args, name)``
PATTERN_CLASSES = frozenset({
    "django.urls.URLPattern", "django.urls.resolvers.URLPattern", "django.urls.RegexURLPattern",
    "django.urls.resolvers.RegexURLPattern", "django.core.urlresolvers.RegexURLPattern",
})
_ROUNDS = 8


@dataclass(frozen=True)
class Expansion:
    """The patterns calls of helpers build, by calling module; the helpers that were called."""

    by_module: tuple[tuple[str, tuple[UrlPattern, ...]], ...]  # sorted by module
    called: frozenset[str]  # helper functions with at least one call expanded
    helpers: frozenset[str]  # every helper function, called or not


def expand_url_calls(modules: Iterable[ModuleFacts], canonical: Canonical) -> Expansion:
    """Expand every :class:`UrlCall` whose target is a helper or a pattern class."""
    modules = tuple(modules)
    declared = {h.function: h for m in modules for h in m.url_helpers}
    classes = pattern_classes(modules, canonical)
    calls = [(m.module, call) for m in modules for call in m.url_calls]
    helpers = dict(declared)
    made: dict[str, list[UrlPattern]] = {}
    for _ in range(_ROUNDS):
        made = {}
        for module, call in calls:
            name = canonical(call.target)
            built = _built(call, module, helpers.get(_helper_of(name, helpers)), name in classes)
            if built:
                made.setdefault(module, []).extend(built)
        grown = _grown_helpers(declared, calls, made)
        if grown == helpers:
            break
        helpers = grown
    called = frozenset(t for _, call in calls
                       if (t := _helper_of(canonical(call.target), helpers)) in helpers)
    return Expansion(tuple((m, tuple(ps)) for m, ps in sorted(made.items())), called, frozenset(helpers))


def _helper_of(target: str, helpers: dict[str, UrlHelper]) -> str:
    """The helper a call of ``target`` runs: ``target`` itself, or a class's ``__init__``."""
    init = f"{target}.__init__"
    return init if target not in helpers and init in helpers else target


def pattern_classes(modules: tuple[ModuleFacts, ...], canonical: Canonical) -> frozenset[str]:
    """The project's classes with one of Django's pattern classes among their ancestors."""
    bases = {d.qualname: tuple(canonical(b) for b in d.bases)
             for m in modules for d in m.definitions if d.kind == "class"}
    found: set[str] = set()
    for _ in range(_ROUNDS):
        more = {name for name, parents in bases.items()
                if name not in found and any(p in PATTERN_CLASSES or p in found for p in parents)}
        if not more:
            break
        found |= more
    return frozenset(found)


def _built(call: UrlCall, module: str, helper: UrlHelper | None, is_class: bool) -> list[UrlPattern]:
    if helper is not None:
        return [_expanded(p, helper, call, module) for p in helper.patterns]
    if is_class:
        return [_class_pattern(call, module)]
    return []


def _grown_helpers(declared: dict[str, UrlHelper], calls: list[tuple[str, UrlCall]],
                   made: dict[str, list[UrlPattern]]) -> dict[str, UrlHelper]:
    """The declared helpers, plus each calling function whose built patterns use its parameters."""
    parameters = {call.container: call.parameters for _, call in calls if call.parameters}
    grown = dict(declared)
    for patterns in made.values():
        for pattern in patterns:
            own = parameters.get(pattern.container)
            if own is None or not is_template(pattern, own):
                continue
            known = grown.get(pattern.container)
            before = known.patterns if known is not None else ()
            if pattern not in before:
                grown[pattern.container] = UrlHelper(pattern.container, own, (*before, pattern))
    return grown


def _lookup(call: UrlCall, position: int, name: str) -> UrlArgument | None:
    for argument in call.arguments:
        if argument.keyword == name and name:
            return argument
    return next((a for a in call.arguments if a.position == position >= 0), None)


def _expanded(pattern: UrlPattern, helper: UrlHelper, call: UrlCall, module: str) -> UrlPattern:
    def text(position: int, name: str) -> str | None:
        argument = _lookup(call, position, name)
        return argument.text if argument is not None else None

    view, view_kind = pattern.view, pattern.view_kind
    parameter = template_view(view, helper.parameters)
    if view is not None and parameter is not None:
        given = _view_text(_substituted(view, text)) if ";" in view else \
            _argument_view(_lookup(call, *parameter))
        view, view_kind = (given, _view_kind(given, call.parameters)) if given else (None, "unknown")
    name = _substituted(pattern.name, text) if pattern.name is not None else None
    kept = name is None or is_static(name) or template_view(name, ()) is not None or is_reference(name)
    return dataclasses.replace(
        pattern, module=module, container=call.container, route=_substituted(pattern.route, text),
        view=view, view_kind=view_kind, path=call.path, line=call.line,
        name=name if kept else None,
    )


def _substituted(route: str, text: Callable[[int, str], str | None]) -> str:
    """``route`` with the helper's parameters replaced by the call's arguments; a parameter the
    call does not give (or a method on text that is not static) becomes an unknown part, never
    a marker read as the caller's own parameter."""
    def one(found: re.Match[str]) -> str:
        kind, _, rest = found[1].partition(":")
        if kind != "arg":
            return found[0]
        position, _, reference = rest.partition(":")
        name, _, methods = split_reference(reference)
        given = int(position) if position.isdigit() else -1 if position == "-" else None
        if given is None or text(given, name) is None:
            return marker(name)
        done = with_arguments(found[0], text)
        return marker(name) if methods and done == found[0] else done

    return MARKER.sub(one, route)


def _class_pattern(call: UrlCall, module: str) -> UrlPattern:
    """``URLPatternSubclass(regex, view, default_args, name)`` as a ``re_path``."""
    route, view, name = _lookup(call, 0, "pattern"), _lookup(call, 1, "callback"), _lookup(call, 3, "name")
    view_name = _argument_view(view)
    return UrlPattern(
        module=module, container=call.container, kind="re_path",
        route=route.text if route is not None and route.text is not None else "{?route}",
        view=view_name, view_kind=_view_kind(view_name, call.parameters) if view_name else "unknown",
        include=None, namespace=None, name=_static(name),
        path=call.path, line=call.line,
    )


def _argument_view(argument: UrlArgument | None) -> str | None:
    """The view an argument gives: a name, or its text (see :func:`_view_text`)."""
    if argument is None:
        return None
    return argument.view if argument.view is not None else _view_text(argument.text)


def _view_text(text: str | None) -> str | None:
    """Text naming a view: a dotted name, or, for a helper calling a helper, the caller's own
    parameter (``{?arg:N:NAME}``, with the methods still to apply), or a reference filled in
    when the route is emitted (``{?ref:CLASS.view_template;mod(Edit)}``)."""
    if text is not None and (DOTTED.fullmatch(text) or template_view(text, ()) is not None
                             or is_reference(text)):
        return text
    return None


def _static(argument: UrlArgument | None) -> str | None:
    text = argument.text if argument is not None else None
    return text if text is not None and is_static(text) else None


def _view_kind(view: str, parameters: tuple[str, ...]) -> str:
    if view in parameters:
        return "unknown"
    return "class" if view.rsplit(".", 1)[-1][:1].isupper() else "function"
