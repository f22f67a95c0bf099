"""Build a hand-made Analysis of the sample monolith by asking Django itself (a stand-in until the
analyzer writes analysis.json). Run as a script with the sample monolith as working directory:

    python tests/extractor/introspect_sample.py SAMPLE_DIR OUT.json

Services come from sample_monolith/reference_decomposition.toml.
"""

from __future__ import annotations

import inspect
import os
import sys
import tomllib
from pathlib import Path


def _routes(patterns, prefix=""):
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            for pattern, view, name in _routes(entry.url_patterns, text):
                yield pattern, view, f"{namespace}:{name}" if namespace and name and ":" not in name else name
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            view_class = getattr(callback, "view_class", None)
            target = view_class or inspect.unwrap(callback)
            yield text, f"{target.__module__}.{target.__qualname__}", entry.name


def main(sample: Path, out: Path) -> None:
    sys.path[:0] = [str(sample), str(Path(__file__).resolve().parents[2])]
    os.environ["DJANGO_SETTINGS_MODULE"] = "shop.settings"
    import django
    from django.apps import apps

    django.setup()
    from django.urls import get_resolver

    from analyzer.model.analysis import (
        Analysis,
        FieldInfo,
        Interface,
        ModelInfo,
        RouteInfo,
        Saga,
        SagaStep,
        Service,
        SharedCandidate,
        TableUsage,
        Violation,
        analysis_to_json,
    )

    reference = tomllib.loads((sample / "reference_decomposition.toml").read_text())
    placement: dict[str, str] = dict(reference["models"])
    models = []
    for model in apps.get_models():
        label = model._meta.label
        if label not in placement:
            continue
        lines, start = inspect.getsourcelines(model)
        path = Path(inspect.getsourcefile(model)).resolve().relative_to(sample).as_posix()
        fields = []
        for field in model._meta.local_fields + model._meta.local_many_to_many:
            relation = None
            if field.is_relation:
                relation = "m2m" if field.many_to_many else "o2o" if field.one_to_one else "fk"
            target = field.related_model._meta.label if field.is_relation else None
            fields.append(FieldInfo(field.name, type(field).__name__, start, relation, target,
                                    column=getattr(field, "column", None)))
        models.append(ModelInfo(label, model._meta.app_label, model.__name__, model.__module__,
                                model._meta.db_table, path, start, start + len(lines) - 1,
                                tuple(fields), ("django.db.models.Model",)))
    models.append(ModelInfo("common.TimeStampedModel", "common", "TimeStampedModel", "common.models",
                            "", "common/models.py", 7, 15, abstract=True))
    routes = [RouteInfo("/" + p, v, v.rsplit(".", 1)[0].replace(".", "/") + ".py", 1, name=n)
              for p, v, n in _routes(get_resolver().url_patterns)
              if not p.startswith("admin/") and v.split(".")[0] in {m.split(".")[0] for m in placement}]
    services_by_app: dict[str, str] = {}
    for label, service in sorted(placement.items()):
        services_by_app.setdefault(label.split(".")[0], service)
    services = []
    for name in sorted(set(placement.values())):
        labels = tuple(sorted(m for m, s in placement.items() if s == name))
        mine = [r for r in routes if services_by_app.get(r.view.split(".")[0]) == name]
        tables = tuple(sorted(m.db_table for m in models if m.label in labels))
        owned = {f"{m.module}.{m.name}" for m in models if m.label in labels}
        units = tuple(sorted({r.view for r in mine} | owned))
        services.append(Service(name, tuple(sorted({label.split(".")[0] for label in labels})),
                                (), units, labels, tables, tuple(sorted(r.pattern for r in mine))))
    usages = [TableUsage(m.db_table, placement[m.label], m.label) for m in models if m.label in placement]
    usages.append(TableUsage("auth_user", "customers", "auth.User"))
    tables = tuple(sorted(usages, key=lambda t: t.table))
    interfaces = (
        Interface("catalog", "catalog.models.Product", "model", ("orders", "inventory")),
        Interface("inventory", "inventory.services.available_quantity", "function", ("catalog",)),
        Interface("inventory", "inventory.services.low_stock_items", "function", ("reporting",)),
    )
    saga = Saga("checkout", (SagaStep("orders", "create Order and OrderLines", "cancel the Order"),
                             SagaStep("inventory", "allocate stock", "release stock"),
                             SagaStep("payments", "capture payment", "refund payment")))
    violations = (Violation("V-distributed-transaction-0001", "distributed-transaction",
                            "orders/services.py", 1, "orders", ("inventory", "payments"),
                            "orders.services.checkout writes orders, stock_levels, payments",
                            "Replace the atomic block with a saga.", saga=saga),)
    analysis = Analysis("0.1.0", str(sample), "shop", django.get_version().rsplit(".", 1)[0],
                        "shop.settings", "sqlite3", tuple(sorted(models, key=lambda m: m.label)),
                        tuple(sorted(routes, key=lambda r: r.pattern)), tuple(services), tables,
                        violations, interfaces,
                        shared=(SharedCandidate("common.http", ("catalog",), "shared"),
                                SharedCandidate("common.utils", ("catalog",), "shared"),
                                SharedCandidate("common.money", ("catalog",), "shared")))
    out.write_text(analysis_to_json(analysis))


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]))
