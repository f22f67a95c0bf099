"""The migration plan on the small hand-made Analysis (and variants of it)."""

from __future__ import annotations

import random
from dataclasses import replace

from analyzer.metrics.plan import (
    candidate,
    effort_band,
    inbound_dependencies,
    plan_migration,
    shared_tables_of,
)
from analyzer.model.analysis import Analysis, Service, ServiceDependency, TableUsage, Violation
from tests.helpers.sample_pipeline import SAMPLE, analysis_of, sample_project
from tests.helpers.small_analysis import small_analysis


def with_reviews(analysis: Analysis) -> Analysis:
    """Add a leaf service that reads catalog's products but writes only its own table."""
    reviews = Service("reviews", ("reviews",), ("reviews.models",), ("reviews.models.Review",),
                      ("reviews.Review",), ("reviews_review",), ("/reviews/",), lines=30)
    tables = (*analysis.tables, TableUsage("reviews_review", "reviews", "reviews.Review",
                                           readers=("reviews",), writers=("reviews",)))
    dependencies = (*analysis.dependencies, ServiceDependency("reviews", "catalog", 1.0, ("call",)))
    return replace(analysis, services=(*analysis.services, reviews), tables=tables,
                   dependencies=dependencies)


def test_a_service_outside_every_transaction_goes_first() -> None:
    steps = plan_migration(with_reviews(small_analysis()))
    assert [s.service for s in steps] == ["reviews", "orders", "catalog"]
    first = steps[0]
    assert (first.order, first.needs_saga, first.violations_to_fix) == (1, False, ())
    assert first.routes == ("/reviews/",) and first.tables == ("reviews_review",)
    assert first.effort == "S"
    assert first.reasoning.startswith("reviews goes first because 0 services depend on it")


def test_the_saga_is_built_once_and_violations_are_fixed_once() -> None:
    steps = plan_migration(small_analysis())
    orders, catalog = steps
    # both take part in checkout; orders has no inbound dependency, so it goes first and builds it
    assert orders.service == "orders" and orders.needs_saga
    assert orders.violations_to_fix == ("V-cross-service-fk-0001", "V-distributed-transaction-0002")
    assert orders.effort == "M"  # 1 route + 1 table + 2·2 violations + 8 for the saga = 14
    assert catalog.service == "catalog" and not catalog.needs_saga
    assert catalog.violations_to_fix == ()
    assert catalog.effort == "S"  # 1 + 1 + 3·1 inbound = 5
    assert "needs a saga" in orders.reasoning and catalog.reasoning.count(".") == 1


def test_every_step_lists_routes_and_tables_that_exist() -> None:
    analysis = with_reviews(small_analysis())
    routes = {r.pattern for r in analysis.routes} | {"/reviews/"}
    tables = {t.table for t in analysis.tables}
    steps = plan_migration(analysis)
    assert sorted(s.service for s in steps) == sorted(s.name for s in analysis.services)
    for step in steps:
        assert set(step.routes) <= routes and set(step.tables) <= tables


def test_counts() -> None:
    analysis = small_analysis()
    assert inbound_dependencies(analysis, "catalog") == 1
    assert inbound_dependencies(analysis, "orders") == 0
    assert shared_tables_of(analysis, "catalog") == ("catalog_product",)
    assert shared_tables_of(analysis, "orders") == ("catalog_product",)
    assert [effort_band(p) for p in (0, 8, 9, 20, 21, 40, 41)] == ["S", "S", "M", "M", "L", "L", "XL"]


def test_plan_is_deterministic_whatever_the_service_order() -> None:
    analysis = with_reviews(small_analysis())
    shuffled = replace(analysis, services=tuple(reversed(analysis.services)))
    assert plan_migration(shuffled) == plan_migration(analysis)


def test_the_sample_plan_starts_without_a_saga_and_lists_what_exists() -> None:
    project, proposal = sample_project()
    analysis = analysis_of(SAMPLE, project, proposal)
    steps = plan_migration(analysis)
    assert [s.order for s in steps] == list(range(1, len(analysis.services) + 1))
    assert sorted(s.service for s in steps) == sorted(s.name for s in analysis.services)
    assert not steps[0].needs_saga
    saga_services = {v.source_service for v in analysis.violations if v.kind == "distributed-transaction"}
    assert steps[0].service not in saga_services
    graph = project.graph
    routes = {str(a.get("pattern")) for _, a in graph.nodes(data=True) if a.get("kind") == "route"}
    tables = {n.removeprefix("table:") for n, k in graph.nodes(data="kind") if k == "table"}
    for step in steps:
        assert set(step.routes) <= routes and set(step.tables) <= tables
        assert step.effort in {"S", "M", "L", "XL"} and step.reasoning.endswith(".")
    assert sum(len(s.tables) for s in steps) == len(analysis.tables)  # every table copied once
    assert any(s.needs_saga for s in steps)  # checkout becomes a saga somewhere


def _plan_by_definition(analysis: Analysis) -> list[tuple[str, tuple[str, ...], bool]]:
    """The plan as the module docstring defines it: at each step every remaining service weighed
    again (:func:`candidate`) against the violations fixed so far, the smallest key first."""
    remaining, fixed, order = list(analysis.services), frozenset[str](), []
    while remaining:
        chosen = min((candidate(analysis, s, fixed) for s in remaining), key=lambda c: c.key())
        order.append((chosen.service.name, tuple(v.id for v in chosen.violations), chosen.new_saga))
        fixed |= {v.id for v in chosen.violations}
        remaining.remove(chosen.service)
    return order


def _random_analysis(seed: int) -> Analysis:
    """Services crossing each other by many violations (sagas among them, some ids shared), so
    that what earlier steps fix changes which service is cheapest next."""
    rng = random.Random(seed)
    names = [f"s{n}" for n in range(rng.randint(2, 9))]
    services = tuple(Service(name, (name,), (), (), (), (), (), lines=rng.randint(1, 50)) for name in names)
    violations = []
    for number in range(rng.randint(0, 60)):
        source, *targets = rng.sample(names, rng.randint(1, min(3, len(names))))
        kind = rng.choice(["distributed-transaction", "cross-service-fk", "cross-service-call"])
        ident = f"V-{rng.randint(0, number)}" if rng.random() < 0.2 else f"V-{number}-{seed}"
        violations.append(Violation(ident, kind, "a.py", number + 1, source, tuple(targets), "s", "r"))
    dependencies = tuple(ServiceDependency(a, b, 1.0, ("call",))
                         for a in names for b in names if a != b and rng.random() < 0.2)
    return replace(small_analysis(), services=services, violations=tuple(violations),
                   dependencies=dependencies, tables=())


def test_the_plan_is_the_one_its_definition_gives_step_by_step() -> None:
    for seed in range(300):
        analysis = _random_analysis(seed)
        steps = plan_migration(analysis)
        assert [(s.service, s.violations_to_fix, s.needs_saga) for s in steps] == \
            _plan_by_definition(analysis), seed
