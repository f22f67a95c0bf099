"""A service of an installed monolith that installs django.contrib's admin, sessions and messages.

tests/fixtures/extract_contrib: the service registers the monolith's contrib apps as they are, so
the admin's system checks (admin.E402-E410: sessions, auth and messages middleware and context
processors) ran against the service's own token-based stack and failed its ``check`` (misago, all
13 services), and a moved view calling ``messages.info`` would fail without the message middleware.
An app of the library's own test project (``deskkit/test_utils/project/probeapp``, like
django-cms's ten) is test code, never registered.
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

from extractor.extract import extract_service, load_analysis
from tests.extractor.helpers import DEMONOLITH, ROOT, run

FIXTURE = ROOT / "tests" / "fixtures" / "extract_contrib"


def test_the_contrib_apps_of_the_monolith_get_their_middleware_and_pass_the_check(tmp_path: Path) -> None:
    python = tmp_path / "python"  # an environment where the fixture's deskkit is installed
    python.write_text(f'#!/bin/sh\nPYTHONPATH={FIXTURE} exec {sys.executable} "$@"\n', encoding="utf-8")
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    run([*DEMONOLITH, "analyze", str(FIXTURE), "--out", str(tmp_path / "analysis"), "--no-cache",
         "--no-history"], cwd=ROOT, timeout=240)
    analysis = tmp_path / "analysis" / "analysis.json"
    service = json.loads(analysis.read_text())["table_owner"]["tickets_ticket"]
    result = extract_service(load_analysis(analysis), service, tmp_path / "services", python=str(python))
    assert result.check is not None and result.check.passed, result.check  # check, and the smoke of /tickets/
    settings = (result.root / "service_project" / "settings.py").read_text(encoding="utf-8")
    assert '"django.contrib.admin",' in settings
    middleware = settings.split("MIDDLEWARE = [", 1)[1].split("]", 1)[0]
    assert middleware.index("SessionMiddleware") < middleware.index("AuthenticationMiddleware") \
        < middleware.index("MessageMiddleware") < middleware.index("IdentityMiddleware")
    assert '"django.contrib.messages.context_processors.messages",' in settings
    assert "TicketsConfig" in settings and "TeamsCodeConfig" in settings
    assert "probeapp" not in settings.lower()  # an app of the library's test project is test code
