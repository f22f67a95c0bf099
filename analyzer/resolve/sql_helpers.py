"""Project pass for SQL run by a helper of another module.

``from reporting.db import run_sql`` then ``run_sql("SELECT ...")``: the module facts of
``reporting.db`` say that ``run_sql`` runs its parameter ``sql`` (a :class:`SqlSink`), and the
caller's facts hold the SQL it passed, already parsed (a :class:`SqlHelperCall`). When the call's
target, followed through re-exports, is a sink and the SQL is passed in the sink's position or by
its name, the call becomes an SQL site at the caller's scope and ``path:line``. Helpers of the
caller's own module are followed in the module pass (:mod:`analyzer.facts.sql_calls`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from analyzer.model.facts import ModuleFacts, SqlHelperCall, SqlSink, SqlSite


def helper_sql_sites(modules: Iterable[ModuleFacts], canonical: Callable[[str], str]) -> tuple[SqlSite, ...]:
    """The SQL sites of calls passing SQL to another module's sink, sorted by path and line."""
    modules = tuple(modules)
    sinks = {sink.function: sink for module in modules for sink in module.sql_sinks}
    found = [
        dataclasses.replace(call.site, origin=sink.origin)
        for module in modules for call in module.sql_helper_calls
        if (sink := sinks.get(canonical(call.target))) is not None and _reaches(call, sink)
    ]
    return tuple(sorted(found, key=lambda s: (s.path, s.line, s.scope, s.sql)))


def _reaches(call: SqlHelperCall, sink: SqlSink) -> bool:
    """Whether the call's SQL argument is the parameter the sink executes."""
    return call.position == sink.position if call.position >= 0 else call.keyword == sink.parameter
