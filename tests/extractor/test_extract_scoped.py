"""A service of a monolith whose apps behave as pretalx's do passes its self-check as generated:
tests/fixtures/extract_scoped.

The fixture (an unpacked wheel, installed for the self-check by a ``--python`` that puts it on
``PYTHONPATH``): ``Talk``'s default manager refuses every query outside a scope (django_scopes), the
talks view module reads phrases that the code-only ``rooms`` app registers in its ``ready()``, the
``common`` app ships its own ``403_csrf.html``, and ``Talk`` has a regex-validated colour, a unique
code, slug and e-mail, a nullable, non-blank start, a unique_together, a JSON field and another
app's foreign key to it. ``extract`` ends with the self-check (check, migrations, a fresh migrate,
the generated tests incl. the API contract and CSRF tests, a live server), so each of those faults
fails the fixture below.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.extract import extract_service, load_analysis
from extractor.self_check import run_self_check
from tests.extractor.helpers import DEMONOLITH, ROOT, run
from tests.extractor.test_datacopy import postgres  # noqa: F401 (the PostgreSQL server fixture)

FIXTURE = ROOT / "tests" / "fixtures" / "extract_scoped"


@pytest.fixture(scope="module")
def python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Python of an environment where the fixture's ``confkit`` is installed."""
    script = tmp_path_factory.mktemp("env") / "python"
    script.write_text(f'#!/bin/sh\nPYTHONPATH={FIXTURE} exec {sys.executable} "$@"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.fixture(scope="module")
def talks(tmp_path_factory: pytest.TempPathFactory, python: Path) -> Path:
    """The generated service owning ``talks_talk`` (extract raised if its self-check failed)."""
    out = tmp_path_factory.mktemp("extract-scoped")
    run([*DEMONOLITH, "analyze", str(FIXTURE), "--out", str(out / "analysis"), "--no-cache", "--no-history"],
        cwd=ROOT, timeout=240)
    analysis = out / "analysis" / "analysis.json"
    owners = json.loads(analysis.read_text())["table_owner"]
    assert owners["talks_talk"] != owners["rooms_room"]
    result = extract_service(load_analysis(analysis), owners["talks_talk"], out / "services",
                             python=str(python))
    assert result.check is not None and result.check.passed, result.check
    return result.root


def test_the_internal_api_reads_through_the_base_manager(talks: Path) -> None:
    api = (talks / "service_project" / "api.py").read_text(encoding="utf-8")
    assert "_default_manager" not in api and "model._base_manager.order_by" in api


def test_a_code_only_apps_ready_imports_run_in_the_service(talks: Path) -> None:
    apps = (talks / "service_project" / "apps.py").read_text(encoding="utf-8")
    assert "from confkit.rooms.phrases import RoomPhrases  # noqa: F401" in apps
    assert "from confkit.talks import phrases" not in apps  # an owned app's: not repeated


def test_the_csrf_test_names_the_refusal_whatever_page_the_project_renders(talks: Path) -> None:
    csrf = (talks / "tests" / "test_csrf.py").read_text(encoding="utf-8")
    assert 'CSRF_FAILURE_VIEW="service_project.testing.csrf_refused"' in csrf


def test_an_own_models_accessor_of_another_services_rows_names_them(talks: Path, python: Path) -> None:
    """``talk.bookings`` would read rooms_booking, a table not in the service's database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    code = ("from confkit.talks.models import Talk\n"
            "try:\n    Talk(pk=1).bookings\nexcept NotImplementedError as e:\n    print(e)")
    proc = subprocess.run([str(python), "manage.py", "shell", "-c", code], cwd=talks, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert ("talks.Talk.bookings reads rooms.Booking rows (by its 'talk'), which another service owns"
            in proc.stdout), proc.stdout


def test_the_self_check_passes_on_postgresql(talks: Path, python: Path, postgres: str,  # noqa: F811
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL too: its ``jsonb`` gives ``Talk.settings``' keys back in another order than
    SQLite, and the data copy's checksums must still agree."""
    monkeypatch.setenv("SELF_CHECK_DATABASE_URL", postgres)
    check = run_self_check(talks, str(python))
    assert check.passed, check.failures
    assert "ok tests" in check.output
