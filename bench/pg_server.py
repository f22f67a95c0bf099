"""A throw-away PostgreSQL server on 127.0.0.1 for the benches: the tests' own helper.

``postgres_server()`` yields ``postgres://demo@127.0.0.1:PORT`` (no database) and stops and removes
the server at the end (:mod:`tests.helpers.postgres`).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.helpers.postgres import pg_bin, postgres_server

__all__ = ["pg_bin", "postgres_server"]
