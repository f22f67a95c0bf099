"""A service of a monolith whose apps behave as pretalx's do passes its self-check as generated:
tests/fixtures/extract_scoped.

The fixture (an unpacked wheel, installed for the self-check by a ``--python`` that puts it on
``PYTHONPATH``): ``Talk``'s default manager refuses every query outside a scope (django_scopes), the
talks view module reads phrases that the owned ``talks`` app and the code-only ``rooms`` app
register in their ``ready()``, the ``common`` app ships its own ``403_csrf.html``, and ``Talk`` has a
regex-validated colour, a unique code and a nullable, non-blank start. ``extract`` ends with the
self-check (check, migrations, a fresh migrate, the generated tests incl. the API contract and
CSRF tests, a live server), so each of those faults fails the fixture below.
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from extractor.extract import extract_service, load_analysis
from tests.extractor.helpers import DEMONOLITH, ROOT, run

FIXTURE = ROOT / "tests" / "fixtures" / "extract_scoped"


@pytest.fixture(scope="module")
def talks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated service owning ``talks_talk`` (extract raised if its self-check failed)."""
    out = tmp_path_factory.mktemp("extract-scoped")
    script = out / "python"
    script.write_text(f'#!/bin/sh\nPYTHONPATH={FIXTURE} exec {sys.executable} "$@"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    run([*DEMONOLITH, "analyze", str(FIXTURE), "--out", str(out / "analysis"), "--no-cache", "--no-history"],
        cwd=ROOT, timeout=240)
    analysis = out / "analysis" / "analysis.json"
    owners = json.loads(analysis.read_text())["table_owner"]
    assert owners["talks_talk"] != owners["rooms_room"]
    result = extract_service(load_analysis(analysis), owners["talks_talk"], out / "services",
                             python=str(script))
    assert result.check is not None and result.check.passed, result.check
    return result.root


def test_the_internal_api_reads_through_the_base_manager(talks: Path) -> None:
    api = (talks / "service_project" / "api.py").read_text(encoding="utf-8")
    assert "_default_manager" not in api and "model._base_manager.order_by" in api


def test_the_apps_ready_imports_run_in_the_service(talks: Path) -> None:
    apps = (talks / "service_project" / "apps.py").read_text(encoding="utf-8")
    assert "from confkit.talks import phrases  # noqa: F401" in apps  # the owned app's
    assert "from confkit.rooms.phrases import RoomPhrases  # noqa: F401" in apps  # a code-only app's


def test_the_csrf_test_names_the_refusal_whatever_page_the_project_renders(talks: Path) -> None:
    csrf = (talks / "tests" / "test_csrf.py").read_text(encoding="utf-8")
    assert 'CSRF_FAILURE_VIEW="service_project.testing.csrf_refused"' in csrf
