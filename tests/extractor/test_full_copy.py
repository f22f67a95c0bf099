"""A module copied whole: the imports extract adds go after its docstring and ``__future__`` imports."""

from __future__ import annotations

import ast
from pathlib import Path

from extractor.full_copy import emit_full_module
from extractor.pysource import index_module

SOURCE = '''"""Tickets."""

from __future__ import annotations

from django.db import models


class Ticket(models.Model):
    title: str = models.CharField(max_length=10)
'''


def test_added_imports_follow_the_docstring_and_the_future_imports(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    path.write_text(SOURCE)
    code = emit_full_module(index_module("desk.models", path, False), {},
                            ["from service_project.relations import remote_relation"])
    body = ast.parse(code).body  # a __future__ import after any other statement is a SyntaxError
    assert ast.get_docstring(ast.Module(body=body, type_ignores=[])) == "Tickets."
    assert isinstance(body[1], ast.ImportFrom) and body[1].module == "__future__"
    assert isinstance(body[2], ast.ImportFrom) and body[2].module == "service_project.relations"
