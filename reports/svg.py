"""DOT -> SVG through graphviz's ``dot`` program, behind an injectable renderer.

A renderer is any ``Callable[[str], str]`` from DOT text to SVG text; tests pass a fake one and
the report works with none at all (it then shows the DOT text and how to install graphviz).
:func:`inline_svg` turns graphviz's document into a fragment fit to sit inside the HTML page.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

SvgRenderer = Callable[[str], str]

INSTALL_HINT = (
    "Install graphviz to see the pictures (Debian/Ubuntu: sudo apt-get install graphviz; "
    "macOS: brew install graphviz), then run `demonolith report` again."
)
_TIMEOUT_S = 60
_ROOT_TAG = re.compile(r"<svg\b[^>]*>", re.S)
_SIZE = re.compile(r'\s(width|height)="([0-9.]+)pt"')
_GRAPHVIZ_ID = re.compile(r'\bid="((?:graph|node|edge|clust|a_node|a_edge|a_clust)[0-9]+)"')


class RenderError(Exception):
    """``dot`` failed on a graph; the message holds its stderr."""


@dataclass(frozen=True)
class Picture:
    """One graph of the report: its DOT text, and its inline SVG when it could be rendered."""

    dot: str
    svg: str | None = None
    error: str | None = None
    packed: str | None = None  # the SVG as the page embeds a large one (reports.embed.pack)


def graphviz_renderer(executable: str) -> SvgRenderer:
    """Return a renderer that runs ``executable -Tsvg``."""

    def render(dot: str) -> str:
        proc = subprocess.run([executable, "-Tsvg"], input=dot.encode("utf-8"),
                              capture_output=True, timeout=_TIMEOUT_S, check=False)
        if proc.returncode != 0:
            raise RenderError(proc.stderr.decode("utf-8", "replace").strip() or "dot failed")
        return proc.stdout.decode("utf-8")

    return render


def find_renderer() -> SvgRenderer | None:
    """Return the graphviz renderer, or None when ``dot`` is not on the PATH."""
    executable = shutil.which("dot")
    return graphviz_renderer(executable) if executable else None


def cached_renderer(renderer: SvgRenderer, directory: Path, identity: str) -> SvgRenderer:
    """``renderer`` remembering its SVGs in ``directory``, by a hash of ``identity`` (which program
    draws them, and how) and the DOT text: a graph drawn before is not drawn again. A cache that
    cannot be read or written only costs the drawing."""

    def render(dot: str) -> str:
        name = hashlib.blake2b(f"{identity}\0{dot}".encode(), digest_size=16).hexdigest()
        path = directory / f"{name}.svg"
        with contextlib.suppress(OSError, UnicodeDecodeError):
            return path.read_text(encoding="utf-8")
        svg = renderer(dot)
        with contextlib.suppress(OSError):
            directory.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.write_text(svg, encoding="utf-8")
            os.replace(temporary, path)
        return svg

    return render


def find_cached_renderer(directory: Path) -> SvgRenderer | None:
    """:func:`find_renderer`, its SVGs cached in ``directory`` (keyed by the ``dot`` program's path,
    size and modification time, and the DOT text)."""
    executable = shutil.which("dot")
    if not executable:
        return None
    stat = os.stat(executable)
    return cached_renderer(graphviz_renderer(executable), directory,
                           f"{executable}:{stat.st_size}:{stat.st_mtime_ns}")


def inline_svg(svg: str, prefix: str) -> str:
    """Return graphviz's SVG document as an inline fragment.

    Drops the XML prolog and comments, turns the fixed size into a max-width (so pan and zoom
    can scale it), and prefixes graphviz's own ids so several graphs can share one page.
    """
    start = svg.find("<svg")
    if start < 0:
        raise RenderError("the renderer returned no <svg> element")
    body = re.sub(r"<!--.*?-->", "", svg[start:], flags=re.S)
    root = _ROOT_TAG.match(body)
    assert root is not None
    sizes = dict(_SIZE.findall(root.group(0)))
    tag = _SIZE.sub("", root.group(0))
    width = sizes.get("width")
    style = f' style="max-width:{float(width) * 4 / 3:.0f}px"' if width else ""
    tag = tag[:-1] + f' class="graph-svg" role="img"{style}>'
    body = tag + body[root.end():]
    return _GRAPHVIZ_ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', body)


def render_pictures(dots: Sequence[tuple[str, str]], renderer: SvgRenderer | None,
                    workers: int = 4) -> dict[str, Picture]:
    """Render ``(key, dot)`` pairs (in parallel threads); a failed graph keeps its DOT and error."""
    if renderer is None:
        return {key: Picture(dot) for key, dot in dots}

    def one(item: tuple[str, str]) -> tuple[str, Picture]:
        key, dot = item
        try:
            return key, Picture(dot, svg=inline_svg(renderer(dot), prefix=key))
        except (RenderError, OSError, subprocess.TimeoutExpired) as exc:
            return key, Picture(dot, error=str(exc) or type(exc).__name__)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return dict(pool.map(one, dots))
