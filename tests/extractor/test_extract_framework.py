"""A service whose data the monolith's framework keeps a part of, extracted with the real CLI.

tests/fixtures/extract_framework: ``Country`` keyed by a two-letter ``CharField`` (django-oscar's
``address.Country``) and a club whose ``members`` many-to-many to ``auth.User`` is inherited from an
abstract base (oscar's ``AbstractPartner.users``); ``auth.User`` is no model of the analysis and
stays in the monolith. ``extract`` ends with the self-check, whose generated tests fill each table
with rows, list them through ``/_api/`` and copy them, so each fault failed it: generated keys cut
to two characters repeated after nine rows (``UNIQUE constraint failed``), a foreign key to the
country typed ``integer`` in the OpenAPI document (its column holds the code), and the removed
field's join table left in the copy's plan ("1 planned table(s) not copied"). And ``extra =
JSONField(default=dict)`` (misago's ``plugin_data``): its empty default is refused by the field's own
validation, so the generated create through ``/_api/`` answered 400 unless the test gives a value;
``charter``, an empty file, is null in the API (the document said string); ``clubs.services.rename``
takes ``**fields`` (misago's ``sum_acls``): an unknown argument is its argument, so the contract test
refuses the call by leaving out the required one instead.
"""

from __future__ import annotations

import ast
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.extractor.helpers import DEMONOLITH, ROOT, extract_cli, run

FIXTURE = ROOT / "tests" / "fixtures" / "extract_framework"


@pytest.fixture(scope="module")
def clubs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(the generated service, the extract's output); extract exited 0: its self-check passed."""
    out = tmp_path_factory.mktemp("extract-framework")
    run([*DEMONOLITH, "analyze", str(FIXTURE), "--out", str(out / "analysis"), "--no-cache", "--no-history"],
        cwd=ROOT, timeout=240)
    analysis = out / "analysis" / "analysis.json"
    service = json.loads(analysis.read_text())["table_owner"]["clubs_club"]
    proc = extract_cli(analysis, service, out / "services", "--python", sys.executable)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out / "services" / service, proc.stdout + proc.stderr


def test_self_check_passes_with_a_two_letter_primary_key(clubs: tuple[Path, str]) -> None:
    assert "self-check: all steps passed" in clubs[1]


def test_the_join_table_of_a_removed_inherited_many_to_many_is_not_planned(clubs: tuple[Path, str]) -> None:
    root, output = clubs
    copy = (root / "service_project" / "datacopy.py").read_text(encoding="utf-8")
    planned = copy.split("PLANNED_TABLES: tuple[str, ...] = ", 1)[1].split("]", 1)[0]
    assert "'clubs_club'" in planned and "clubs_club_members" not in planned
    assert "clubs_club_members: join table of clubs.Club.members (many-to-many to auth.User" in output
    models = (root / "clubs" / "models.py").read_text(encoding="utf-8")
    assert "members = None" in models  # the inherited field is removed here: its rows stay


def test_sync_captures_the_tables_the_extraction_copies(clubs: tuple[Path, str], tmp_path: Path) -> None:
    """``sync install --analysis --service`` (and so ``sync run`` and ``parity``) takes the tables the
    data copy moves: not the removed many-to-many's join table, which the service's database lacks,
    though the analysis gives the service that table too."""
    root, _ = clubs
    analysis = root.parent.parent / "analysis" / "analysis.json"
    copy = (root / "service_project" / "datacopy.py").read_text(encoding="utf-8")
    planned = ast.literal_eval(copy.split("PLANNED_TABLES: tuple[str, ...] = ", 1)[1].split("\n", 1)[0]
                               .split("  #", 1)[0])
    owned = sorted(t for t, o in json.loads(analysis.read_text())["table_owner"].items() if o == root.name)
    assert "clubs_club_members" in owned and "clubs_club_members" not in planned
    database = tmp_path / "monolith.sqlite3"
    conn = sqlite3.connect(database)
    with conn:
        for table in owned:
            conn.execute(f'CREATE TABLE "{table}" (id integer PRIMARY KEY)')
    conn.close()
    done = run([*DEMONOLITH, "sync", "install", str(database), "--analysis", str(analysis),
                "--service", root.name], cwd=ROOT)
    assert done.stdout.splitlines()[0] == (f"capture installed on {len(planned)} table(s): "
                                           + ", ".join(sorted(planned)))
