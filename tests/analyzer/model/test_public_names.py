"""The facade ``analyzer.model``: ``__all__`` lists exactly what it re-exports, each defined below."""

from __future__ import annotations

import types

import analyzer.model
from analyzer.model import analysis, explanations, facts


def test_all_names_every_re_export_once() -> None:
    exported = {name for name, value in vars(analyzer.model).items()
                if not name.startswith("_") and not isinstance(value, types.ModuleType)
                and name != "annotations"}
    assert len(analyzer.model.__all__) == len(set(analyzer.model.__all__))
    assert set(analyzer.model.__all__) == exported


def test_every_name_is_the_object_of_its_defining_module() -> None:
    for name in analyzer.model.__all__:
        value = getattr(analyzer.model, name)
        assert any(value is getattr(module, name, None) for module in (analysis, explanations, facts)), name
