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

It also has relations the extraction keeps or stands in for: ``Talk.speakers`` (a many-to-many to
the rooms service's ``Speaker``) and ``Talk.reviewers`` (to ``auth.User``, which stays in the
monolith, though ``auth_user`` exists in the service's database), ``Talk.room`` (an ID, whose
stand-in must still pass ``isinstance(obj, Room)``), ``Feedback.save()`` and ``Talk.room_name()``
following ``self.room.name`` (stubs), the latter called by ``talk_room``, a function the rooms
service calls through ``/_api/``.
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
    proc = subprocess.run([str(python), "manage.py", "shell", "-v", "0", "-c", code], cwd=talks, env=env,
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


@pytest.fixture(scope="module")
def service_env(talks: Path, python: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of ``manage.py`` in the generated service, on a migrated SQLite database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('db') / 'db.sqlite3'}"
    env["DEMONOLITH_SERVICE_TOKEN"] = "scoped-token"
    proc = subprocess.run([str(python), "manage.py", "migrate", "--no-input", "-v0"], cwd=talks, env=env,
                          capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr
    return env


def _shell(talks: Path, python: Path, env: dict[str, str], code: str) -> str:
    proc = subprocess.run([str(python), "manage.py", "shell", "-v", "0", "-c", code], cwd=talks, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def new_talk(slot: int) -> str:
    """Code that creates a talk of its own (``slot``: one per test, so none depends on another)."""
    return ("from confkit.talks.models import Talk\n"
            f"talk = Talk._base_manager.create(code='k{slot}', slug='K{slot}', colour='#fff', room_id=3, "
            f"slot={slot}, contact='k{slot}@example.com')\n")


def test_a_many_to_many_to_another_service_is_kept_unconstrained_with_its_join_table(
        talks: Path, python: Path, service_env: dict[str, str]) -> None:
    """The links are the service's (copied, added, set); the rows they point at are not: reading
    them raises, naming them."""
    models = (talks / "confkit" / "talks" / "models.py").read_text(encoding="utf-8")
    kept = 'models.ManyToManyField("rooms.Speaker", blank=True, related_name="talks", db_constraint=False)'
    assert kept in models
    copied = (talks / "service_project" / "datacopy.py").read_text(encoding="utf-8")
    assert "'talks_talk_speakers'" in copied.split("PLANNED_TABLES", 1)[1].split("\n", 1)[0]
    out = _shell(talks, python, service_env, new_talk(1) + (
        "talk.speakers.add(7, 8)\n"
        "talk.speakers.set([8, 9])\n"
        "print(sorted(talk.speakers.through._base_manager.values_list('speaker_id', flat=True)))\n"
        "try:\n    list(talk.speakers.all())\nexcept NotImplementedError as e:\n    print(e)\n"
        "talk.delete()"))
    assert out.splitlines()[0] == "[8, 9]", out
    assert "talks.Talk.speakers links to rooms.Speaker rows, which 'rooms' owns" in out, out


def test_reading_a_kept_link_to_a_framework_model_raises_though_its_table_is_here(
        talks: Path, python: Path, service_env: dict[str, str]) -> None:
    """``auth_user`` is created in the service's database (contrib auth is registered) but holds
    none of the monolith's users: ``talk.reviewers.all()`` must not answer from it."""
    out = _shell(talks, python, service_env, new_talk(2) + (
        "from django.contrib.auth.models import User\n"
        "user = User.objects.create(username='local')\n"
        "talk.reviewers.add(user)\n"
        "try:\n    print(list(talk.reviewers.all()))\nexcept NotImplementedError as e:\n    print(e)\n"
        "talk.delete(); user.delete()"))
    assert "talks.Talk.reviewers links to auth.User rows, which 'monolith' owns" in out, out
    assert "<User" not in out


def test_the_stand_in_of_another_services_row_is_an_instance_of_its_model(
        talks: Path, python: Path, service_env: dict[str, str]) -> None:
    """pretalx refuses a signal sender that is not ``isinstance(sender, Event)``; the stand-in
    passes, and still knows nothing but its ID."""
    out = _shell(talks, python, service_env, (
        "from confkit.rooms.models import Room\nfrom confkit.talks.models import Talk\n"
        "room = Talk(room_id=3).room\n"
        "print(isinstance(room, Room), type(room).__name__, room.pk, room._meta.label)\n"
        "try:\n    room.name\nexcept NotImplementedError as e:\n    print(e)"))
    lines = out.splitlines()
    assert lines[0] == "True RemoteObject 3 rooms.Room", out
    assert lines[1].startswith("demonolith extract: rooms.Room #3 is owned by service 'rooms'"), out


CALL = ("from django.test import Client\nimport json\n"
        "client = Client(HTTP_AUTHORIZATION='Bearer scoped-token')\n")


def test_an_internal_call_that_reaches_a_stub_answers_501_with_its_reason(
        talks: Path, python: Path, service_env: dict[str, str]) -> None:
    """``talk_room`` is carried; the ``Talk.room_name()`` it calls follows a rewritten relation."""
    out = _shell(talks, python, service_env, new_talk(3) + CALL + (
        "answer = client.post('/_api/functions/confkit.talks.services.talk_room/', {'talk_id': talk.pk},"
        " content_type='application/json')\n"
        "print(answer.status_code, json.dumps(answer.json()))\ntalk.delete()"))
    status, _, body = out.strip().partition(" ")
    assert status == "501", out
    assert "demonolith extract: self.room.name at confkit/talks/models.py" in json.loads(body)["needs"][0]


def test_a_write_whose_save_needs_another_service_answers_501_and_saves_nothing(
        talks: Path, python: Path, service_env: dict[str, str]) -> None:
    """``Feedback.save()`` reads ``self.room.name``: the create endpoint says so, as documented."""
    out = _shell(talks, python, service_env, CALL + (
        "from confkit.talks.models import Feedback\n"
        "answer = client.post('/_api/models/talks/feedback/', {'room_id': 3, 'text': 'x'},"
        " content_type='application/json')\n"
        "print(answer.status_code, Feedback._base_manager.count(), json.dumps(answer.json()))"))
    status, count, body = out.strip().split(" ", 2)
    assert (status, count) == ("501", "0"), out
    assert json.loads(body)["needs"][0].startswith("demonolith extract: self.room.name"), out
    document = json.loads((talks / "openapi.json").read_text(encoding="utf-8"))
    assert "501" in document["paths"]["/_api/models/talks/feedback/"]["post"]["responses"]
