"""The SQL texts a file's earlier facts already parsed: ``ModuleFacts -> KnownSql``.

Reading a file again after an edit parses each SQL text of it again, and the first text parsed
imports sqlglot (~0.14 s). The tables of a text that parsed depend only on the text, whether it
was built at run time, and the dialect (the facts' cache key holds the dialect and the facts
code), so the file's earlier facts give them: only new texts, and texts that did not parse (their
error is not kept in the facts), are parsed again.

Each earlier site's tables serve one site: a text met twice was parsed twice, into objects of its
own each time, and the facts' pickle (whose digest keys the caches) tells shared objects apart.
"""

from __future__ import annotations

from collections.abc import Mapping

from analyzer.facts.sql import SqlTables
from analyzer.model.facts import ModuleFacts, SqlSite

KnownSql = Mapping[tuple[str, bool], tuple[SqlTables, ...]]  # (text, partial) -> one per site

NOTHING_KNOWN: KnownSql = {}  # typed read-only; a plain dict, so a worker's task pickles


def known_sql(facts: ModuleFacts) -> KnownSql:
    """The tables of every SQL site of ``facts`` whose text parsed, by (text, partial)."""
    known: dict[tuple[str, bool], tuple[SqlTables, ...]] = {}
    for site in (*facts.sql, *(call.site for call in facts.sql_helper_calls)):
        if site.parsed:
            key = (site.sql, site.partial)
            known[key] = (*known.get(key, ()), _tables(site))
    return known


def _tables(site: SqlSite) -> SqlTables:
    return SqlTables(site.tables_read, site.tables_written, site.joins,
                     tables_dropped=site.tables_dropped)
