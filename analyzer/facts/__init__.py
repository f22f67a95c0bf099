"""Facts from one source file: the pure function ``source -> ModuleFacts``.

:func:`extract_module_facts` never raises for bad input: a file that cannot be decoded or parsed
yields ``ModuleFacts`` with no facts and a warning naming ``path:line`` and the reason.
"""

from __future__ import annotations

import dataclasses

from analyzer.facts.collector import Collector
from analyzer.facts.names import NameTable, collect_module_names
from analyzer.facts.parse import parse_source
from analyzer.facts.sql_known import NOTHING_KNOWN, KnownSql
from analyzer.model.facts import ModuleFacts, SourceWarning

__all__ = ["extract_module_facts"]


def extract_module_facts(
    source: bytes | str,
    path: str,
    module: str,
    is_package: bool = False,
    dialect: str | None = None,
    known_sql: KnownSql = NOTHING_KNOWN,
) -> ModuleFacts:
    """All facts of one module; ``path`` is reported in facts, ``module`` qualifies names;
    ``known_sql`` holds SQL texts parsed before (the same facts, without parsing them again)."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    parsed = parse_source(data, path)
    if parsed.tree is None:
        return ModuleFacts(path, module, is_package, parsed.lines, warnings=parsed.warnings)
    table = NameTable(module)
    collect_module_names(parsed.tree, table, is_package)
    collector = Collector(table, path, is_package, dialect)
    collector.store.known_sql = known_sql
    try:
        collector.visit_all(parsed.tree.body)
    except RecursionError:
        warning = SourceWarning(path, 1, "too-deep", "nesting too deep to analyse")
        return ModuleFacts(path, module, is_package, parsed.lines, warnings=(warning,))
    collector.helpers.drop_templates()
    facts = collector.store.freeze(is_package, parsed.lines, parsed.warnings)
    return dataclasses.replace(facts, all_names=table.all_names) if table.all_names else facts
