"""Facts of a small dedented source string."""

from __future__ import annotations

import textwrap

from analyzer.facts import extract_module_facts
from analyzer.model.facts import ModuleFacts


def facts_of(source: str, module: str = "shop.views", dialect: str | None = None,
             is_package: bool = False) -> ModuleFacts:
    """Facts of ``source`` as module ``module`` (path derived from it)."""
    suffix = "/__init__.py" if is_package else ".py"
    path = module.replace(".", "/") + suffix
    return extract_module_facts(textwrap.dedent(source), path, module, is_package, dialect)
