"""The I/O edge of the reports package: write the HTML report, the Markdown summary, the DOT and
(for ``analyze``) analysis.json.

``write_all`` is what ``demonolith analyze`` and ``demonolith report`` call. Everything it writes
is computed by the pure functions of the package; this module only creates files. With a cache
directory each file is made of pieces kept there by the digests of the fields they read
(:mod:`reports.pieces`), and a file whose pieces are those of the copy already written (its
content key, from ``current``) is not written again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from analyzer.model.analysis import Analysis
from analyzer.model.analysis_parts import JSON_FRAME, JSON_PARTS, analysis_json_part
from reports.cloud import CloudMapping, default_cloud_mapping
from reports.current import code_fingerprint
from reports.dot import service_map_dot
from reports.html import Page, compile_templates
from reports.markdown import render_markdown
from reports.page_pieces import MAP_KEY, PAGE, SIDE_PIECES, PagePiece
from reports.paths import ReportPaths
from reports.pieces import Piece, PieceStore, combined, field_digests, piece_key, value_digest
from reports.svg import SvgRenderer, find_renderer

INDEX_HTML, MARKDOWN, DOT, MAP_SVG, ANALYSIS_JSON = (
    "report/index.html", "report.md", "graph.dot", "report/service-map.svg", "analysis.json")


def write_all(
    analysis: Analysis,
    out_dir: Path,
    *,
    renderer: SvgRenderer | Literal["auto"] | None = "auto",
    cloud_mapping: CloudMapping | None = None,
    previous: Analysis | None = None,
    cache_dir: Path | None = None,
    analysis_json: bool = False,
    current: Mapping[str, str] | None = None,
) -> ReportPaths:
    """Write ``out_dir/report/index.html``, ``out_dir/report.md`` and ``out_dir/graph.dot`` (and
    ``out_dir/analysis.json`` with ``analysis_json``).

    ``renderer`` defaults to graphviz's ``dot`` when it is on the PATH; pass None to skip the
    pictures (the report then shows DOT text), or any ``str -> str`` DOT-to-SVG function.
    ``cache_dir`` keeps what only saves time there (the compiled templates, the pieces);
    ``current``: the content key of each file as it is on disk (those with the same key are
    left as they are).
    """
    chosen = find_renderer() if isinstance(renderer, str) else renderer
    mapping = cloud_mapping or default_cloud_mapping()
    use_pieces = cache_dir is not None and previous is None
    store = PieceStore(cache_dir / "pieces" if use_pieces and cache_dir is not None else None)
    salt = f"{code_fingerprint()}:{chosen is not None}:{mapping!r}"
    with Page(analysis, chosen, mapping, previous,
              cache_dir / "templates" if cache_dir is not None else None) as page:
        files = _files(analysis, page, analysis_json)
        keys = _keys(files, analysis, page, salt)
        file_keys = {name: combined(found) for name, found in keys.items()}
        stale = {name: file for name, file in files.items() if (current or {}).get(name) != file_keys[name]}
        for name in set(files) - set(stale):
            store.used.update(keys[name])
        held, rewritten = _write_files(stale, keys, out_dir, page, store)
    store.prune()
    kept = held | (set(files) - set(stale))
    files_out = tuple((name, file_keys[name]) for name in sorted(kept))
    return ReportPaths(out_dir / INDEX_HTML, out_dir / MARKDOWN, out_dir / DOT,
                       out_dir / MAP_SVG if MAP_SVG in kept else None, chosen is None,
                       files_out, tuple(rewritten))


@dataclass(frozen=True)
class _File:
    """One output file: its pieces, the pictures they show, and how their bytes make the file."""

    pieces: tuple[Piece, ...]
    renders: tuple[Callable[[], bytes], ...]
    pictures: tuple[frozenset[str], ...]
    frame: tuple[bytes, bytes, bytes] = (b"", b"", b"")  # before, between and after the pieces
    streamed: bool = False  # written without reading the file first (its key tells its bytes apart)


def _files(analysis: Analysis, page: Page, with_json: bool) -> dict[str, _File]:
    """The output files of ``analysis``, rendered with ``page``."""
    markdown, dot, svg = SIDE_PIECES[MARKDOWN], SIDE_PIECES[DOT], SIDE_PIECES[MAP_SVG]
    files: dict[str, _File] = {}
    if with_json:  # first: its parts are gone before the page's variables are computed
        files[ANALYSIS_JSON] = _File(
            tuple(Piece(f"json:{key}", reads) for key, reads in JSON_PARTS),
            tuple(_json_part(analysis, key) for key, _ in JSON_PARTS),
            tuple(frozenset() for _ in JSON_PARTS), JSON_FRAME, streamed=True)
    files |= {
        INDEX_HTML: _File(tuple(p.piece for p in PAGE), tuple(_page_part(page, p) for p in PAGE),
                          tuple(frozenset(p.pictures) for p in PAGE)),
        MARKDOWN: _File((markdown,), (lambda: render_markdown(analysis).encode(),), (frozenset(),)),
        DOT: _File((dot,), (lambda: service_map_dot(analysis).encode(),), (frozenset(),)),
        MAP_SVG: _File((svg,), (lambda: (page.pictures()[MAP_KEY].svg or "").encode(),),
                       (frozenset({MAP_KEY}),)),
    }
    return files


def _keys(files: Mapping[str, _File], analysis: Analysis, page: Page, salt: str) -> dict[str, list[str]]:
    """The key of each piece of each file."""
    digests = field_digests(analysis)
    values = {name: value_digest(page.data.value(name)) for p in PAGE for name in p.piece.values}
    return {name: [piece_key(p, digests, salt, values) for p in file.pieces] for name, file in files.items()}


def _page_part(page: Page, piece: PagePiece) -> Callable[[], bytes]:
    return lambda: page.render(piece).encode()


def _json_part(analysis: Analysis, key: str) -> Callable[[], bytes]:
    return lambda: analysis_json_part(analysis, key)


def _write_files(files: Mapping[str, _File], keys: Mapping[str, list[str]], out_dir: Path,
                 page: Page, store: PieceStore) -> tuple[set[str], list[Path]]:
    """Write each file of ``files`` from its pieces (kept ones read from ``store``), the pictures
    the pieces to render show drawn meanwhile; the names of the files that hold their bytes now
    and those written (a file holding them already is not)."""
    pictures = {picture for name, file in files.items()
                for key, shown in zip(keys[name], file.pictures, strict=True)
                if not store.has(key) for picture in shown}
    page.draw(pictures)
    held: set[str] = set()
    written: list[Path] = []
    for name, file in files.items():
        parts = (store.get(key, render) for key, render in zip(keys[name], file.renders, strict=True))
        if file.streamed:  # each part dropped once written: the largest file is never whole in memory
            _stream(out_dir / name, _segments(file.frame, parts))
            held.add(name)
            written.append(out_dir / name)
            continue
        segments = list(_segments(file.frame, parts))
        if not sum(map(len, segments)):  # no picture drawn: no service-map.svg
            continue
        held.add(name)
        if not _holds(out_dir / name, segments):
            _stream(out_dir / name, segments)
            written.append(out_dir / name)
    return held, written


def _segments(frame: tuple[bytes, bytes, bytes], parts: Iterable[bytes]) -> Iterator[bytes]:
    """The bytes of a file in order: its frame around its parts, never joined in one copy."""
    before, between, after = frame
    yield before
    for number, part in enumerate(parts):
        if number:
            yield between
        yield part
    yield after


def _holds(path: Path, segments: list[bytes]) -> bool:
    """Whether ``path`` holds the bytes of ``segments`` already (read a segment at a time)."""
    try:
        if path.stat().st_size != sum(map(len, segments)):
            return False
        with path.open("rb") as stream:
            return all(stream.read(len(segment)) == segment for segment in segments)
    except OSError:
        return False


def _stream(path: Path, segments: Iterable[bytes]) -> None:
    """Write ``segments`` to ``path`` one after the other."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        stream.writelines(segments)


def prepare_templates(cache_dir: Path) -> None:
    """Compile the templates into the cache :func:`write_all` reads with ``cache_dir`` (a caller
    can do it while it waits for something else)."""
    compile_templates(cache_dir / "templates")


def open_in_browser(paths: ReportPaths) -> bool:
    """Open the report's index.html in the default browser; return False when none could start."""
    import webbrowser

    return webbrowser.open(paths.index_html.resolve().as_uri())
