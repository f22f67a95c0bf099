"""Compare two ``demonolith analyze`` output directories: ``python bench/compare_outputs.py A B``.

Every file byte for byte, but ``report/index.html``, which is compared with each packed blob
(``data-packed-svg``, ``data-packed="deflate-base64"``) replaced by its inflated JSON: the page
is the same when its data is, whatever the deflate stream (its level, zlib's version). Prints one
line per file; exits 1 when any differs or is missing.
"""

from __future__ import annotations

import base64
import re
import sys
import zlib
from pathlib import Path

STAMP = ".demonolith-outputs.json"
_PACKED = re.compile(r'(data-packed-svg="|data-packed="deflate-base64">)([A-Za-z0-9+/=]+)')


def unpacked_page(text: str) -> str:
    """The page with every packed blob inflated in place."""
    return _PACKED.sub(lambda m: m.group(1) + zlib.decompress(base64.b64decode(m.group(2))).decode(), text)


def same(left: Path, right: Path) -> tuple[bool, str]:
    """Whether two outputs are the same, and how they were compared."""
    if not right.is_file():
        return False, "missing"
    a, b = left.read_bytes(), right.read_bytes()
    if a == b:
        return True, "bytes"
    if left.name == "index.html":
        return unpacked_page(a.decode()) == unpacked_page(b.decode()), "unpacked"
    return False, "bytes"


def main() -> None:
    """Compare the directories named on the command line."""
    first, second = (Path(arg) for arg in sys.argv[1:3])
    ok = True
    for path in sorted(p for p in first.rglob("*") if p.is_file() and p.name != STAMP):
        equal, how = same(path, second / path.relative_to(first))
        print(f"{path.relative_to(first)}: {'same' if equal else 'DIFFERENT'} ({how})")
        ok &= equal
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
