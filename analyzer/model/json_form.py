"""One generic converter between frozen dataclasses and their JSON form.

Tuples become lists, nested dataclasses become objects with their fields in declaration order;
the reverse direction reads the type hints, so a model class needs no hand-written (de)serialiser.
Only the shapes the model uses are supported: dataclasses, tuples ``tuple[X, ...]``, ``X | None``,
``str``, ``int``, ``float``, ``bool`` and tuples of pairs (mapping-like data kept ordered).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

import orjson

from analyzer.errors import AnalysisFileError

T = TypeVar("T")


def to_json(value: Any) -> Any:
    """Return the JSON-ready form of a model value (dataclass, tuple or scalar)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    return value


_SORTED = (orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
           | orjson.OPT_PASSTHROUGH_DATACLASS)


def dumps_sorted(document: Any, newline: bool = True) -> bytes:
    """The JSON of :func:`to_json` ``(document)`` with sorted keys, two-space indent and a trailing
    newline (the bytes ``json.dumps(indent=2, sort_keys=True, ensure_ascii=False)`` gives; none
    without ``newline``), written by orjson without building the intermediate lists and dicts in
    Python."""
    option = _SORTED if newline else _SORTED & ~orjson.OPT_APPEND_NEWLINE
    return orjson.dumps(document, default=_fields_of, option=option)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _fields_of(value: Any) -> dict[str, Any]:
    """A dataclass as the dict of its fields (orjson sorts its keys; it writes tuples itself)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: getattr(value, name) for name in _field_names(type(value))}
    raise TypeError(f"not a model value: {type(value).__name__}")


def from_json(cls: type[T], data: Any, where: str = "$") -> T:
    """Build ``cls`` from its JSON form; raise :class:`AnalysisFileError` naming the bad key."""
    return typing.cast(T, _convert(cls, data, where))


def _convert(hint: Any, data: Any, where: str) -> Any:
    origin = get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return _convert_optional(hint, data, where)
    if origin is tuple:
        return _convert_tuple(hint, data, where)
    if dataclasses.is_dataclass(hint):
        return _convert_dataclass(hint, data, where)
    if hint is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if hint is Any or (isinstance(hint, type) and isinstance(data, hint)):
        return data
    raise AnalysisFileError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {data!r}")


def _convert_optional(hint: Any, data: Any, where: str) -> Any:
    options = [arg for arg in get_args(hint) if arg is not type(None)]
    if data is None:
        return None
    return _convert(options[0], data, where)


def _convert_tuple(hint: Any, data: Any, where: str) -> tuple[Any, ...]:
    if not isinstance(data, list):
        raise AnalysisFileError(f"{where}: expected a list, got {data!r}")
    args = get_args(hint)
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_convert(args[0], item, f"{where}[{i}]") for i, item in enumerate(data))
    if len(args) != len(data):
        raise AnalysisFileError(f"{where}: expected {len(args)} items, got {len(data)}")
    pairs = enumerate(zip(args, data, strict=True))
    return tuple(_convert(arg, item, f"{where}[{i}]") for i, (arg, item) in pairs)


def _convert_dataclass(cls: Any, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise AnalysisFileError(f"{where}: expected an object, got {data!r}")
    kwargs = {}
    for name, hint, required in _plan(cls):
        if name in data:
            kwargs[name] = _convert(hint, data[name], f"{where}.{name}")
        elif required:
            raise AnalysisFileError(f"{where}: missing key {name!r}")
    return cls(**kwargs)


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type hint, required) of each field of a dataclass, read once per class."""
    hints = get_type_hints(cls)
    missing = dataclasses.MISSING
    return tuple((f.name, hints[f.name], f.default is missing and f.default_factory is missing)
                 for f in dataclasses.fields(cls))
