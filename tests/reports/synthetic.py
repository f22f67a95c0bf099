"""A large synthetic Analysis (1,000 modules by default) for the browser test and the benchmark."""

from __future__ import annotations

import random

from analyzer.model.analysis import (
    Analysis,
    AnalysisWarning,
    CountScore,
    FieldInfo,
    Interface,
    Location,
    Metrics,
    MetricsComparison,
    ModelInfo,
    PlanStep,
    RouteInfo,
    Saga,
    SagaStep,
    Service,
    ServiceDependency,
    TableUsage,
    Violation,
)

KINDS = ("cross-service-fk", "cross-service-query", "cross-service-join", "foreign-write",
         "distributed-transaction", "cross-service-signal")


def _metrics(services: int, rng: random.Random) -> Metrics:
    return Metrics(services, rng.random(), rng.random(), rng.random() * 10, rng.random(),
                   rng.random(), rng.randint(0, 90), rng.random(), rng.randint(0, 20), 1 + rng.random())


def synthetic_analysis(modules: int = 1000, services: int = 20, seed: int = 7) -> Analysis:
    """Return a deterministic Analysis of ``modules`` modules spread over ``services`` services."""
    rng = random.Random(seed)
    names = [f"svc{i:02d}" for i in range(services)]
    per = {name: [f"app{i:02d}.mod{j:03d}" for j in range(modules // services)]
           for i, name in enumerate(names)}
    models = [ModelInfo(f"app{i:02d}.Model{j:02d}", f"app{i:02d}", f"Model{j:02d}",
                        f"app{i:02d}.mod000", f"app{i:02d}_model{j:02d}", f"app{i:02d}/mod000.py",
                        10 + j * 12, 20 + j * 12,
                        (FieldInfo("name", "CharField", 11 + j * 12),
                         FieldInfo("other", "ForeignKey", 12 + j * 12, "fk",
                                   f"app{(i + 1) % services:02d}.Model00", None, "other_id")))
              for i in range(services) for j in range(15)]
    routes = [RouteInfo(f"/api/app{i:02d}/thing{j:02d}/<int:pk>/", f"app{i:02d}.mod001.view{j}",
                        f"app{i:02d}/mod001.py", 5 + j, methods=("GET",))
              for i in range(services) for j in range(20)]
    service_objs = tuple(
        Service(name, (f"app{i:02d}",), tuple(per[name]),
                tuple(f"{m}.func" for m in per[name]),
                tuple(m.label for m in models if m.app_label == f"app{i:02d}"),
                tuple(m.db_table for m in models if m.app_label == f"app{i:02d}"),
                tuple(r.pattern for r in routes if r.path.startswith(f"app{i:02d}/")),
                lines=rng.randint(2_000, 20_000), rationale=f"{name} is one cluster.")
        for i, name in enumerate(names))
    tables = tuple(TableUsage(m.db_table, names[int(m.app_label[3:])], m.label,
                              readers=tuple(sorted(rng.sample(names, 3))),
                              writers=(names[int(m.app_label[3:])],)) for m in models)
    violations = tuple(_violation(k, rng, names) for k in range(400))
    return Analysis(
        tool_version="0.1.0", source_root="/synthetic", project_name="synthetic",
        django_version="5.2", settings_module="synthetic.settings", database_engine="postgresql",
        models=tuple(models), routes=tuple(routes), services=service_objs, tables=tables,
        violations=violations,
        interfaces=tuple(Interface(names[k % services], f"app{k % services:02d}.mod002.api{k}",
                                   "function", (names[(k + 3) % services],),
                                   (Location(f"app{(k + 3) % services:02d}/mod004.py", k + 1),))
                         for k in range(200)),
        dependencies=tuple(ServiceDependency(a, b, round(rng.random() * 40, 1), ("call", "fk"))
                           for a in names for b in rng.sample(names, 3) if a != b),
        count_scores=tuple(CountScore(n, rng.random(), rng.random()) for n in range(2, 31)),
        count_reason="20 services maximise the score.",
        metrics=MetricsComparison(_metrics(services, rng), _metrics(10, rng), _metrics(1, rng)),
        plan=tuple(PlanStep(k + 1, name, service_objs[k].routes, service_objs[k].tables,
                            (violations[k].id,), "SMLX"[k % 4] if k % 4 < 3 else "XL",
                            f"{name} next.") for k, name in enumerate(names)),
        warnings=tuple(AnalysisWarning(f"legacy/file{k}.py", k, "syntax error") for k in range(50)),
    )


def _violation(k: int, rng: random.Random, names: list[str]) -> Violation:
    source, target = rng.sample(names, 2)
    kind = KINDS[k % len(KINDS)]
    saga = None
    if kind == "distributed-transaction":
        saga = Saga(f"saga{k}", (SagaStep(source, "write A", "undo A"),
                                 SagaStep(target, "write B", "undo B")))
    return Violation(f"V-{kind}-{k:04d}", kind, f"app{k % 20:02d}/mod{k % 50:03d}.py", 10 + k % 30,
                     source, (target,), f"{source}.thing{k} -> {target}.Other",
                     "Replace with an API call.", saga,
                     tuple(f"    line_{n} = call_{k}()" for n in range(7)), 7 + k % 30)
