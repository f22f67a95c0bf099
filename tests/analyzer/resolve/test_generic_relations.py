"""A ``GenericForeignKey`` is a generic relation: its content type FK is the only edge, and no
made-up model (``app.content_type``) becomes a relation target."""

from __future__ import annotations

from pathlib import Path

from analyzer.graph.build import build_graph
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

MODELS = '''
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Note(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
'''


def test_generic_foreign_key_is_no_fk_to_a_made_up_model(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "__init__.py").write_text("")
    (tmp_path / "notes" / "settings.py").write_text('INSTALLED_APPS = ["notes"]\n')
    (tmp_path / "notes" / "models.py").write_text(MODELS)
    facts = extract_project_facts(tmp_path, FactsOptions(use_cache=False))
    note = next(m for m in facts.models if m.label == "notes.Note")
    fields = {f.name: (f.relation, f.target_label, f.column) for f in note.fields}
    assert fields["subject"] == ("generic", None, None)
    assert fields["content_type"] == ("fk", "contenttypes.ContentType", "content_type_id")
    graph = build_graph(facts).graph
    targets = {v for u, v, kind in graph.edges(data="kind") if u == note.qualname and kind == "fk"}
    assert not [t for t in targets if "content_type" in t and "ContentType" not in t]
    assert not any("notes.content_type" in str(n) for n in graph.nodes)
