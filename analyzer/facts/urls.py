"""URL patterns: ``path``/``re_path``/``url`` calls, ``include`` targets, DRF router registrations.

Each call becomes a :class:`UrlPattern` in its container (the module-level list it is assigned
to, or the enclosing function); the project pass follows ``include`` chains from the root URLconf.
"""

from __future__ import annotations

import ast

from analyzer.facts.admin_urls import ADMIN_SITE, SITE_URLS
from analyzer.facts.app_urls import TUPLE_NAMESPACE, app_urls_target, whole_urls
from analyzer.facts.django_names import INCLUDE
from analyzer.facts.names import NameTable
from analyzer.facts.route_text import MARKER, OPEN, Env, fold, marker
from analyzer.model.facts import UrlPattern


def url_pattern(
    call: ast.Call, kind: str, env: Env, container: str, path: str
) -> tuple[UrlPattern, str | None]:
    """The pattern of ``path(route, view, name=...)``; also the inline include's container name."""
    table = env.table
    route = fold(call.args[0] if call.args else _keyword(call, "route"), env)
    view_node = call.args[1] if len(call.args) > 1 else _keyword(call, "view")
    name_node = call.args[3] if len(call.args) > 3 else _keyword(call, "name")
    inline = f"{container}@{call.lineno}"
    wrappers, view_node = _unwrapped(view_node, table)
    view, view_kind, include, namespace = _view(view_node, table, inline, env.klass)
    if isinstance(view_node, ast.Subscript):  # ``args[1]`` of a helper's ``*args``: a marker
        view = fold(view_node, env)
    local = _local_view(view_node, env)
    view = local if local is not None else view
    pattern = UrlPattern(
        module=table.module,
        container=container,
        kind="include" if view_kind == "include" else kind,
        route=route if route is not None else marker("route"),
        view=view,
        view_kind=view_kind,
        include=include,
        namespace=namespace,
        name=_name(name_node, env),
        path=path,
        line=call.lineno,
        wrappers=wrappers,
        regex=kind in ("re_path", "url"),
    )
    has_inline = include is not None and include.endswith(inline)
    return pattern, (inline if has_inline else None)


def router_pattern(call: ast.Call, router: str, env: Env, path: str) -> UrlPattern | None:
    """``router.register(r"prefix", ViewSet, basename=...)`` as a router pattern."""
    if len(call.args) < 2:
        return None
    table = env.table
    prefix = fold(call.args[0], env)
    viewset = table.qualify(call.args[1])
    return UrlPattern(
        module=table.module,
        container=router,
        kind="router",
        route=(prefix or marker("prefix")).strip("^$"),
        view=viewset,
        view_kind="viewset",
        include=None,
        namespace=None,
        name=_string(_keyword(call, "basename")),
        path=path,
        line=call.lineno,
    )


def _unwrapped(node: ast.expr | None, table: NameTable) -> tuple[tuple[str, ...], ast.expr | None]:
    """Decorators applied in place, outermost first, and the view they wrap:
    ``login_required(views.home)``, ``staff_member_required(View.as_view())``."""
    wrappers: list[str] = []
    while isinstance(node, ast.Call) and node.args:
        func = table.qualify(node.func)
        if func in INCLUDE or (isinstance(node.func, ast.Attribute) and node.func.attr == "as_view"):
            break
        wrappers.append(func or "?")
        node = node.args[0]
    return tuple(wrappers), node


def _view(
    node: ast.expr | None, table: NameTable, inline: str, klass: str | None
) -> tuple[str | None, str, str | None, str | None]:
    """(view, view_kind, include, namespace) of a pattern's view argument."""
    if node is None:
        return None, "unknown", None, None
    app = app_urls_target(node, klass)  # path("x/", self.catalogue_app.urls)
    if app is not None:
        return None, "include", app, (TUPLE_NAMESPACE if whole_urls(node) else None)
    if isinstance(node, ast.Call):
        func = table.qualify(node.func)
        if func in INCLUDE:
            include, namespace = _include(node, table, inline, klass)
            return None, "include", include, namespace
        if isinstance(node.func, ast.Attribute) and node.func.attr == "as_view":
            kind = "viewset" if node.args else "class"
            return table.qualify(node.func.value), kind, None, None
        return func, "unknown", None, None
    view = table.qualify(node)
    if view in SITE_URLS:  # path("admin/", admin.site.urls)
        return None, "include", ADMIN_SITE, "admin"  # Django's (patterns, "admin", site.name)
    if view is None:
        return None, "unknown", None, None
    last = view.rsplit(".", 1)[-1]
    return view, ("class" if last[:1].isupper() else "function"), None, None


def _include(call: ast.Call, table: NameTable, inline: str,
             klass: str | None) -> tuple[str | None, str | None]:
    namespace = _string(_keyword(call, "namespace"))
    target = call.args[0] if call.args else None
    if isinstance(target, ast.Tuple) and target.elts:
        if len(target.elts) > 1:
            namespace = namespace or _string(target.elts[1])
        target = target.elts[0]
    app = app_urls_target(target, klass)  # include(apps.get_app_config("shop").urls[0])
    if app is not None:
        return app, namespace
    if isinstance(target, ast.List) or _is_sum(target):  # inline lists are named after their container
        qualified = inline if inline.startswith(f"{table.module}.") else f"{table.module}.{inline}"
        return qualified, namespace
    if target is None:
        return None, namespace
    if isinstance(target, ast.Call):  # include(get_urls()): the patterns that function builds
        return table.qualify(target.func), namespace
    text = _string(target)
    return (text if text is not None else table.qualify(target)), namespace


def _is_sum(node: ast.expr | None) -> bool:
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)


def summed_lists(call: ast.Call) -> list[ast.expr]:
    """The lists named in ``include(a + [...])`` / ``include((a + b, ns))``, a pattern's view: the
    inline list holds their patterns, then the literal lists' (Django includes the sum)."""
    view = call.args[1] if len(call.args) > 1 else _keyword(call, "view")
    target = view.args[0] if isinstance(view, ast.Call) and view.args else None
    if isinstance(target, ast.Tuple) and target.elts:
        target = target.elts[0]
    parts: list[ast.expr] = [target] if target is not None and _is_sum(target) else []
    found: list[ast.expr] = []
    while parts:
        node = parts.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            parts += [node.right, node.left]
        elif isinstance(node, ast.Name | ast.Attribute):
            found.append(node)
    return found


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _local_view(node: ast.expr | None, env: Env) -> str | None:
    """The marker a local name holds when the view is it or its ``as_view()``: an item of the
    function's ``**kwargs`` (:mod:`analyzer.facts.url_keywords`); None otherwise."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "as_view":
        node = node.func.value
    text = env.local.get(node.id) if isinstance(node, ast.Name) and env.parameters else None
    return text if text is not None and text.startswith(OPEN + "arg:-:") else None


def _name(node: ast.expr | None, env: Env) -> str | None:
    """A pattern's name: a literal, or static text, or text built from a helper's parameters
    (``"%s-post" % prefix`` -> ``{?arg:0:prefix}-post``, filled per call); else None."""
    if node is None or isinstance(node, ast.Constant):
        return _string(node)
    if isinstance(node, ast.Name) and node.id not in env.parameters and node.id not in env.local:
        return None
    text = fold(node, env) if isinstance(node, ast.Name | ast.BinOp | ast.JoinedStr) else None
    return text if text is not None and all(m.startswith("arg:") for m in MARKER.findall(text)) else None


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None
