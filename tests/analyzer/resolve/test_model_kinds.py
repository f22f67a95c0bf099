"""Only concrete project models are models, only real tables are tables
(``tests/fixtures/model_kinds``: one case per file, see their docstrings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.analyze import analysis_from_facts
from analyzer.graph.build import build_graph
from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

ROOT = Path(__file__).parents[2] / "fixtures" / "model_kinds"


@pytest.fixture(scope="module")
def facts() -> ProjectFacts:
    return extract_project_facts(ROOT, FactsOptions(use_cache=False))


def test_models_are_the_concrete_project_models(facts: ProjectFacts) -> None:
    # not: core.Toy (tests/), core.TestPlugin (test_utils/), the Invoice stand-in and Scratch
    # (function bodies, one in a migration), api.TypedBody (pydantic BodyModel)
    assert sorted(m.label for m in facts.models if not m.abstract) == [
        "api.Spoke", "core.AliasPlugin", "core.Customer", "core.EntryOwn", "core.Hierarchy",
        "core.HierarchyCopy", "core.HierarchyOwn", "core.Invoice", "core.PaidInvoice", "core.Plugin",
        "core.RecentPaidInvoice", "core.SalesView", "inner.S3Link", "ledger.Entry", "ledger.EntryChild",
        "ledger.EntryCopy"]
    assert sorted(m.label for m in facts.models if m.abstract) == [
        "core.AbstractHierarchy", "core.Owned", "core.Stamped", "inner.Link", "ledger.AbstractEntry"]


def test_star_re_exported_base(facts: ProjectFacts) -> None:
    alias = next(m for m in facts.models if m.label == "core.AliasPlugin")
    assert alias.parents == ("core.Plugin",)


def test_abstract_chain_gives_its_fields_to_the_concrete_model(facts: ProjectFacts) -> None:
    invoice = next(m for m in facts.models if m.label == "core.Invoice")
    fields = {f.name: (f.inherited_from, f.target_label) for f in invoice.fields}
    assert fields == {"total": (None, None), "customer": ("core.Owned", "core.Customer"),
                      "created": ("core.Stamped", None)}
    assert (invoice.parents, invoice.db_table) == ((), "core_invoice")


def test_proxies_map_to_the_concrete_table_and_unmanaged_is_marked(facts: ProjectFacts) -> None:
    models = {m.label: m for m in facts.models}
    assert {label: models[label].db_table for label in ("core.PaidInvoice", "core.RecentPaidInvoice")} \
        == {"core.PaidInvoice": "core_invoice", "core.RecentPaidInvoice": "core_invoice"}
    assert [m.label for m in facts.models if not m.managed and not m.abstract] == [
        "core.Hierarchy", "core.HierarchyCopy", "core.SalesView"]


def test_a_model_takes_the_meta_options_of_its_abstract_base_as_django_does(facts: ProjectFacts) -> None:
    models = {m.label: (m.db_table, m.managed) for m in facts.models}
    assert models["core.Hierarchy"] == ("core_product_hierarchy", False)  # no Meta of its own
    assert models["core.HierarchyCopy"] == ("core_hierarchy_copy", False)  # class Meta(Base.Meta)
    assert models["core.HierarchyOwn"] == ("core_hierarchyown", True)  # a plain Meta: nothing taken


def test_a_model_takes_the_app_label_of_its_abstract_base_as_django_does(facts: ProjectFacts) -> None:
    models = {m.qualname.rpartition(".")[2]: (m.label, m.db_table) for m in facts.models
              if m.path.endswith("labelled.py")}
    assert models == {
        "AbstractEntry": ("ledger.AbstractEntry", ""),
        "Entry": ("ledger.Entry", "ledger_entry"),  # no Meta of its own
        "EntryCopy": ("ledger.EntryCopy", "ledger_entrycopy"),  # class Meta(AbstractEntry.Meta)
        "EntryChild": ("ledger.EntryChild", "ledger_entrychild"),  # through its concrete parent
        "EntryOwn": ("core.EntryOwn", "core_entryown"),  # a plain Meta: the app's label
    }
    child = next(m for m in facts.models if m.label == "ledger.EntryChild")
    assert child.parents == ("ledger.Entry",)


def test_dropped_tables_leave_migration_sql(facts: ProjectFacts) -> None:
    named = {(s.path.rsplit("/", 1)[-1], s.line): (s.tables_read, s.tables_written)
             for s in facts.sql}
    assert named == {
        ("0001_initial.py", 7): ((), ()),  # legacy_log: DROP TABLE later; core_old: DeleteModel later
        ("0001_initial.py", 8): ((), ()),  # the index's table legacy_log is gone
        ("0002_cleanup.py", 8): ((), ()),
        ("0002_cleanup.py", 9): ((), ()),
        ("0003_view.py", 5): (("core_invoice",), ("invoice_totals",)),  # its reverse drop: kept
        ("0003_view.py", 6): ((), ("invoice_totals",)),
    }


def test_abstract_models_are_code_and_their_relations_count_for_subclasses(facts: ProjectFacts) -> None:
    graph = build_graph(facts).graph
    fks = sorted((u, v) for u, v, kind in graph.edges(data="kind") if kind == "fk")
    assert ("core.models.invoice.Invoice", "core.models.invoice.Customer") in fks
    assert not [u for u, _ in fks if u in ("core.base.Owned", "core.base.Stamped")]
    analysis = analysis_from_facts(facts, str(ROOT))
    placed = {m for s in analysis.services for m in s.models}
    assert placed == {m.label for m in analysis.models}
    assert [m.label for m in analysis.abstract_models] == [
        "core.AbstractHierarchy", "core.Owned", "core.Stamped", "inner.Link", "ledger.AbstractEntry"]
    tables = {t.table for t in analysis.tables}
    assert "sales_view" in tables and tables.isdisjoint({"legacy_log", "core_old", "legacy_log_idx"})
