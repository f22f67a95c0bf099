"""demonolith: the command line that wires analyzer, reports, extractor and strangler_proxy."""

from analyzer.version import VERSION

__version__ = VERSION
