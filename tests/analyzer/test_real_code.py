"""Real code nobody here wrote: django-oscar and wagtail wheels from PyPI, analysed in the suite.

The wheels are fetched once with ``pip download --no-deps`` into ``~/.cache/demonolith-tests``
(``DEMONOLITH_TEST_CACHE`` overrides) and unpacked there; the facts cache lives there too, so
later runs are warm. The counts are compared with what a grep of the same files suggests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from analyzer.model.source_paths import is_test_path
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts
from analyzer.resolve.model_scope import is_migration_path

pytestmark = pytest.mark.slow

CACHE = Path(os.environ.get("DEMONOLITH_TEST_CACHE", Path.home() / ".cache" / "demonolith-tests"))
MODEL_FILE = re.compile(r"(^|/)(models|abstract_models)\.py$|/models/")
CLASS_LINE = re.compile(r"^\s*class \w+\(", re.MULTILINE)
PATH_CALL = re.compile(r"\b(re_)?path\(")


def unpacked(distribution: str, package: str) -> Path:
    """The unpacked wheel of ``distribution`` (downloaded and unzipped once)."""
    target = CACHE / f"{distribution}-unpacked"
    if (target / package).is_dir():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    wheels = sorted(CACHE.glob(f"{distribution.replace('-', '_')}-*.whl"))
    if not wheels:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "-d", str(CACHE), distribution]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            pytest.fail(f"cannot download {distribution} from the package registry: "
                        f"{done.stderr.strip()[-200:]}")
        wheels = sorted(CACHE.glob(f"{distribution.replace('-', '_')}-*.whl"))
    with zipfile.ZipFile(wheels[-1]) as archive:
        archive.extractall(target)
    return target


def grep_counts(root: Path) -> tuple[int, int]:
    """(classes in model files outside tests and migrations, path()/re_path() calls) over the
    tree's Python files."""
    classes = calls = 0
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8", errors="replace")
        calls += len(PATH_CALL.findall(text))
        relative = path.relative_to(root).as_posix()
        if MODEL_FILE.search(relative) and not (is_test_path(relative) or is_migration_path(relative)):
            classes += len(CLASS_LINE.findall(text))
    return classes, calls


@pytest.mark.parametrize(("distribution", "package"), [("django-oscar", "oscar"),
                                                        ("wagtail", "wagtail")])
def test_real_projects_are_read_without_crash_in_plausible_numbers(
    distribution: str, package: str
) -> None:
    root = unpacked(distribution, package) / package
    facts = extract_project_facts(root, FactsOptions(cache_dir=CACHE / f"facts-{distribution}"))
    grep_models, grep_paths = grep_counts(root)
    assert 0.6 * grep_models <= len(facts.models) <= 1.4 * grep_models
    assert 0.7 * grep_paths <= len(facts.routes) <= 1.1 * grep_paths
    assert facts.files > 400 and all(m.path and m.line for m in facts.models)
    assert all(w.path and w.line >= 1 for w in facts.warnings)
    labels = {m.label for m in facts.models}
    relations = [f for m in facts.models for f in m.fields if f.relation]
    # a model of the project, of django.contrib, or the settings' user model (wagtail's test
    # settings name a test app's EmailUser, which is not a model of the project)
    outside = {facts.settings.auth_user_model, "auth.User"}
    resolved = [f for f in relations if f.target_label in labels or f.target_label in outside
                or (f.target_label or "").split(".")[0] in ("auth", "contenttypes", "sites")]
    assert len(resolved) >= 0.7 * len(relations)


def test_oscar_non_model_classes_are_not_models() -> None:
    """Admins, querysets and managers whose bases come from packages that also hold models
    (treebeard.admin.TreeAdmin, MP_NodeQuerySet, auth's BaseUserManager) are not models."""
    root = unpacked("django-oscar", "oscar") / "oscar"
    facts = extract_project_facts(root, FactsOptions(cache_dir=CACHE / "facts-django-oscar"))
    names = {m.name for m in facts.models}
    assert not names & {"CategoryAdmin", "CategoryQuerySet", "CategoryManager", "UserManager"}
    assert not [m.label for m in facts.models
                if m.name.endswith(("Admin", "QuerySet", "Manager", "Form"))]
    labels = {m.label for m in facts.models}
    assert {"catalogue.Category", "catalogue.AbstractCategory", "customer.AbstractUser",
            "catalogue.Product", "offer.BaseOfferMixin"} <= labels
    grep_models, _ = grep_counts(root)
    assert 0.6 * grep_models <= len(facts.models) <= 1.4 * grep_models
