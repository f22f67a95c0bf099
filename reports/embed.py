"""Data embedded in the page, packed: JSON, deflated (zlib), base64. The page unpacks it with the
browser's own ``DecompressionStream("deflate")``; the largest reports shrink about fivefold.

Deterministic: sorted keys, no timestamps in the zlib format.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any


def pack(value: Any) -> str:
    """The base64 text of the deflated, compact, key-sorted JSON of ``value``."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def unpack(text: str) -> Any:
    """The value :func:`pack` packed (for tests and tools)."""
    return json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8"))
