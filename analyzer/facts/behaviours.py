"""Signals, background tasks and management commands, recognised by qualified name."""

from __future__ import annotations

import ast

from analyzer.facts.django_names import (
    COMMAND_BASES,
    RECEIVER,
    TASK_ATTRIBUTES,
    TASK_DECORATORS,
)
from analyzer.facts.names import NameTable
from analyzer.model.facts import CommandFact, SignalReceiver, TaskFact


def decorator_receivers(
    decorator: ast.expr, handler: str, table: NameTable, scope: str, path: str
) -> list[SignalReceiver]:
    """``@receiver(signal_or_list, sender=Model)`` on ``handler``."""
    if not isinstance(decorator, ast.Call) or table.qualify(decorator.func) not in RECEIVER:
        return []
    if not decorator.args:
        return []
    first = decorator.args[0]
    signals = first.elts if isinstance(first, ast.List | ast.Tuple) else [first]
    sender = sender_of(decorator, table)
    return [
        SignalReceiver(signal, handler, sender, "receiver", scope, path, decorator.lineno)
        for signal in (table.qualify(node) for node in signals)
        if signal is not None
    ]


def connect_receiver(
    call: ast.Call, signal: str, table: NameTable, scope: str, path: str
) -> SignalReceiver | None:
    """``signal.connect(handler, sender=Model)``."""
    handler_node = call.args[0] if call.args else _keyword(call, "receiver")
    handler = table.qualify(handler_node) if handler_node is not None else None
    if handler is None:
        return None
    return SignalReceiver(signal, handler, sender_of(call, table), "connect", scope, path, call.lineno)


def sender_of(call: ast.Call, table: NameTable) -> str | None:
    """The ``sender=`` of a receiver/connect/send call, qualified, or the string as written."""
    node = _keyword(call, "sender")
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return table.qualify(node)


def task_decorator(decorator: ast.expr, table: NameTable) -> str | None:
    """The qualified name of a task decorator (``shared_task``, ``app.task``...), else None."""
    node = decorator.func if isinstance(decorator, ast.Call) else decorator
    resolved = table.resolve(node)
    if resolved is None:
        return None
    qualified, _ = resolved
    if qualified in TASK_DECORATORS or qualified.rsplit(".", 1)[-1] == "shared_task":
        return qualified
    if isinstance(node, ast.Attribute) and node.attr in TASK_ATTRIBUTES:
        return qualified
    return None


def task_fact(node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str, table: NameTable,
              path: str) -> TaskFact | None:
    """A :class:`TaskFact` when one of the function's decorators marks a background task."""
    for decorator in node.decorator_list:
        found = task_decorator(decorator, table)
        if found is not None:
            return TaskFact(qualname, found, path, node.lineno)
    return None


def command_fact(
    node: ast.ClassDef, bases: tuple[str, ...], module: str, path: str
) -> CommandFact | None:
    """A management command: class ``Command`` in ``<app>.management.commands.<name>``."""
    if node.name != "Command" or ".management.commands." not in f"{module}.":
        return None
    if not any(base in COMMAND_BASES or base.endswith("Command") for base in bases):
        return None
    name = module.rsplit(".", 1)[-1]
    return CommandFact(name, f"{module}.Command", path, node.lineno)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None
