# Carried from the monolith's common.utils by `demonolith extract`; unused code was left behind.
"""Small helpers used across the shop."""


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
