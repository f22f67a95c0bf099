"""Read code written for a newer Python than the running one, by rewriting it for the stdlib.

``ast`` only parses the grammar of the running interpreter (3.11 here). LibCST parses 3.0-3.15,
so when ``ast`` fails this module parses the file with LibCST and rewrites the few constructs
3.11 cannot read into equivalents that keep every line where it was:

- PEP 695 type parameters (``def f[T](x: T)``, ``class Box[T]:``) are dropped;
- ``type Alias = X`` statements become ``Alias = X``;
- f-strings (3.12 allows reused quotes, backslashes and comments inside them) become a
  concatenation of their literal parts and their expressions, which is what the SQL reader needs.
"""

from __future__ import annotations

import libcst as cst

_NEWER_VERSIONS = ("3.14", "3.13", "3.12")


class _Downgrade(cst.CSTTransformer):
    """The rewrite described in the module docstring."""

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        return updated_node.with_changes(type_parameters=None)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        return updated_node.with_changes(type_parameters=None)

    def leave_TypeAlias(
        self, original_node: cst.TypeAlias, updated_node: cst.TypeAlias
    ) -> cst.Assign:
        return cst.Assign(targets=[cst.AssignTarget(target=updated_node.name)], value=updated_node.value)

    def leave_FormattedString(
        self, original_node: cst.FormattedString, updated_node: cst.FormattedString
    ) -> cst.BaseExpression:
        return _concatenation(original_node)


def _concatenation(node: cst.FormattedString) -> cst.BaseExpression:
    prefix = node.prefix.replace("f", "").replace("F", "")
    quote = node.end
    pieces: list[str] = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            pieces.append(f"{prefix}{quote}{part.value}{quote}")
        elif isinstance(part, cst.FormattedStringExpression):
            code = cst.Module(body=[]).code_for_node(part.expression)
            pieces.append(f"str({code})")
    text = " + ".join(pieces) if pieces else f"{prefix}{quote}{quote}"
    return cst.parse_expression(f"({text})", config=cst.PartialParserConfig(python_version="3.12"))


def rewrite_for_running_python(source: str) -> str | None:
    """Return ``source`` rewritten so the running ``ast`` can parse it, or None if LibCST cannot."""
    for version in _NEWER_VERSIONS:
        try:
            module = cst.parse_module(source, config=cst.PartialParserConfig(python_version=version))
        except Exception:
            continue
        try:
            return module.visit(_Downgrade()).code
        except Exception:
            return None
    return None
