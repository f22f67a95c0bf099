"""The target architecture: each service mapped onto AWS, Azure and GCP from one editable table.

The table is ``reports/cloud_mapping.toml`` (or a user's copy of it); :func:`service_targets`
decides per service which parts it needs: a gateway when it serves routes, a database when it
owns tables, messaging when signals or distributed transactions cross its boundary, a workflow
engine when it takes part in a saga.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from analyzer.errors import ConfigError
from analyzer.model.analysis import Analysis, Service
from analyzer.model.wording import plural

CLOUDS = ("aws", "azure", "gcp")
PARTS = ("gateway", "compute", "messaging", "workflow")
EVENT_KINDS = frozenset({"cross-service-signal", "distributed-transaction"})


@dataclass(frozen=True)
class CloudOffer:
    """One part of a service on each of the three clouds."""

    aws: str
    azure: str
    gcp: str


@dataclass(frozen=True)
class CloudMapping:
    """The editable mapping table, parsed."""

    gateway: CloudOffer
    compute: CloudOffer
    messaging: CloudOffer
    workflow: CloudOffer
    databases: tuple[tuple[str, CloudOffer], ...]  # (engine, offer), sorted; includes "default"

    def database_for(self, engine: str) -> CloudOffer:
        """Return the database offer for a Django engine name (``django.db.backends.mysql`` too)."""
        short = engine.rsplit(".", 1)[-1].lower()
        short = {"postgis": "postgresql", "postgresql_psycopg2": "postgresql"}.get(short, short)
        offers = dict(self.databases)
        return offers.get(short, offers["default"])


@dataclass(frozen=True)
class ServiceTarget:
    """What one service needs on the cloud; None where it does not need that part."""

    service: str
    gateway: CloudOffer | None
    compute: CloudOffer
    database: CloudOffer | None
    messaging: CloudOffer | None
    workflow: CloudOffer | None
    reasons: tuple[str, ...]


def _offer(section: Any, where: str) -> CloudOffer:
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: expected a table with keys aws, azure, gcp")
    missing = [cloud for cloud in CLOUDS if not isinstance(section.get(cloud), str)]
    if missing:
        raise ConfigError(f"{where}: missing or non-text key(s): {', '.join(missing)}")
    return CloudOffer(section["aws"], section["azure"], section["gcp"])


def load_cloud_mapping(text: str, source: str = "cloud_mapping.toml") -> CloudMapping:
    """Parse a mapping table; raise ConfigError naming the file and the section."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: {exc}") from exc
    offers = {part: _offer(document.get(part), f"{source}: [{part}]") for part in PARTS}
    databases = document.get("database")
    if not isinstance(databases, dict) or "default" not in databases:
        raise ConfigError(f"{source}: [database.default] is required")
    parsed = tuple(sorted((engine, _offer(section, f"{source}: [database.{engine}]"))
                          for engine, section in databases.items()))
    return CloudMapping(databases=parsed, **offers)


def default_cloud_mapping() -> CloudMapping:
    """Return the mapping table shipped with demonolith."""
    text = resources.files("reports").joinpath("cloud_mapping.toml").read_text(encoding="utf-8")
    return load_cloud_mapping(text, "reports/cloud_mapping.toml")


def service_targets(analysis: Analysis, mapping: CloudMapping) -> tuple[ServiceTarget, ...]:
    """Return the target of every service, in name order."""
    return tuple(_target(analysis, service, mapping)
                 for service in sorted(analysis.services, key=lambda s: s.name))


def _target(analysis: Analysis, service: Service, mapping: CloudMapping) -> ServiceTarget:
    kinds = {v.kind for v in analysis.violations_of(service.name)}
    in_saga = any(step.service == service.name for v in analysis.violations if v.saga
                  for step in v.saga.steps)
    reasons = [plural(len(service.routes), "route") if service.routes else "no public routes",
               f"owns {plural(len(service.tables), 'table')}" if service.tables else "owns no tables"]
    if kinds & EVENT_KINDS:
        reasons.append("events replace " + " and ".join(sorted(kinds & EVENT_KINDS)))
    if in_saga:
        reasons.append("takes part in a saga")
    return ServiceTarget(
        service=service.name,
        gateway=mapping.gateway if service.routes else None,
        compute=mapping.compute,
        database=mapping.database_for(analysis.database_engine) if service.tables else None,
        messaging=mapping.messaging if kinds & EVENT_KINDS or in_saga else None,
        workflow=mapping.workflow if in_saga else None,
        reasons=tuple(reasons),
    )
