"""Parity of the service-owned tables: do the monolith's and the service's copies hold the same rows?

Pure functions over rows already read (:mod:`datasync.sides` reads them). Each row is reduced to a
digest of its canonical values; rows fall into buckets by a hash of their primary key, so a missing
or changed row disturbs only its own bucket whatever the order or the count on either side. A
bucket's checksum is the XOR of its rows' digests (order-free, computed while streaming). Only the
buckets whose checksums differ are read a second time, row by row, to name the keys that differ.
Keys written inside the sync window (the relay has not caught up with them yet) are reported apart
and are not drift.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Row = tuple[str, tuple[object, ...]]
"""One row as read: its primary key as text, and its values in the compared columns' order."""


@dataclass(frozen=True)
class TableParity:
    """The comparison of one table: counts, buckets, and the keys that differ, by kind."""

    table: str
    columns: tuple[str, ...]
    monolith_rows: int
    service_rows: int
    buckets: int
    differing_buckets: int
    missing_in_service: tuple[str, ...] = ()
    missing_in_monolith: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    in_window: tuple[str, ...] = ()

    @property
    def drift(self) -> int:
        """How many keys differ outside the sync window."""
        return len(self.missing_in_service) + len(self.missing_in_monolith) + len(self.changed)


def canonical(value: object) -> str:
    """``value`` as text that is the same for the same datum read from SQLite or PostgreSQL
    (Django stores datetimes as text and UUIDs as 32 hex digits in SQLite, as types in PostgreSQL)."""
    if value is None:
        return "\x00null"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(int(value))
    if isinstance(value, decimal.Decimal):
        return canonical(float(value)) if value == value.to_integral_value() else str(value.normalize())
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)


def row_digest(values: tuple[object, ...]) -> int:
    """A 64-bit digest of one row's canonical values."""
    text = "\x1f".join(canonical(value) for value in values)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def bucket_of(key: str, buckets: int) -> int:
    """The bucket of primary key ``key`` among ``buckets`` (the same on both sides)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") % buckets


def bucket_count(rows: int, chunk: int) -> int:
    """How many buckets ``rows`` rows need for about ``chunk`` rows each (at least one)."""
    return max(1, math.ceil(rows / chunk))


def checksums(rows: Iterable[Row], buckets: int) -> list[int]:
    """Each bucket's checksum: the XOR of its rows' digests, keyed and valued."""
    sums = [0] * buckets
    for key, values in rows:
        sums[bucket_of(key, buckets)] ^= row_digest((key, *values))
    return sums


def differing(left: list[int], right: list[int]) -> frozenset[int]:
    """The buckets whose checksums differ."""
    return frozenset(index for index, (a, b) in enumerate(zip(left, right, strict=True)) if a != b)


def digests_in(rows: Iterable[Row], buckets: int, wanted: frozenset[int]) -> dict[str, int]:
    """Key -> row digest, for the rows that fall in the ``wanted`` buckets only."""
    return {key: row_digest((key, *values)) for key, values in rows
            if bucket_of(key, buckets) in wanted}


def compare(table: str, columns: tuple[str, ...], counts: tuple[int, int], buckets: int,
            differing_buckets: int, monolith: Mapping[str, int], service: Mapping[str, int],
            window: frozenset[str]) -> TableParity:
    """The parity of ``table`` from the digests of its differing buckets on both sides; keys in
    ``window`` (written while the relay had not caught up) are set apart."""
    gone = sorted(key for key in monolith.keys() - service.keys())
    extra = sorted(key for key in service.keys() - monolith.keys())
    changed = sorted(key for key in monolith.keys() & service.keys() if monolith[key] != service[key])

    def outside(keys: list[str]) -> tuple[str, ...]:
        return tuple(sorted((key for key in keys if key not in window), key=sort_key))

    return TableParity(
        table=table, columns=columns, monolith_rows=counts[0], service_rows=counts[1],
        buckets=buckets, differing_buckets=differing_buckets,
        missing_in_service=outside(gone), missing_in_monolith=outside(extra),
        changed=outside(changed),
        in_window=tuple(sorted((key for key in (*gone, *extra, *changed) if key in window),
                               key=sort_key)))


def sort_key(key: str) -> tuple[int, int, str]:
    """Keys in numeric order when they are integers, else in text order after them."""
    return (0, int(key), "") if key.lstrip("-").isdigit() else (1, 0, key)


SHOWN_KEYS = 20


def _keys(keys: tuple[str, ...]) -> str:
    shown = ", ".join(keys[:SHOWN_KEYS])
    return shown + (f" and {len(keys) - SHOWN_KEYS} more" if len(keys) > SHOWN_KEYS else "")


def render_text(results: list[TableParity]) -> str:
    """The parity report a person reads: one line per table, the differing keys under it."""
    lines = []
    for result in results:
        verdict = "ok" if result.drift == 0 else f"DRIFT on {result.drift} key(s)"
        lines.append(f"{result.table}: {result.monolith_rows} row(s) on the monolith, "
                     f"{result.service_rows} on the service, {result.differing_buckets} of "
                     f"{result.buckets} bucket(s) differ: {verdict}")
        for label, keys in (("missing on the service", result.missing_in_service),
                            ("missing on the monolith", result.missing_in_monolith),
                            ("changed", result.changed),
                            ("written inside the sync window (not drift)", result.in_window)):
            if keys:
                lines.append(f"  {label}: {_keys(keys)}")
    drifting = [result for result in results if result.drift]
    lines.append(f"parity holds on {len(results) - len(drifting)} of {len(results)} table(s)"
                 + (f"; {sum(r.drift for r in drifting)} key(s) drift" if drifting else ""))
    return "\n".join(lines)


def to_json(results: list[TableParity]) -> dict[str, object]:
    """The parity report as JSON-ready data (sorted by table, every key listed)."""
    return {"version": 1, "holds": all(result.drift == 0 for result in results),
            "tables": [{"table": r.table, "columns": list(r.columns),
                        "monolith_rows": r.monolith_rows, "service_rows": r.service_rows,
                        "buckets": r.buckets, "differing_buckets": r.differing_buckets,
                        "drift": r.drift, "missing_in_service": list(r.missing_in_service),
                        "missing_in_monolith": list(r.missing_in_monolith),
                        "changed": list(r.changed), "in_window": list(r.in_window)}
                       for r in sorted(results, key=lambda r: r.table)]}
