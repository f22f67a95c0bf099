"""What a moved view needs of the monolith's own middleware, which does not run in the service.

The service runs its own middleware stack (``settings.py``), not the monolith's: a monolith
middleware that sets an attribute on the request (pretalx's ``EventPermissionMiddleware`` sets
``request.event``, read from another service's table; misago's sets ``request.settings``) leaves
the views that read it without it, and they fail on their first request; one that answers
requests itself by their user (pretalx's redirects anonymous requests to ``/orga/`` to its login
page) leaves the views that read ``request.user`` open to requests it would have refused. Such a
view is not carried: it becomes a stub (501) naming the attribute and the middleware, listed in the
README, until the service has that data or decision another way. Found statically: the attributes
each middleware of the monolith's resolved ``MIDDLEWARE`` defined in its tree assigns
(``request.X = ...``, ``setattr(request, "X", ...)``), ``user`` for one that reads ``request.user``
and returns a response it builds (a redirect, a page), and the reads of ``request.X`` /
``self.request.X`` in the code a view would carry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import libcst as cst

from extractor.closure import ForeignUse
from extractor.pysource import Definition, SourceTree, dotted, references

MIDDLEWARE_OWNER = "monolith middleware"  # the "service" a view's use of a middleware's attribute names
RESPONSE_WORDS = ("redirect", "response", "render")  # the callee of a ``return`` that answers itself


class _Setters(cst.CSTVisitor):
    """Attribute names assigned on a ``request`` (``request.X = ...``, ``setattr(request, "X", ...)``)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.answers = False  # returns a response it builds (not the next handler's)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def _target(self, target: cst.BaseExpression) -> None:
        text = dotted(target) if isinstance(target, cst.Attribute) else None
        if text is not None and text.count(".") == 1 and text.split(".")[0] == "request":
            self.names.add(text.split(".")[1])

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        name = (dotted(value.func) or "").rsplit(".", 1)[-1] if isinstance(value, cst.Call) else ""
        if name.lower().endswith(RESPONSE_WORDS) or name.startswith("Http"):
            self.answers = True

    def visit_Call(self, node: cst.Call) -> None:
        if dotted(node.func) == "setattr" and len(node.args) >= 2 and dotted(node.args[0].value) == "request":
            name = node.args[1].value
            if isinstance(name, cst.SimpleString) and isinstance(name.evaluated_value, str):
                self.names.add(name.evaluated_value)


def request_attributes(tree: SourceTree, middleware: Iterable[str]) -> dict[str, str]:
    """Attribute name -> the first middleware (dotted path, in ``MIDDLEWARE`` order) of the monolith's
    own code that sets it on the request (``user``: that answers requests by it); middleware outside
    the tree (Django's, a package's) is not read (the service installs what it needs of those itself)."""
    found: dict[str, str] = {}
    for path in middleware:
        definition = tree.definition(path)
        if definition is None or not isinstance(definition.node, cst.ClassDef | cst.FunctionDef):
            continue
        setters = _Setters()
        definition.node.visit(setters)
        reads_user = any(r.split(".")[:2] == ["request", "user"] for r in references(definition.node))
        for name in sorted(setters.names | ({"user"} if setters.answers and reads_user else set())):
            found.setdefault(name, path)
    return found


def middleware_uses(definitions: Iterable[Definition], attributes: Mapping[str, str],
                    where: Mapping[str, str]) -> tuple[ForeignUse, ...]:
    """The reads of a middleware's request attribute in ``definitions`` (the code a view carries):
    one ``ForeignUse`` per (definition, attribute); ``where``: a definition's key -> ``path:line``."""
    uses = set()
    for definition in definitions:
        for reference in references(definition.node):
            parts = reference.split(".")
            start = 2 if parts[:2] == ["self", "request"] else 1 if parts[0] == "request" else 0
            name = parts[start] if start and len(parts) > start else ""
            if name in attributes:
                path, _, line = where.get(definition.key, "?:0").rpartition(":")
                uses.add(ForeignUse(path, int(line or 0), f"request.{name}", attributes[name],
                                    MIDDLEWARE_OWNER))
    return tuple(sorted(uses))
