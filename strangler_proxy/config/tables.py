"""A typed reader over one TOML table that names the full key in every error it raises."""

from __future__ import annotations

from typing import Any

from strangler_proxy.errors import RoutesError


class Table:
    """Read typed values from a TOML table at ``prefix``; :meth:`finish` rejects unknown keys."""

    def __init__(self, data: dict[str, Any], prefix: str, source: str) -> None:
        self._data = data
        self._prefix = prefix
        self._source = source
        self._read: set[str] = set()

    def key_path(self, key: str) -> str:
        """The dotted path of ``key`` in the file, e.g. ``routes[1].mirror.percent``."""
        if not key:
            return self._prefix or "<top level>"
        return f"{self._prefix}.{key}" if self._prefix else key

    def error(self, key: str, message: str) -> RoutesError:
        """A RoutesError naming the file and ``key``."""
        return RoutesError(f"{self._source}: {self.key_path(key)}: {message}")

    def names(self) -> list[str]:
        """All keys of this table, in file order; each counts as read."""
        self._read.update(self._data)
        return list(self._data)

    def has(self, key: str) -> bool:
        """Whether ``key`` is present."""
        return key in self._data

    def is_string(self, key: str) -> bool:
        """Whether ``key`` is present and holds a string."""
        return isinstance(self._data.get(key), str)

    def finish(self) -> None:
        """Raise for the first key that was never read (a typo or an unsupported option)."""
        for key in self._data:
            if key not in self._read:
                raise self.error(key, "unknown key")

    def _get(self, key: str, kind: type | tuple[type, ...], what: str) -> Any:
        self._read.add(key)
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) and kind is not bool:
            raise self.error(key, f"expected {what}, got {value!r}")
        if not isinstance(value, kind):
            raise self.error(key, f"expected {what}, got {type(value).__name__} {value!r}")
        return value

    def string(self, key: str, default: str | None = None, *, required: bool = False) -> str | None:
        """A string value, ``default`` when absent."""
        value = self._get(key, str, "a string")
        if value is None and required:
            raise self.error(key, "required")
        return default if value is None else str(value)

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        """A string that must be one of ``options``."""
        value = self.string(key, default)
        if value not in options:
            raise self.error(key, f"expected one of {', '.join(options)}, got {value!r}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        """A boolean value."""
        value = self._get(key, bool, "true or false")
        return default if value is None else bool(value)

    def integer(
        self, key: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        """An integer within ``[minimum, maximum]``."""
        value = self._get(key, int, "an integer")
        result = default if value is None else int(value)
        self._check_range(key, result, minimum, maximum)
        return result

    def number(self, key: str, default: float, *, maximum: float | None = None) -> float:
        """A positive number (seconds, percentages)."""
        value = self._get(key, (int, float), "a number")
        result = default if value is None else float(value)
        self._check_range(key, result, 0, maximum)
        return result

    def _check_range(
        self, key: str, value: float, minimum: float | None, maximum: float | None
    ) -> None:
        if minimum is not None and value < minimum:
            raise self.error(key, f"must be >= {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise self.error(key, f"must be <= {maximum}, got {value}")

    def str_list(self, key: str, default: list[str]) -> list[str]:
        """A list of strings."""
        value = self._get(key, list, "a list of strings")
        if value is None:
            return default
        if not all(isinstance(item, str) for item in value):
            raise self.error(key, "expected a list of strings")
        return [str(item) for item in value]

    def int_list(self, key: str, default: list[int]) -> list[int]:
        """A list of integers (status codes)."""
        value = self._get(key, list, "a list of integers")
        if value is None:
            return default
        if not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
            raise self.error(key, "expected a list of integers")
        return [int(item) for item in value]

    def table(self, key: str, *, required: bool = False) -> Table | None:
        """A sub-table, or None when absent."""
        value = self._get(key, dict, "a table")
        if value is None:
            if required:
                raise self.error(key, "required")
            return None
        return Table(value, self.key_path(key), self._source)

    def tables(self, key: str) -> list[Table]:
        """An array of tables (``[[routes]]``)."""
        value = self._get(key, list, "an array of tables")
        if value is None:
            return []
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(f"{key}[{index}]", "expected a table")
            result.append(Table(item, f"{self.key_path(key)}[{index}]", self._source))
        return result
