"""The data copy against a small fixture database shaped like the monolith's tables.

A plain unittest.TestCase: Django's test cases forbid the extra ``monolith`` connection this test
opens. ``databases`` still tells the runner to set up the test database for ``default``.
"""

import json
import shutil
import tempfile
import unittest
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from service_project import datacopy
from service_project.testing import make_instance


class DataCopyTests(unittest.TestCase):
    databases = {"default"}

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="datacopy-"))
        self.source = self.tmp / "monolith.sqlite3"
        self.state = self.tmp / "state.json"
        datacopy.register_source(str(self.source))
        models = datacopy.copy_models()
        shared = sorted({f.related_model for m in models for f in m._meta.concrete_fields  # ContentType
                         if f.is_relation and f.related_model not in models}, key=lambda m: m._meta.label)
        with connections[datacopy.SOURCE_ALIAS].schema_editor() as editor:
            for model in [*shared, *models]:
                if not model._meta.auto_created:
                    editor.create_model(model)
        for model in models:
            if not model._meta.auto_created:
                for _ in range(3):
                    make_instance(model, using=datacopy.SOURCE_ALIAS)
        self.created = {m._meta.db_table: m._base_manager.using(datacopy.SOURCE_ALIAS).count()
                        for m in models}

    def tearDown(self) -> None:
        for model in reversed(datacopy.copy_models()):
            model._base_manager.using("default").all().delete()
        connections[datacopy.SOURCE_ALIAS].close()
        del connections[datacopy.SOURCE_ALIAS]
        del connections.databases[datacopy.SOURCE_ALIAS]
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _copy(self, *extra: str) -> str:
        out = StringIO()
        call_command("copy_from_monolith", str(self.source), "--batch-size", "2", "--state",
                     str(self.state), *extra, stdout=out)
        return out.getvalue()

    def _counts(self) -> dict[str, int]:
        return {m._meta.db_table: m._base_manager.using("default").count() for m in datacopy.copy_models()}

    def test_copy_matches_counts_and_checksums(self) -> None:
        output = self._copy()
        self.assertIn("verified", output)
        self.assertEqual(self._counts(), self.created)

    def test_copy_is_idempotent_and_resumes(self) -> None:
        self._copy()
        progress = json.loads(self.state.read_text())
        self.assertEqual(set(progress), {t for t, n in self.created.items() if n})
        self._copy()
        self.assertEqual(self._counts(), self.created)
        self._copy("--restart")
        self.assertEqual(self._counts(), self.created)

    def test_a_difference_is_reported(self) -> None:
        self._copy()
        concrete = [m for m in datacopy.copy_models() if not m._meta.auto_created]
        if not concrete:
            self.skipTest("this service owns no tables")
        make_instance(concrete[0], using="default")
        with self.assertRaises(CommandError):
            self._copy()
