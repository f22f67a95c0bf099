"""The report's smallest, most repeated pieces of markup as functions: a source location and a
link to a service page. Written here rather than as template macros because the largest pages
hold tens of thousands of them (nautobot: 10,626 locations, 6,435 links) and a jinja2 macro call
(or ``Markup.format``) costs ten times an f-string; the templates call them as they would a
macro, and each argument is escaped as autoescaping would."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from reports.ids import service_page_id

_NONE = Markup('<span class="muted">—</span>')
_COMMA = Markup(", ")


def loc(path: str, line: int | str) -> Markup:
    """``path:line`` as code."""
    return Markup(f'<code class="loc">{escape(path)}:{escape(line)}</code>')


def svc_link(name: str) -> Markup:
    """A link to the page of service ``name``."""
    return Markup(f'<a class="svc-link" href="#{escape(service_page_id(name))}">{escape(name)}</a>')


def svc_links(names: Iterable[str]) -> Markup:
    """Links to each service of ``names``, comma-separated; a muted dash for none."""
    return _COMMA.join(svc_link(name) for name in names) or _NONE
