"""The tool's version, one constant: the distribution's metadata is built from it (pyproject), and
caches key on it without importing ``importlib.metadata`` (slow to import for a warm run)."""

VERSION = "0.1.0"
