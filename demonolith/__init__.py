"""demonolith: the command line that wires analyzer, reports, extractor and strangler_proxy."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("demonolith")
except PackageNotFoundError:  # pragma: no cover - running from a tree that is not installed
    __version__ = "0.0.0+unknown"
