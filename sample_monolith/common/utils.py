"""Small helpers used across the shop."""

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import TypeVar

T = TypeVar("T")


def make_reference(prefix: str, number: int, width: int = 7) -> str:
    """A human-readable reference such as ``SO0000042``."""
    return f"{prefix}{number:0{width}d}"


def parse_positive_int(value: str | None, default: int, maximum: int | None = None) -> int:
    """Parse a query-string integer, falling back to ``default`` and capping at ``maximum``."""
    try:
        number = int(value) if value is not None else default
    except ValueError:
        number = default
    number = max(number, 1)
    if maximum is not None:
        number = min(number, maximum)
    return number


def parse_date(value: str | None) -> date | None:
    """Parse ``YYYY-MM-DD`` or return ``None``."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def iso(value: datetime | date | None) -> str | None:
    """ISO-8601 text of a stored timestamp (UTC), or ``None``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield lists of at most ``size`` items."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
