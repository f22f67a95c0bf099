"""Facts of a ``.sql`` file: one SQL site holding every statement, tables read/written/joined."""

from __future__ import annotations

from analyzer.facts.parse import decode_source
from analyzer.facts.store import FactStore
from analyzer.model.facts import ModuleFacts, SourceWarning


def extract_sql_file_facts(data: bytes, path: str, module: str, dialect: str | None) -> ModuleFacts:
    """Parse a SQL file; an undecodable or unparseable one yields a warning."""
    lines = data.count(b"\n") + 1
    if b"\x00" in data:
        warning = SourceWarning(path, 1, "nul-bytes", "contains a NUL byte: binary or corrupt")
        return ModuleFacts(path, module, False, lines, warnings=(warning,))
    text = decode_source(data, path)
    if isinstance(text, SourceWarning):
        return ModuleFacts(path, module, False, lines, warnings=(text,))
    store = FactStore(module, path, dialect)
    if text.strip():
        store.sql_site(module, "sql-file", text, False, 1)
    return store.freeze(False, lines)
