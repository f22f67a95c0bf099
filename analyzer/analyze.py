"""The analyzer's entry point: a source tree -> an :class:`Analysis`.

``analyze_tree`` does the I/O (configuration, facts with their cache, git history, source lines
for the violation snippets); ``analysis_from_facts`` is the pure middle:
facts -> graph -> boundaries -> metrics and plan -> Analysis.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from analyzer.boundaries.config import Config, load_config
from analyzer.graph.history import Commit, add_history, read_commits
from analyzer.middle_cache import MiddleCache, Stages
from analyzer.model.analysis import (
    Analysis,
    AnalysisWarning,
    DjangoVersionEvidence,
    FieldInfo,
    ModelInfo,
    RouteInfo,
)
from analyzer.model.facts import ModelFact, ProjectFacts, RouteFact, full_route
from analyzer.model.wording import plural
from analyzer.progress import NoPhases, Phases
from analyzer.project_facts.cache import (
    combined_key,
    load_keyed,
    load_keyed_body,
    load_keyed_head,
    save_keyed,
    save_keyed_parts,
)
from analyzer.project_facts.code_fingerprint import package_fingerprint
from analyzer.project_facts.pipeline import FactsOptions, KeyedFacts, extract_project_facts
from analyzer.source.discover_config import discover_options
from analyzer.source.django_version import django_version_evidence

if TYPE_CHECKING:  # the middle's stages (and networkx) are imported only when the middle runs
    from analyzer.boundaries.propose import Proposal
    from analyzer.graph.build import ProjectGraph
    from analyzer.metrics.reference import ReferenceDecomposition


@dataclass(frozen=True)
class AnalyzeOptions:
    """What the command line can change; everything else comes from the project's configuration."""

    services: int | None = None  # target service count; None: from config, else automatic
    history: bool = True  # read git history when the tree is a repository
    facts: FactsOptions | None = None  # None: the defaults plus the project's excludes
    reference: Path | None = None  # a reference decomposition to score the proposal against


def analyze_tree(root: Path, options: AnalyzeOptions = AnalyzeOptions(),
                 phases: Phases | None = None) -> Analysis:
    """Analyse the Django project at ``root`` and propose its services."""
    config = load_config(root)  # checked before any file is read
    facts_options = options.facts or FactsOptions(discover=discover_options(root), require_django=True)
    return analyze_facts(root, extract_project_facts(root, facts_options, phases), options, config)


@dataclass(frozen=True)
class KeyedAnalysis:
    """An Analysis and the key of everything it was built from: equal keys, equal Analyses. The
    Analysis is loaded on first use: outputs found current under the key never need it."""

    key: str
    load: Callable[[], Analysis] = field(repr=False, compare=False)

    @functools.cached_property
    def analysis(self) -> Analysis:
        """The Analysis (loaded once)."""
        return self.load()


def analyze_facts(root: Path, facts: ProjectFacts, options: AnalyzeOptions = AnalyzeOptions(),
                  config: Config | None = None) -> Analysis:
    """Propose services for facts already read from ``root`` (reads config unless given, git,
    source lines)."""
    inputs = _middle_inputs(root, options, config or load_config(root))
    evidence = django_version_evidence(root, [module.path for module in facts.modules])
    return _finished(evidence, _with_snippets(root, analysis_from_facts(facts, *inputs)))


@dataclass(frozen=True)
class _Head:
    """What the middle's cache entry says before its Analysis is read: the content digest of each
    file its snippets come from, and the key of the snippets themselves."""

    snippet_files: dict[str, str | None]
    snippets: str


def analyze_keyed(root: Path, keyed: KeyedFacts, options: AnalyzeOptions = AnalyzeOptions(),
                  config: Config | None = None, cache_dir: Path | None = None,
                  phases: Phases | None = None,
                  proposed: Callable[[Analysis], object] | None = None) -> KeyedAnalysis:
    """:func:`analyze_facts` with the key of its inputs; with a ``cache_dir``, the pure middle
    is reused from the last run built from the same facts, configuration, history, reference
    and analyzer code (``phases`` then hears of ``analysis`` instead of graph, partition, metrics).
    The middle is kept with its violations' snippets and the content digests of the files they
    were read from: a reused one needs neither the middle's code nor the files read again (nor
    even unpickling, until asked for), and an edit that leaves every fact as it was but changes a
    file holding a violation re-reads only the snippets. When the middle runs, its partition and
    metrics are reused while what they read is unchanged (:mod:`analyzer.middle_cache`);
    ``proposed`` is as in :func:`analysis_from_facts` (not called when the middle is reused)."""
    phases = phases or NoPhases()
    inputs = _middle_inputs(root, options, config or load_config(root))
    key = analysis_key(keyed.key, inputs)
    cache = cache_dir / f"analysis-{ANALYSIS_CACHE_TAG}.pickle" if cache_dir else None
    head = _cached_head(cache, key, phases) if cache else None
    evidence = django_version_evidence(root, keyed.paths)
    stages = MiddleCache(cache_dir) if cache_dir else None
    if cache and head is not None and head.snippet_files == _current(head.snippet_files, keyed.digests):
        def load() -> Analysis:  # rebuilt when the entry was replaced since its head was read
            assert cache is not None and head is not None
            middle = _stored_middle(cache, key, head)
            middle = middle or _with_snippets(root, analysis_from_facts(
                keyed.facts, *inputs, stages=stages), keyed.digests, cache_dir)
            return _finished(evidence, middle)

        return KeyedAnalysis(combined_key([key, head.snippets, repr(evidence)]), load)
    built = _stored_middle(cache, key, head) if cache and head else None
    middle = _with_snippets(root, built or analysis_from_facts(keyed.facts, *inputs, phases=phases,
                                                               stages=stages, proposed=proposed),
                            keyed.digests, cache_dir)
    snippets = combined_key([f"{v.path}:{v.line}:{v.snippet_start}:{v.snippet}" for v in middle.violations])
    if cache:
        files = {path: keyed.digests.get(path) for path in sorted({v.path for v in middle.violations})}
        save_keyed_parts(cache, key, _Head(files, snippets), middle)
    analysis = _finished(evidence, middle)
    return KeyedAnalysis(combined_key([key, snippets, repr(evidence)]), lambda: analysis)


def _cached_head(cache: Path, key: str, phases: Phases) -> _Head | None:
    """The head of the middle the last run saved under ``key``, else None (the ``analysis`` phase)."""
    phases.begin("analysis")
    head = load_keyed_head(cache, key)
    found = isinstance(head, _Head)
    phases.end("unchanged since the last run: reused" if found
               else "changed since the last run (or no run yet)")
    return head if isinstance(head, _Head) else None


def _current(files: Mapping[str, str | None], digests: Mapping[str, str]) -> dict[str, str | None]:
    return {path: digests.get(path) for path in files}


def _stored_middle(cache: Path, key: str, head: _Head) -> Analysis | None:
    """The middle saved with ``head`` under ``key``, else None."""
    middle = load_keyed_body(cache, key, head)
    return middle if isinstance(middle, Analysis) else None


def _middle_inputs(root: Path, options: AnalyzeOptions, config: Config) -> tuple[
        str, Config, int | None, tuple[Commit, ...], ReferenceDecomposition | None]:
    """What :func:`analysis_from_facts` takes besides the facts, read from disk and git."""
    commits = read_commits(root, config.history) if options.history and config.history.enabled else ()
    reference = None
    if options.reference:
        from analyzer.metrics.reference import load_reference

        reference = load_reference(options.reference)
    return str(root.resolve()), config, options.services, tuple(commits), reference


def _with_snippets(root: Path, analysis: Analysis, digests: Mapping[str, str] | None = None,
                   cache_dir: Path | None = None) -> Analysis:
    """The Analysis with the source lines around each violation, read from the tree (those of a
    file that cannot be read are left empty). With a ``cache_dir``, the last run's snippets are
    kept there under each file's content digest (``digests``, by path): only the files whose
    content changed since are read."""
    from analyzer.boundaries.snippets import attach_snippets, snippets_by_file

    if cache_dir is None or digests is None:
        return replace(analysis, violations=attach_snippets(analysis.violations, _line_reader(root)))
    path, key = cache_dir / f"snippets-{SNIPPETS_CACHE_TAG}.pickle", package_fingerprint("analyzer")
    kept = load_keyed(path, key)
    kept = kept if isinstance(kept, dict) else {}
    violations = attach_snippets(analysis.violations, _line_reader(root), kept=kept, digests=digests)
    now = snippets_by_file(violations, digests)
    if now != kept:
        save_keyed(path, key, now)
    return replace(analysis, violations=violations)


SNIPPETS_CACHE_TAG = "1"  # (the analyzer's code, the snippets by file: analyzer.boundaries.snippets)


def _finished(evidence: DjangoVersionEvidence, analysis: Analysis) -> Analysis:
    """The Analysis with what only the tree can tell beyond the facts: the Django version."""
    version = evidence.declared_version if evidence.used == "declared" else evidence.migrations_version
    return replace(analysis, django_version=version, django_version_evidence=evidence)


ANALYSIS_CACHE_TAG = "4"  # (snippet files' content digests, the middle with its snippets)


def analysis_key(facts_key: str, inputs: tuple[object, ...]) -> str:
    """The key of one :func:`analysis_from_facts` result: the facts' key, every other input and
    the code of the analyzer package."""
    return combined_key([facts_key, package_fingerprint("analyzer"), *map(repr, inputs)])


def analysis_from_facts(
    facts: ProjectFacts, source_root: str, config: Config | None = None, services: int | None = None,
    commits: Iterable[Commit] = (), reference: ReferenceDecomposition | None = None,
    phases: Phases | None = None, stages: Stages | None = None,
    proposed: Callable[[Analysis], object] | None = None,
) -> Analysis:
    """Build the whole Analysis from project facts; pure and deterministic (``phases`` hears of
    ``graph``, ``partition`` and ``metrics``). ``stages``: the partition and the metrics as
    computed, or as kept from a run with the same inputs (:class:`analyzer.middle_cache.MiddleCache`).
    ``proposed`` is given the Analysis as soon as the services are described, before its
    metrics, plan and snippets (what a caller can start drawing from while they are made)."""
    from analyzer.boundaries.explain import explain_coupling
    from analyzer.boundaries.propose import describe
    from analyzer.graph.framework_tables import explain_tables

    config, phases, stages = config or Config(), phases or NoPhases(), stages or Stages()
    project = _graph(facts, config, commits, phases)
    phases.begin("partition")
    clustering = stages.partition(project, config, services)
    proposal = describe(project, config, clustering, stages.described(project, config, services, clustering))
    phases.end(f"{plural(len(proposal.services), 'service')}, {plural(len(proposal.tables), 'table')} owned")
    analysis = Analysis(
        tool_version=facts.tool_version,
        source_root=source_root,
        project_name=Path(source_root).name,
        django_version="",
        settings_module=facts.settings.module or "",
        database_engine=engine_label(facts.settings.database_engine),
        models=tuple(sorted((model_info(m) for m in facts.models if not m.abstract),
                            key=lambda m: m.label)),
        routes=tuple(sorted((route_info(r) for r in facts.routes if r.view),
                            key=lambda r: (r.pattern, r.view))),
        services=proposal.services,
        tables=explain_tables(proposal.tables, project.graph, proposal.partition()),
        violations=proposal.violations,
        interfaces=proposal.interfaces,
        dependencies=proposal.dependencies,
        shared=proposal.shared,
        app_placements=proposal.app_placements,
        count_scores=proposal.count_scores,
        count_reason=proposal.count_reason,
        count_curve_choice=proposal.count_curve_choice,
        warnings=tuple(sorted((AnalysisWarning(w.path, w.line, w.message) for w in facts.warnings),
                              key=lambda w: (w.path, w.line, w.reason))),
        coupling=explain_coupling(project.graph, proposal.partition(), proposal.table_owner(),
                                  project.transactions, commits),
        abstract_models=tuple(sorted((model_info(m) for m in facts.models if m.abstract),
                                     key=lambda m: m.label)),
        model_placements=proposal.model_placements,
        module_splits=proposal.module_splits,
    )
    if proposed is not None:
        proposed(analysis)
    phases.begin("metrics")
    measured = _measured_and_planned(analysis, project, proposal, reference, stages)
    phases.end(f"scored beside the baselines; {plural(len(measured.plan), 'plan step')}")
    return measured


def load_middle() -> tuple[ModuleType, ...]:
    """Import the middle's stages (networkx among them) ahead of :func:`analysis_from_facts`,
    which a caller can do while the facts are still being read (a warm run that reuses its
    Analysis needs none of them); returns those modules."""
    from analyzer.boundaries import explain, propose, snippets
    from analyzer.graph import build, framework_tables
    from analyzer.metrics import baselines, plan

    return explain, propose, snippets, build, framework_tables, baselines, plan


def _graph(facts: ProjectFacts, config: Config, commits: Iterable[Commit], phases: Phases) -> ProjectGraph:
    """The typed graph of the facts, its tables annotated, with git history (the ``graph`` phase)."""
    from analyzer.graph.build import build_graph
    from analyzer.graph.framework_tables import annotate_tables

    phases.begin("graph")
    project = build_graph(facts, config.weights)
    annotate_tables(project.graph, facts.models)
    add_history(project.graph, commits, config.weights, config.history.max_files_per_commit)
    graph = project.graph
    phases.end(f"{plural(graph.number_of_nodes(), 'node')}, {plural(graph.number_of_edges(), 'edge')}")
    return project


def _measured_and_planned(
    analysis: Analysis, project: ProjectGraph, proposal: Proposal,
    reference: ReferenceDecomposition | None = None, stages: Stages | None = None,
) -> Analysis:
    """Add the metrics (beside the baselines) and the migration plan."""
    from analyzer.metrics.baselines import differences_from_reference
    from analyzer.metrics.plan import plan_migration

    metrics = (stages or Stages()).metrics(project, proposal.partition(), proposal.table_owner(), reference)
    differences = differences_from_reference(
        project.graph, proposal.partition(), proposal.table_owner(), reference) if reference else ()
    analysis = replace(analysis, metrics=metrics, reference_differences=differences)
    return replace(analysis, plan=plan_migration(analysis))


def engine_label(engine: str | None) -> str:
    """``django.db.backends.postgresql`` -> ``postgresql``; an engine unknown until run time is
    reported whole (``unknown (configured at run time: ...)``), never as a fragment of it."""
    if not engine:
        return ""
    return engine if engine.startswith("unknown") else engine.rsplit(".", 1)[-1]


def model_info(model: ModelFact) -> ModelInfo:
    """The Analysis' view of one model."""
    fields = tuple(FieldInfo(f.name, f.field_type.rsplit(".", 1)[-1], f.line, relation=f.relation,
                             target=f.target_label, through=f.through_label, column=f.column)
                   for f in model.fields)
    return ModelInfo(model.label, model.app_label, model.name, model.module, model.db_table, model.path,
                     model.line, model.end_line, fields, model.parents + model.abstract_parents,
                     model.abstract, model.proxy, model.managed)


def route_info(route: RouteFact) -> RouteInfo:
    """The Analysis' view of one route (pattern with a leading ``/``, or ``^/`` for a regex)."""
    return RouteInfo(full_route(route.route), route.view or "", route.path, route.line, name=route.name,
                     login_required=route.login_required, reachable=route.reachable,
                     inexact=route.inexact)


def _line_reader(root: Path) -> Callable[[str], list[str] | None]:
    def read(path: str) -> list[str] | None:
        try:
            return (root / path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None
    return read
