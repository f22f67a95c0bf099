"""Where a run's outputs went (light to import: a run whose outputs are current renders nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ReportPaths:
    """Where the outputs went; ``service_map_svg`` is None when graphviz could not draw it.
    ``files``: each output file (relative to the output directory) with the key of its bytes;
    ``rewritten``: those of them this run wrote."""

    index_html: Path
    markdown: Path
    dot: Path
    service_map_svg: Path | None
    graphviz_missing: bool
    files: tuple[tuple[str, str], ...] = ()
    rewritten: tuple[Path, ...] = ()
