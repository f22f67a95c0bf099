"""Which of a service's functions other services really call, and which of those only read.

The analysis lists a function as an interface when another service's code uses it in any way: an
import, a decorator, a reference, a call from a migration or a test. Only a call at run time from
another service's code needs an HTTP endpoint, so each use site is read back from the monolith's
source (``ast``, the line the analysis gives) and classified. A function that takes the request,
or lives in a forms, admin, template-tag or test module, stays with the code that uses it.

A remote function is a GET (idempotent, retried by the client) only when its name says it reads
and nothing in its body writes: an ORM write, a task sent, a mail, a raw SQL statement.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import libcst as cst

from analyzer.model.analysis import Interface, Location

NOT_CALLERS = re.compile(r"(^|/)(tests?|testing|conftest|factories|fixtures|migrations)(/|\.py$)"
                         r"|(^|/)test_[^/]*\.py$")
NOT_REMOTE = re.compile(r"(^|\.)(forms|admin|tests?|testing|factories|fixtures|migrations|templatetags)"
                        r"(\.|$)")
LOCAL_PARAMS = frozenset({"request", "queryset", "form", "formset"})
READ_WORDS = frozenset({"get", "list", "find", "fetch", "read", "count", "is", "has", "can", "available",
                        "lookup", "search", "compute", "calculate", "price", "total", "describe", "show",
                        "quote", "estimate", "preview", "format"})
WRITE_WORDS = frozenset({"create", "update", "delete", "save", "set", "add", "remove", "mark", "send",
                         "make", "register", "assign", "apply", "cancel", "clear", "reset",
                         "increment", "decrement", "record", "log", "notify", "charge", "refund"})
WRITE_METHODS = frozenset({"save", "delete", "create", "update", "bulk_create", "bulk_update",
                           "get_or_create", "update_or_create", "delay", "apply_async", "send",
                           "send_mail", "send_mass_mail", "execute", "executemany", "add", "remove",
                           "clear", "set", "refresh_from_db", "select_for_update"})

ParseSource = Callable[[str], ast.Module | None]


@dataclass(frozen=True)
class Exposure:
    """Whether a function interface gets an endpoint; ``reason`` says why not."""

    name: str
    exposed: bool
    reason: str = ""


def source_reader(root: Path) -> ParseSource:
    """A cached ``relative path -> ast.Module`` of the monolith's files (None: unreadable)."""

    @lru_cache(maxsize=256)
    def parse(relative: str) -> ast.Module | None:
        try:
            return ast.parse((root / relative).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            return None

    return parse


def use_kind(module: ast.Module, line: int, name: str) -> str:
    """What uses ``name`` (a function's own name or an alias) at ``line``: ``call``, ``context``
    (``with name(...):``, a context manager runs around the caller's code), ``decorator``,
    ``import`` or ``reference``."""
    aliases = {name} | {a.asname for node in ast.walk(module) if isinstance(node, ast.ImportFrom)
                        for a in node.names if a.name == name and a.asname}
    roles: dict[int, str] = {}
    for node in ast.walk(module):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            roles.update((id(d), "decorator") for d in node.decorator_list)
        elif isinstance(node, ast.With | ast.AsyncWith):
            roles.update((id(item.context_expr), "context") for item in node.items)
    kinds = set()
    for node in ast.walk(module):
        if getattr(node, "lineno", None) != line:
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            kinds.add("import")
        elif isinstance(node, ast.Call) and _names(node.func, aliases):
            kinds.add(roles.get(id(node), "call"))
        elif roles.get(id(node)) == "decorator":
            kinds.add("decorator")
    return next((k for k in ("call", "context", "decorator", "import") if k in kinds), "reference")


TASK_CALLS = frozenset({"delay", "apply_async"})  # a Celery task sent: a call that runs elsewhere


def _names(func: ast.expr, aliases: set[str]) -> bool:
    if isinstance(func, ast.Attribute) and func.attr in TASK_CALLS:
        func = func.value
    return (isinstance(func, ast.Name) and func.id in aliases) or (
        isinstance(func, ast.Attribute) and func.attr in aliases)


def called_from(uses: Iterable[Location], name: str, parse: ParseSource) -> tuple[Location, ...]:
    """The use sites that call ``name`` at run time from code other than tests and migrations
    (a file that cannot be read counts as a call: the analysis saw a use there)."""
    found = []
    for use in uses:
        if NOT_CALLERS.search(use.path):
            continue
        module = parse(use.path)
        if module is None or use_kind(module, use.line, name) == "call":
            found.append(use)
    return tuple(found)


def exposure(interface: Interface, params: Iterable[str], parse: ParseSource) -> Exposure:
    """Whether the function ``interface`` names gets an endpoint of the internal API."""
    module, _, short = interface.name.rpartition(".")
    if NOT_REMOTE.search(module):
        return Exposure(interface.name, False, "a form, admin, template-tag or test helper")
    local = sorted(LOCAL_PARAMS.intersection(params))
    if local:
        return Exposure(interface.name, False, f"takes {', '.join(local)}: not callable over HTTP")
    if interface.uses and not called_from(interface.uses, short, parse):
        return Exposure(interface.name, False, "only imported, decorating, a context manager or "
                        "referenced, or called from tests or migrations")
    return Exposure(interface.name, True)


def name_reads(name: str) -> bool:
    """Whether a function's name says it only reads: a read verb first (``get_cart``) and no write
    word in it (``get_or_create_cart``, ``list_and_mark`` write)."""
    words = [w for w in name.rsplit(".", 1)[-1].lower().split("_") if w]
    return bool(words) and words[0] in READ_WORDS and not WRITE_WORDS.intersection(words)


class _Writes(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[str] = []

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else (
            func.value if isinstance(func, cst.Name) else "")
        if name in WRITE_METHODS:
            self.found.append(name)

    def visit_With(self, node: cst.With) -> None:
        text = cst.Module([]).code_for_node(node.items[0].item) if node.items else ""
        if "atomic" in text:
            self.found.append("transaction.atomic")


def writes_in(node: cst.CSTNode) -> tuple[str, ...]:
    """The writing calls in a function's body (``save``, ``delay``, ``transaction.atomic``...)."""
    visitor = _Writes()
    node.visit(visitor)
    return tuple(sorted(set(visitor.found)))


def http_method(name: str, read_only: bool, body: cst.CSTNode | None) -> str:
    """GET for a function that only reads (its name, the analysis and its body agree), else POST."""
    reads = read_only and name_reads(name) and body is not None and not writes_in(body)
    return "GET" if reads else "POST"


def hidden_functions(interfaces: Iterable[Interface], params: Callable[[str], Iterable[str]],
                     root: Path) -> dict[str, str]:
    """Function interfaces that get no endpoint, each with the reason (``params``: a function's
    parameter names, read from the monolith's source ``root``)."""
    parse = source_reader(root)
    found = (exposure(i, params(i.name), parse) for i in interfaces if i.kind == "function")
    return {e.name: e.reason for e in found if not e.exposed}
