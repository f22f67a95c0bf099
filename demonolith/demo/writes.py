"""The shop's writes the demo follows row by row: a till system records each day's sales figures.

``POST /api/reporting/sales/daily/`` stores one day's figures (again for a day replaces them, so a
request answered twice, by the service and then by the fallback, is still one row). Each till
writes days of its own (no two tills touch one day), mostly new days and now and then one it
recorded long enough ago that the relay has carried it to both sides. The :class:`Ledger` keeps
what every answered write said; :func:`lost_and_duplicated` compares it with a database's rows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

TILL_PATH = "/api/reporting/sales/daily/"
TILL_TABLE = "reporting_dailysalessnapshot"
FIRST_DAY = date(1900, 1, 1)  # decades before the seeded shop's days
REWRITE_EVERY = 4  # every 4th write records again a day written ...
REWRITE_DISTANCE = 201  # ... this many writes of the same till earlier (a new day then)


@dataclass(frozen=True)
class DayFigures:
    """One write's body: a day and its figures (as the API answers them)."""

    day: str
    orders: int
    units: int
    gross_revenue: str

    def body(self) -> dict[str, object]:
        """The JSON body of the POST."""
        return {"day": self.day, "orders": self.orders, "units": self.units,
                "gross_revenue": self.gross_revenue, "refunded": "0"}


def till_write(till: int, tills: int, n: int) -> DayFigures:
    """The ``n``-th write of till ``till`` (of ``tills``): a new day, or every 4th an old one again."""
    slot = n - REWRITE_DISTANCE if n % REWRITE_EVERY == 3 and n >= REWRITE_DISTANCE else n
    day = FIRST_DAY + timedelta(days=slot * tills + till)
    return DayFigures(day.isoformat(), n % 50 + 1, n % 97 + 1, f"{n * 7 % 5000}.{n % 100:02d}")


class Ledger:
    """What every write's answer said, per day: the figures last accepted, or unknown."""

    def __init__(self, start: int = 0) -> None:
        """``start``: the index of every till's first write (a later run writes days of its own)."""
        self._lock = threading.Lock()
        self._start = start
        self.accepted: dict[str, DayFigures] = {}
        self.unknown: set[str] = set()  # days whose latest write got no answer or a 5xx
        self.sent = 0
        self._next: dict[int, int] = {}

    def next_write(self, till: int) -> int:
        """The index of till ``till``'s next write (counting on across stages)."""
        with self._lock:
            n = self._next.get(till, self._start)
            self._next[till] = n + 1
            return n

    def record(self, figures: DayFigures, status: int) -> None:
        """Note the answer to one write of ``figures``."""
        with self._lock:
            self.sent += 1
            if status == 200:
                self.accepted[figures.day] = figures
                self.unknown.discard(figures.day)
            elif status == 0 or status >= 500:
                self.unknown.add(figures.day)

    def snapshot(self) -> tuple[dict[str, DayFigures], frozenset[str]]:
        """The accepted figures by day and the uncertain days, as of now."""
        with self._lock:
            return dict(self.accepted), frozenset(self.unknown)


@dataclass(frozen=True)
class RowCheck:
    """The ledger against one database: accepted days missing, doubled or with other figures."""

    side: str
    accepted: int
    lost: tuple[str, ...]
    duplicated: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """No accepted write lost, doubled or changed."""
        return not (self.lost or self.duplicated or self.changed)


def lost_and_duplicated(side: str, accepted: Mapping[str, DayFigures], uncertain: Iterable[str],
                        rows: Iterable[tuple[str, int, int, str]]) -> RowCheck:
    """Compare accepted writes with ``rows`` (day, orders, units, gross revenue) of one side."""
    skip = set(uncertain)
    seen: dict[str, list[tuple[int, int, str]]] = {}
    for day, orders, units, gross in rows:
        seen.setdefault(day, []).append((orders, units, _money(gross)))
    wanted = {day: f for day, f in accepted.items() if day not in skip}
    lost = sorted(day for day in wanted if day not in seen)
    doubled = sorted(day for day, found in seen.items() if len(found) > 1)
    changed = sorted(day for day, f in wanted.items() if day in seen and len(seen[day]) == 1
                     and seen[day][0] != (f.orders, f.units, _money(f.gross_revenue)))
    return RowCheck(side, len(wanted), tuple(lost), tuple(doubled), tuple(changed))


def _money(value: object) -> str:
    return f"{float(str(value)):.2f}"


def till_rows(database: str | Path) -> list[tuple[str, int, int, str]]:
    """The till table's rows in one database (a SQLite path or a postgresql:// URL): (day, orders,
    units, gross revenue)."""
    from datasync.db import open_db

    db = open_db(database)
    try:
        rows = db.execute(f"SELECT day, orders_count, units_sold, gross_revenue FROM {TILL_TABLE}").fetchall()
    finally:
        db.close()
    return [(str(day), int(orders), int(units), str(gross)) for day, orders, units, gross in rows]
