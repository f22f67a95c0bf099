"""The target's forms of a change's values: a UUID with dashes on PostgreSQL, 32 hex digits in
SQLite's ``char(32)`` (Django's UUIDField), anything else as captured."""

from __future__ import annotations

import json
import uuid

from datasync.model import Change
from datasync.value_forms import TargetTable, dashed, hex32, target_forms

KEY = uuid.UUID(int=0xABC)
SQLITE = {"id": "char(32)", "owner": "char(32)", "code": "char(32)", "n": "integer"}
POSTGRESQL = {"id": "uuid", "owner": "uuid", "code": "character", "n": "integer"}


def test_uuid_columns_take_the_target_engines_form_and_nothing_else_changes() -> None:
    assert target_forms(POSTGRESQL, SQLITE) == {"id": hex32, "owner": hex32}  # char(32) text stays
    assert target_forms(SQLITE, POSTGRESQL) == {"id": dashed, "owner": dashed}
    assert target_forms(POSTGRESQL, POSTGRESQL) == {} and target_forms(SQLITE, SQLITE) == {}


def test_a_change_from_postgresql_is_written_in_sqlites_form() -> None:
    image = {"id": str(KEY), "owner": None, "code": "not-a-uuid", "n": 3}
    change = Change(1, "token", str(KEY), "U", json.dumps(image), 0.0)
    table = TargetTable("id", target_forms(POSTGRESQL, SQLITE))
    assert table.key(change) == KEY.hex
    assert table.image(change) == {"id": KEY.hex, "owner": None, "code": "not-a-uuid", "n": 3}
    back = TargetTable("id", target_forms(SQLITE, POSTGRESQL))
    assert back.key(Change(2, "token", KEY.hex, "D", None, 0.0)) == str(KEY)
    assert back.image(Change(2, "token", KEY.hex, "D", None, 0.0)) == {}
