"""Route text folded from a pattern's expression, as far as one file can tell.

A route is rarely just a literal: ``r"^%s$" % pgettext("urls", "tags/")``, ``f"{prefix}edit/"``,
``settings.URL_PREFIX + "accounts/"``, ``"{}/x".format(BASE)``. :func:`fold` evaluates string
literals, f-strings, ``+``, ``%``, ``.format``, simple ``str`` methods on static text and
translation calls (which return their message), over the strings of the scope. What it cannot
know is kept in place as a marker the project pass may still fill in:

- ``{?ref:QUALNAME}``: a name of another module or a setting (``django.conf.settings.X``);
  ``{?ref:QUALNAME|DEFAULT}`` for ``getattr(settings, "X", DEFAULT)``;
- ``{?arg:N:NAME}``: the function's positional parameter ``N`` (helpers that build patterns);
  ``{?arg:-:KEY}`` the caller's keyword ``KEY`` read off ``**kwargs`` (:mod:`url_keywords`);
  a reference given for a parameter keeps the methods still to apply (``{?ref:X;mod(Edit)}``);
- ``{?ref:CLASS.ATTR}`` for ``self.ATTR`` / ``cls.ATTR`` in a method of ``CLASS``: the project pass
  looks it up on the class, its bases and the subclasses that override it;
- ``{?alt:A|B}``: one of several static values, chosen at run time (a property's returns);
- ``{?TEXT}``: an expression no pass can know (``self.pk_path_converter``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping

from analyzer.facts.names import NameTable, dotted
from analyzer.facts.url_forwarding import item_position

OPEN = "{?"
CLOSE = "}"
MARKER = re.compile(r"\{\?([^{}]*)\}")
SETTINGS = "django.conf.settings."
_TRANSLATIONS = frozenset({"gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "gettext_noop",
                           "ugettext_noop", "pgettext", "pgettext_lazy", "_"})
_STR_METHODS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "replace",
                          "removeprefix", "removesuffix"})
_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdirf%]")
_FORMAT = re.compile(r"\{(\w*)\}")
_TEXT_LIMIT = 60
_RESERVED = frozenset(";|,(){}")


class Env:
    """What a fold can see: the scope's strings, the module's names, the function's parameters."""

    def __init__(self, strings: Mapping[str, str], table: NameTable,
                 parameters: tuple[str, ...] = (), local: Mapping[str, str] | None = None,
                 klass: str | None = None) -> None:
        self.strings = strings
        self.table = table
        self.parameters = parameters
        self.local = strings if local is None else local  # the innermost scope's strings
        self.klass = klass  # the class whose method this is: ``self.x`` is its attribute
        self.members: frozenset[str] = frozenset()  # the names that class's body defines


def foldable(node: ast.expr) -> bool:
    """Whether an assigned value may be route text worth remembering."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in _STR_METHODS or name in _TRANSLATIONS or name in ("format", "getattr")
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Add | ast.Mod)
    return isinstance(node, ast.JoinedStr | ast.Name | ast.Attribute)


def is_opaque(text: str) -> bool:
    """Whether ``text`` is one unknown part that no later pass can fill in."""
    found = MARKER.fullmatch(text)
    return found is not None and not found[1].startswith(("ref:", "arg:"))


def is_reference(text: str) -> bool:
    """Whether ``text`` is one reference the project pass may fill in (``{?ref:X;mod(a)}``)."""
    found = MARKER.fullmatch(text)
    return found is not None and found[1].startswith("ref:")


def with_arguments(text: str, arguments: Callable[[int, str], str | None]) -> str:
    """``text`` with its ``{?arg:N:NAME}`` markers replaced by the call's arguments, where known."""
    def substitute(found: re.Match[str]) -> str:
        kind, _, rest = found[1].partition(":")
        if kind != "arg":
            return found[0]
        position, _, name = rest.partition(":")
        name, _, methods = split_reference(name)
        value = arguments(_position(position), name) if position.isdigit() or position == "-" else None
        if value is None:
            return found[0]
        reference = MARKER.fullmatch(value)
        if methods and reference is not None and reference[1].startswith("ref:"):
            return marker(f"{reference[1]};{found[1].partition(';')[2]}")  # applied once it is known
        for method, args in methods:
            static = is_static(value)
            value = apply_method(value, method, args) if static else _head_method(value, method, args)
            if value is None:
                return found[0]
        return value

    return MARKER.sub(substitute, text) if OPEN + "arg:" in text else text


def _position(text: str) -> int:
    """A marker's parameter position; ``-`` (a keyword passed through ``**kwargs``) is -1."""
    return -1 if text == "-" else int(text)


def _head_method(text: str, method: str, args: list[str]) -> str | None:
    """``removeprefix`` of text with unknown parts, when its static head decides it: exact for
    ``"^{?ref:X}y".removeprefix("^")``; None for any other method or an unknown head."""
    if method != "removeprefix" or len(args) != 1:
        return None
    head = text.split(OPEN, 1)[0]
    if head.startswith(args[0]):
        return text[len(args[0]):]
    return None if len(head) < len(args[0]) else text


def marker(text: str) -> str:
    """An unknown part: ``{?text}`` (braces inside ``text`` dropped; long expressions cut)."""
    text = text.replace("{", "").replace("}", "")
    if not text.startswith(("ref:", "arg:")):
        text = text[:_TEXT_LIMIT]
    return OPEN + text + CLOSE


def is_static(text: str) -> bool:
    """Whether ``text`` has no unknown part."""
    return OPEN not in text


def fold(node: ast.expr | None, env: Env) -> str | None:
    """The route text of ``node`` with markers for its unknown parts; None for no expression."""
    if node is None:
        return None
    try:
        return _folded(node, env)
    except RecursionError:  # a concatenation of thousands of parts: unknown, not a lost file
        return marker("?")


def _folded(node: ast.expr, env: Env) -> str:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):  # a lone surrogate ("\ud83d") is no text a file can hold
            return node.value if _encodable(node.value) else marker(_text(node))
        return marker(repr(node.value))
    if isinstance(node, ast.JoinedStr):
        return "".join(_formatted(value, env) for value in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _fold(node.left, env) + _fold(node.right, env)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _percent(node, env)
    if isinstance(node, ast.Call):
        return _call(node, env)
    if isinstance(node, ast.Name | ast.Attribute):
        return _name(node, env)
    if isinstance(node, ast.Subscript):
        return _subscript(node, env)
    if isinstance(node, ast.Starred):  # re_path(*args): whatever the caller passed
        return marker(f"arg:*:{_text(node.value)}")
    return marker(_text(node))


def _fold(node: ast.expr, env: Env) -> str:
    folded = fold(node, env)
    return folded if folded is not None else marker("?")


def _formatted(value: ast.expr, env: Env) -> str:
    if isinstance(value, ast.FormattedValue):
        if value.format_spec is not None or value.conversion not in (-1, 115):  # only !s
            return marker(_text(value.value))
        return _fold(value.value, env)
    return _fold(value, env)


def _name(node: ast.Name | ast.Attribute, env: Env) -> str:
    text = dotted(node)
    if text is None:
        return marker(_text(node))
    if text in env.parameters and text not in env.local:
        return marker(f"arg:{env.parameters.index(text)}:{text}")
    if text in env.strings:
        return env.strings[text]
    if text in env.parameters:
        return marker(f"arg:{env.parameters.index(text)}:{text}")
    owner, _, attribute = text.partition(".")
    if env.klass is not None and owner in ("self", "cls") and attribute and "." not in attribute:
        return marker(f"ref:{env.klass}.{attribute}")
    target, resolved = env.table.resolve_dotted(text)
    if resolved and target.startswith("django.conf.settings") and "." in text:
        target = SETTINGS + text.partition(".")[2]  # from django.conf import settings as s
    return marker(f"ref:{target}") if resolved else marker(text)


def _percent(node: ast.BinOp, env: Env) -> str:
    template = fold(node.left, env)
    later = _later_percent(template, node.right, env)
    if later is not None:  # ``view_template % "Edit"`` of a parameter: applied once it is known
        return later
    if template is None or (not is_static(template) and "%" not in template):
        return marker(_text(node))
    right = node.right
    named: dict[str, str] = {}
    if isinstance(right, ast.Dict):
        named = {k.value: _fold(v, env) for k, v in zip(right.keys, right.values, strict=True)
                 if isinstance(k, ast.Constant) and isinstance(k.value, str)}
        args: list[str] = []
    else:
        args = [_fold(e, env) for e in right.elts] if isinstance(right, ast.Tuple) else [_fold(right, env)]
    position = iter(args)

    def substitute(found: re.Match[str]) -> str:
        if found[0] == "%%":
            return "%"
        if found[1] is not None:
            return named.get(found[1], marker(found[1]))
        return next(position, marker("?"))

    return _PERCENT.sub(substitute, template)


def _later_percent(template: str | None, right: ast.expr, env: Env) -> str | None:
    """``{?arg:..;mod(a,b)}`` for a reference or parameter ``%`` static text; else None."""
    reference = MARKER.fullmatch(template or "")
    if reference is None or not reference[1].startswith(("ref:", "arg:")):
        return None
    args = [fold(e, env) for e in (right.elts if isinstance(right, ast.Tuple) else [right])]
    static = [a for a in args if a is not None and is_static(a) and not set(a) & _RESERVED]
    return marker(f"{reference[1]};mod({','.join(static)})") if len(static) == len(args) else None


def _call(node: ast.Call, env: Env) -> str:
    func = node.func
    qualified = env.table.qualify(func) or ""
    last = qualified.rsplit(".", 1)[-1]
    if last in _TRANSLATIONS and (qualified == last or qualified.startswith("django.utils.translation")
                                  or _is_local_alias(qualified, env.table)):
        message = node.args[1] if last.startswith("pgettext") and len(node.args) > 1 else (
            node.args[0] if node.args else None)
        return _fold(message, env) if message is not None else marker(_text(node))
    if qualified == "getattr" and len(node.args) >= 2:
        return _getattr(node, env)
    if isinstance(func, ast.Attribute):
        return _method(node, func, env)
    return marker(_text(node))


def _is_local_alias(qualified: str, table: NameTable) -> bool:
    """``pgettext = lambda context, value: value`` in this module."""
    return qualified.startswith(f"{table.module}.")


def _getattr(node: ast.Call, env: Env) -> str:
    owner, name = node.args[0], node.args[1]
    target = env.table.qualify(owner) or ""
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        return marker(_text(node))
    if target != "django.conf.settings":
        return marker(_text(node))
    default = fold(node.args[2], env) if len(node.args) > 2 else None
    ref = f"ref:{SETTINGS}{name.value}"
    if default is not None and is_static(default) and not set(default) & _RESERVED:
        ref += f"|{default}"
    return marker(ref)


def _method(node: ast.Call, func: ast.Attribute, env: Env) -> str:
    owner = fold(func.value, env) if _stringish(func.value) else None
    if owner is None:
        return marker(_text(node))
    if func.attr == "format":
        return _format(owner, node, env)
    args = [fold(a, env) for a in node.args]
    if func.attr not in _STR_METHODS or node.keywords:
        return marker(_text(node))
    static = [a for a in args if a is not None and is_static(a)]
    if len(static) != len(args):
        return marker(_text(node))
    if is_static(owner):
        return apply_method(owner, func.attr, static)
    reference = MARKER.fullmatch(owner)
    if reference is not None and reference[1].startswith(("ref:", "arg:")) and not any(
            set(a) & _RESERVED for a in static):
        return marker(f"{reference[1]};{func.attr}({','.join(static)})")
    return marker(_text(node))


def _subscript(node: ast.Subscript, env: Env) -> str:
    """``prefix[0]``: one character of static text, or of a reference / parameter, later."""
    index = node.slice
    if not (isinstance(index, ast.Constant) and type(index.value) is int):
        return marker(_text(node))
    item = item_position(node, env.parameters)
    if item is not None:  # ``args[0]`` of ``*args``
        return marker(f"arg:{item}:{_text(node)}")
    owner = fold(node.value, env) or ""
    if is_static(owner):
        return apply_method(owner, "getitem", [str(index.value)])
    reference = MARKER.fullmatch(owner)
    if reference is not None and reference[1].startswith(("ref:", "arg:")):
        return marker(f"{reference[1]};getitem({index.value})")
    return marker(_text(node))


def apply_method(text: str, name: str, args: list[str]) -> str:
    """``text.name(*args)`` for one of the simple ``str`` methods; ``getitem`` is ``text[i]``,
    ``mod`` is ``text % tuple(args)``."""
    if name == "getitem":
        index = int(args[0])
        return text[index] if -len(text) <= index < len(text) else ""
    if name == "mod":  # ``text % (a, b)``; text that does not take them stays as it is
        try:
            return text % tuple(args)
        except (TypeError, ValueError, KeyError):
            return text
    method: Callable[..., str] = getattr(text, name)
    return method(*args)


def split_reference(reference: str) -> tuple[str, str | None, list[tuple[str, list[str]]]]:
    """``QUAL|DEFAULT;strip(/)`` -> (QUAL, DEFAULT or None, [("strip", ["/"])])."""
    head, *calls = reference.split(";")
    name, bar, default = head.partition("|")
    methods = []
    for call in calls:
        method, _, args = call.partition("(")
        if method in _STR_METHODS or method in ("getitem", "mod"):
            methods.append((method, args[:-1].split(",") if args[:-1] else []))
    return name, (default if bar else None), methods


def _stringish(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp | ast.Name | ast.Attribute | ast.Call)


def _format(template: str, node: ast.Call, env: Env) -> str:
    args = [_fold(a, env) for a in node.args]
    named = {k.arg: _fold(k.value, env) for k in node.keywords if k.arg}
    position = iter(args)

    def substitute(found: re.Match[str]) -> str:
        key = found[1]
        if key == "":
            return next(position, marker("?"))
        if key.isdigit():
            return args[int(key)] if int(key) < len(args) else marker(key)
        return named.get(key, marker(key))

    if "{{" in template or "}}" in template or not is_static(template):
        return marker(_text(node))
    return _FORMAT.sub(substitute, template)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except (ValueError, RecursionError):
        return "?"
