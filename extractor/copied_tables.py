"""The tables a service's database holds copies of: the ones its data copy moves
(``copy_from_monolith``), the ones live sync captures and relays and parity compares.

One answer for all three: the service's own tables and its plan step's, with the join tables of its
many-to-many fields to other services' models only when the extraction keeps those fields (the
monolith is an installable distribution, so the targets' classes are there: ``kept_links``).
"""

from __future__ import annotations

from pathlib import Path

from analyzer.errors import ExtractError
from analyzer.model.analysis import Analysis, Service
from extractor.boundary import foreign_relations, kept_links, own_models, relation_fields
from extractor.distribution import read_distribution
from extractor.naming import find_service


def service_tables(analysis: Analysis, name: str, source: Path | None = None) -> list[str]:
    """The tables service ``name`` holds copies of (see the module), the monolith read at
    ``source`` (default: the analysed tree) to know whether it is installable, as ``extract``
    reads it."""
    root = Path(source or analysis.source_root)
    if not root.is_dir():
        raise ExtractError(f"monolith source {root} not found; pass --source PATH")
    return copied_tables(analysis, find_service(analysis, name), read_distribution(root).installable)


def copied_tables(analysis: Analysis, service: Service, installable: bool) -> list[str]:
    """The tables ``service`` holds copies of, for a monolith that is (or is not) installable."""
    return planned_tables(analysis, service, installable and bool(kept_links(analysis, service)))


def planned_tables(analysis: Analysis, service: Service, keep_links: bool = False) -> list[str]:
    """The tables the data copy must move: the service's own and its plan step's, less the join
    tables of many-to-many relations to other services that the extraction removes (with
    ``keep_links`` it keeps them: their join tables are copied, see ``foreign_relations``)."""
    tables = set(service.tables)
    tables.update(t for step in analysis.plan if step.service == service.name for t in step.tables)
    tables.update(kept_join_tables(analysis, service) if keep_links else ())
    return sorted(tables - set(foreign_join_tables(analysis, service, keep_links)))


def kept_join_tables(analysis: Analysis, service: Service) -> set[str]:
    """The join tables of the many-to-many fields kept to other services' models (``kept_links``)."""
    return {f"{analysis.model(label).db_table}_{rel.field}" for label, rel in kept_links(analysis, service)}


def foreign_join_tables(analysis: Analysis, service: Service, keep_links: bool = False) -> dict[str, str]:
    """Auto-created join table -> why it is not copied, for each many-to-many field -- declared or
    inherited -- that the extraction removes: the relations ``foreign_relations`` classifies as
    another service's (a framework model such as ``auth.User`` stays in the monolith too)."""
    found = {}
    for model in own_models(analysis, service):
        fields = {field.name: field for field, _ in relation_fields(analysis, model)}
        for rel in foreign_relations(analysis, service, model, keep_links):
            field = fields[rel.field]
            if field.relation != "m2m" or field.through:
                continue
            table = f"{model.db_table}_{field.name}"
            found[table] = (f"{table}: join table of {model.label}.{field.name} (many-to-many to "
                            f"{field.target}, service {rel.owner!r}) is not copied: the field is removed "
                            "here and its rows stay in the monolith until an API or an id list replaces them")
    return found
