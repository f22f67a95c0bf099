"""A models module of an installed monolith package, copied whole with the own models rewritten.

The service's copy of such a module shadows the installed one (``package_init``), and the
monolith's other code imports any of its names (pretalx's ``from .question import Answer``), so the
copy keeps every statement of the original: the service's own models are the rewritten classes
(relations to other services as IDs), the code that follows a rewritten relation raises, and the
models other services own stay as they are (registered code-only, their tables never created).
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from extractor.pysource import ModuleIndex

NOTE = ("# Copied whole from the installed monolith's {name} by `demonolith extract`: the models this "
        "service owns are rewritten, the rest is as it is there.")


def emit_full_module(module: ModuleIndex, replaced: Mapping[tuple[int, int], cst.BaseStatement],
                     added_imports: list[str]) -> str:
    """The source of ``module`` with the statements at (index, inner) of ``replaced`` swapped in
    (``inner`` >= 0: a definition inside a top-level ``if``) and ``added_imports`` put first."""
    body: list[cst.BaseStatement] = []
    for index, stmt in enumerate(module.tree.body):
        if (index, -1) in replaced:
            body.append(replaced[(index, -1)])
            continue
        inner = {i: node for (at, i), node in replaced.items() if at == index and i >= 0}
        if inner and isinstance(stmt, cst.If) and isinstance(stmt.body, cst.IndentedBlock):
            nested = [inner.get(i, node) for i, node in enumerate(stmt.body.body)]
            stmt = stmt.with_changes(body=stmt.body.with_changes(body=nested))
        body.append(stmt)
    first = import_index(body)
    for line in reversed(added_imports):
        body.insert(first, cst.parse_statement(f"{line}  # added by demonolith extract"))
    note = cst.EmptyLine(comment=cst.Comment(NOTE.format(name=module.name)))
    return module.tree.with_changes(body=body, header=[note, *module.tree.header]).code


def import_index(body: list[cst.BaseStatement]) -> int:
    """Where an added import goes: after the module docstring and its ``from __future__`` imports
    (which Python requires first)."""
    index = 1 if body and is_docstring(body[0]) else 0
    while index < len(body) and _is_future_import(body[index]):
        index += 1
    return index


def is_docstring(stmt: cst.BaseStatement) -> bool:
    """Whether ``stmt`` is a bare string statement (a docstring when it comes first)."""
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString))


def _is_future_import(stmt: cst.BaseStatement) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.ImportFrom) and isinstance(stmt.body[0].module, cst.Name)
            and stmt.body[0].module.value == "__future__")
