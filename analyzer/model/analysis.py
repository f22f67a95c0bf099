"""The Analysis: the seam between analyze, report and extract, with a versioned JSON form.

An :class:`Analysis` is a tree of frozen dataclasses. ``reports`` and ``extractor`` read nothing
else of the analyzer, so everything they need travels here: the models and routes of the
monolith (a projection of the facts), the proposed services, who owns each table, the violations
with ``path:line``, what each service must expose, the metrics, the plan and the warnings.

Paths are relative to ``source_root`` (POSIX separators); every collection is sorted by the
builder so the JSON is byte-for-byte deterministic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

from analyzer.errors import AnalysisFileError
from analyzer.model.explanations import ModelPlacement, ModuleSplit
from analyzer.model.json_form import dumps_sorted, from_json

# 2: coupling; 3: model_placements, module_splits, aggregates; 4: reference_differences; 5: tie directions;
# 6: RouteInfo.reachable; 7: regex routes as the full path's regex (``^/...``), RouteInfo.inexact;
# 8: count_curve_choice
SCHEMA_VERSION = 8
READABLE_SCHEMA_VERSIONS = (1, 2, 3, 4, 5, 6, 7, 8)  # older files: the newer fields at their defaults

VIOLATION_KINDS = (
    "cross-service-fk",  # a ForeignKey/OneToOne/M2M to a model owned by another service
    "cross-service-query",  # an ORM lookup traversing into another service's models
    "cross-service-join",  # raw SQL joining tables owned by different services
    "foreign-write",  # code writing a table owned by another service
    "distributed-transaction",  # transaction.atomic writing tables of two or more services
    "cross-service-signal",  # a signal whose sender and receiver live in different services
)


@dataclass(frozen=True)
class Location:
    """A place in the analysed source: ``path`` relative to the source root, 1-based ``line``."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class FieldInfo:
    """One model field; ``target`` is the related model's label for relations, else None."""

    name: str
    field_type: str  # e.g. "CharField", "ForeignKey"
    line: int
    relation: str | None = None  # "fk" | "o2o" | "m2m" | None
    target: str | None = None  # "app_label.ModelName" of the related model
    through: str | None = None  # label of an explicit M2M through model
    column: str | None = None  # db column, e.g. "customer_id" for a ForeignKey "customer"


@dataclass(frozen=True)
class ModelInfo:
    """A Django model of the monolith, as the report and the extractor need it."""

    label: str  # "app_label.ModelName"
    app_label: str
    name: str
    module: str  # dotted module, e.g. "orders.models"
    db_table: str
    path: str
    line: int
    end_line: int
    fields: tuple[FieldInfo, ...] = ()
    bases: tuple[str, ...] = ()  # qualified names of the base classes
    abstract: bool = False
    proxy: bool = False
    managed: bool = True  # False for ``Meta.managed = False``: the table is not Django's to create


@dataclass(frozen=True)
class RouteInfo:
    """A URL route of the monolith: full pattern and the view it calls.

    ``pattern`` is a ``path()`` route of the whole path (``/api/products/<slug:slug>/``) or, when a
    regex takes part, the whole path's regex (``^/control/(?P<event>[^/]+)/\\Z``, matched with
    ``re.match`` from the leading ``/``; a ``path()`` include's ``<int:x>`` / ``<uuid:x>`` kept as
    Django shows it, ``analyzer.model.facts.route_regex`` gives its group), exactly as Django
    resolves it unless ``inexact`` says why not.
    """

    pattern: str
    view: str  # qualified name of the view function or class
    path: str
    line: int
    name: str | None = None  # "namespace:name" when the route is named
    methods: tuple[str, ...] = ()  # HTTP methods when known, else empty (all)
    login_required: bool = False
    reachable: bool = True  # False: no root URLconf includes it, so ``pattern`` is only its local part
    inexact: str = ""  # why ``pattern`` is not exact (it is then as Django shows it); empty: it is


@dataclass(frozen=True)
class Service:
    """A proposed service: the units placed in it and the data it owns."""

    name: str
    apps: tuple[str, ...]  # Django app labels contributing units, dominant first
    modules: tuple[str, ...]  # dotted modules with at least one unit here
    units: tuple[str, ...]  # qualified names of classes/functions/models placed here
    models: tuple[str, ...]  # "app_label.ModelName"
    tables: tuple[str, ...]  # tables this service owns
    routes: tuple[str, ...]  # route patterns served by this service's views
    lines: int = 0  # lines of code of its units
    rationale: str = ""  # why these units belong together, in a sentence or two
    module_code: tuple[str, ...] = ()  # dotted modules whose module-level code is placed here
    name_reason: str = ""  # what the name comes from, e.g. "named after Order, root of 6 of its 9 models"
    aggregates: tuple[str, ...] = ()  # the aggregate roots of its models ("app_label.Model"), sorted


@dataclass(frozen=True)
class TableUsage:
    """One table: its owning service and who reads and writes it (service names)."""

    table: str
    owner: str
    model: str | None = None  # label of the model mapped to it, None for raw-SQL-only tables
    readers: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()
    framework: str = ""  # the django.contrib app owning the table's model, "" for the project's tables
    reason: str = ""  # why this service owns it


@dataclass(frozen=True)
class SagaStep:
    """One local transaction of a saga and the action that undoes it."""

    service: str
    action: str  # e.g. "create Order and OrderLines"
    compensation: str  # e.g. "cancel the Order"


@dataclass(frozen=True)
class Saga:
    """The replacement for a transaction that spans services: ordered steps with compensations."""

    name: str
    steps: tuple[SagaStep, ...]


@dataclass(frozen=True)
class Violation:
    """A place where the proposed boundaries are crossed, and what to do about it."""

    id: str  # stable, e.g. "V-cross-service-fk-3f2a9c1b"
    kind: str  # one of VIOLATION_KINDS
    path: str
    line: int
    source_service: str  # the service whose code crosses
    target_services: tuple[str, ...]  # the services crossed into
    subject: str  # what crosses, e.g. "orders.Order.customer -> customers.Customer"
    remedy: str  # the concrete fix in one or two sentences
    saga: Saga | None = None  # for distributed transactions
    snippet: tuple[str, ...] = ()  # source lines around `line`, for the report
    snippet_start: int = 0  # line number of snippet[0]


@dataclass(frozen=True)
class Interface:
    """Something one service must expose because another uses it (function, model or route)."""

    service: str  # the providing service
    name: str  # qualified name of the unit used across the boundary
    kind: str  # "function" | "class" | "model"
    used_by: tuple[str, ...]  # consuming services
    uses: tuple[Location, ...] = ()  # where it is used from
    read_only: bool = True  # False when a consumer writes through it


@dataclass(frozen=True)
class ServiceDependency:
    """Aggregated coupling from one service to another, for the service map."""

    source: str
    target: str
    weight: float
    kinds: tuple[str, ...]  # edge kinds that make up the coupling


@dataclass(frozen=True)
class SharedCandidate:
    """A module used by (nearly) every service: a shared-library candidate, not a service."""

    module: str
    used_by: tuple[str, ...]
    reason: str
    models: tuple[str, ...] = ()  # abstract models it defines ("app_label.ModelName"), sorted


@dataclass(frozen=True)
class AppPlacement:
    """What happened to one Django app: kept whole, split, or merged, and why."""

    app_label: str
    services: tuple[str, ...]
    verdict: str  # "kept" | "split" | "merged"
    reason: str


@dataclass(frozen=True)
class CountScore:
    """The score of one service count considered by the automatic choice of N."""

    services: int
    score: float
    modularity: float


@dataclass(frozen=True)
class Metrics:
    """Quality figures of one decomposition (see docs/metrics.md for formulas and direction)."""

    services: int
    sm: float  # structural modularity, higher is better
    icp: float  # inter-call percentage, lower is better
    ifn: float  # interface number, lower is better
    ned: float  # non-extreme distribution, lower is better
    modularity: float  # Newman modularity, higher is better
    cross_service_data_edges: int
    transactional_purity: float  # share of atomic blocks inside one service, higher is better
    shared_tables: int = 0
    mean_services_per_route: float = 0.0
    reference_ari: float | None = None  # adjusted Rand index vs --reference (models), higher better
    reference_mojofm: float | None = None  # MoJoFM (%) vs --reference (models), higher better


@dataclass(frozen=True)
class MetricsComparison:
    """The proposal beside the two baselines: one service per app, and the monolith as one."""

    proposal: Metrics
    per_app: Metrics
    monolith: Metrics


@dataclass(frozen=True)
class PlanStep:
    """One step of the migration plan: extract one service."""

    order: int
    service: str
    routes: tuple[str, ...]
    tables: tuple[str, ...]
    violations_to_fix: tuple[str, ...]  # Violation ids
    effort: str  # "S" | "M" | "L" | "XL"
    reasoning: str  # one sentence
    needs_saga: bool = False


@dataclass(frozen=True)
class AnalysisWarning:
    """Something the analyzer could not read or understand, with where and why."""

    path: str
    line: int
    reason: str


@dataclass(frozen=True)
class CouplingItem:
    """One thing a what-if can move: a model (with its tables), or one module's code in one service."""

    id: str  # "model:<label>", "code:<module>@<service>", or "table:<name>" for raw-SQL-only tables
    kind: str  # "model" | "code" | "table"
    service: str  # where the proposal places it
    app: str = ""  # the Django app it belongs to, "" when none
    module: str = ""  # dotted module it is defined in
    lines: int = 0
    tables: tuple[str, ...] = ()  # tables its data lives in


@dataclass(frozen=True)
class CouplingEdge:
    """Edges of one kind from one item to another, summed; the first site stands for all of them."""

    source: str  # CouplingItem id
    target: str  # CouplingItem id
    kind: str  # an edge kind of analyzer/weights.py
    weight: float  # summed weights
    count: int = 1  # how many edges were summed
    path: str = ""  # the first site
    line: int = 0
    subject: str = ""  # what the first site is, e.g. "orders.Order.customer -> customers.Customer"


@dataclass(frozen=True)
class TransactionSite:
    """A ``transaction.atomic`` block: the item running it and the items whose tables it writes."""

    item: str
    path: str
    line: int
    writes: tuple[str, ...]  # CouplingItem ids, in first-write order


@dataclass(frozen=True)
class Independence:
    """From git history: how many past commits touched exactly one service of a decomposition."""

    decomposition: str  # "proposal" | "per_app"
    commits: int  # commits touching at least one analysed file
    single_service: int  # of those, commits touching exactly one service

    @property
    def share(self) -> float:
        """The share of commits that one team could have made alone (1.0 without commits)."""
        return self.single_service / self.commits if self.commits else 1.0


@dataclass(frozen=True)
class Coupling:
    """The proposal's coupling at the level a person moves things, for explanations and what-if."""

    items: tuple[CouplingItem, ...]  # sorted by id
    edges: tuple[CouplingEdge, ...]  # sorted by (source, target, kind)
    transactions: tuple[TransactionSite, ...] = ()  # sorted by (path, line)
    independence: tuple[Independence, ...] = ()  # empty without git history


@dataclass(frozen=True)
class DjangoVersionEvidence:
    """Where the targeted Django version comes from: the declared requirement and the newest
    migrations' headers, and which of the two ``Analysis.django_version`` used."""

    used: str  # "declared", "migrations" or "" (neither)
    declared: str = ""  # the requirement as written, e.g. "Django[argon2]~=5.2.2"
    declared_in: str = ""  # the file it is declared in, relative to the root
    declared_version: str = ""  # its lower bound, "major.minor"
    migrations_version: str = ""  # the newest Django that generated a migration
    migrations_in: str = ""  # the migration whose header says so


@dataclass(frozen=True)
class ReferenceDifference:
    """A model the proposal places apart from where ``--reference`` puts it: most models of its
    reference service are in ``expected``, this one is in ``service``."""

    model: str  # label
    reference: str  # its service in the reference decomposition
    expected: str  # the proposal's service holding most of the reference service's models
    service: str  # the proposal's service holding this model


@dataclass(frozen=True)
class Analysis:
    """Everything `analyze` found and proposes; the input of `report` and `extract`."""

    tool_version: str
    source_root: str  # absolute path of the analysed tree, for reading sources later
    project_name: str
    django_version: str  # major.minor the monolith targets, "" when unknown
    settings_module: str
    database_engine: str  # e.g. "sqlite3", "postgresql"
    models: tuple[ModelInfo, ...]
    routes: tuple[RouteInfo, ...]
    services: tuple[Service, ...]
    tables: tuple[TableUsage, ...]
    violations: tuple[Violation, ...]
    interfaces: tuple[Interface, ...] = ()
    dependencies: tuple[ServiceDependency, ...] = ()
    shared: tuple[SharedCandidate, ...] = ()
    app_placements: tuple[AppPlacement, ...] = ()
    count_scores: tuple[CountScore, ...] = ()
    count_reason: str = ""
    metrics: MetricsComparison | None = None
    plan: tuple[PlanStep, ...] = ()
    warnings: tuple[AnalysisWarning, ...] = ()
    schema_version: int = field(default=SCHEMA_VERSION)
    coupling: Coupling | None = None  # since schema 2
    # abstract base models: code the concrete ``models`` inherit fields from, never placed or owned
    abstract_models: tuple[ModelInfo, ...] = ()
    django_version_evidence: DjangoVersionEvidence | None = None
    model_placements: tuple[ModelPlacement, ...] = ()  # since schema 3: per concrete model, why there
    module_splits: tuple[ModuleSplit, ...] = ()  # since schema 3: modules spread over services, why
    # since schema 4, with --reference: the models placed differently, by reference service then model
    reference_differences: tuple[ReferenceDifference, ...] = ()
    # since schema 8: the count the score curve chose, before splits and folds (0: not known)
    count_curve_choice: int = 0

    def service(self, name: str) -> Service:
        """Return the service called ``name``; raise KeyError listing the valid names."""
        for service in self.services:
            if service.name == name:
                return service
        valid = ", ".join(s.name for s in self.services)
        raise KeyError(f"no service {name!r}; the services are: {valid}")

    def table_owner(self) -> dict[str, str]:
        """Return the owning service of every table."""
        return {usage.table: usage.owner for usage in self.tables}

    def model(self, label: str) -> ModelInfo:
        """Return the model with this ``app_label.ModelName`` label."""
        for model in self.models:
            if model.label == label:
                return model
        raise KeyError(label)

    def violations_of(self, service: str) -> tuple[Violation, ...]:
        """Return the violations where ``service`` crosses or is crossed into."""
        return tuple(
            v for v in self.violations if service == v.source_service or service in v.target_services
        )


def analysis_to_json(analysis: Analysis) -> str:
    """Return the deterministic JSON text of an Analysis (sorted object keys, trailing newline)."""
    return analysis_json_bytes(analysis).decode("utf-8")


def analysis_json_bytes(analysis: Analysis) -> bytes:
    """:func:`analysis_to_json` encoded in UTF-8, for a file (without decoding 13 MB to write it
    back)."""
    return dumps_sorted(json_document(analysis))


def json_document(analysis: Analysis) -> dict[str, Any]:
    """The top-level object of analysis.json, its values as the model holds them."""
    document = {f.name: getattr(analysis, f.name) for f in fields(analysis)}
    document["table_owner"] = dict(sorted(analysis.table_owner().items()))
    return document


def analysis_from_json(text: str | bytes, source: str = "analysis.json") -> Analysis:
    """Parse the JSON form of an Analysis (text, or its UTF-8 bytes); raise AnalysisFileError
    naming the file and key."""
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnalysisFileError(f"{source}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    except UnicodeDecodeError as exc:
        raise AnalysisFileError(f"{source}: not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    if not isinstance(document, dict):
        raise AnalysisFileError(f"{source}: expected a JSON object at the top level")
    version = document.get("schema_version")
    if version not in READABLE_SCHEMA_VERSIONS:
        raise AnalysisFileError(
            f"{source}: schema_version {version!r} is not supported (expected {SCHEMA_VERSION}); "
            "re-run `demonolith analyze` with this version"
        )
    document.pop("table_owner", None)  # derived from `tables`
    try:
        return from_json(Analysis, document)
    except AnalysisFileError as exc:
        raise AnalysisFileError(f"{source}: {exc}") from exc
