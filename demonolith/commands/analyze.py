"""``demonolith analyze PATH``: read the tree, write its facts (and, next, the proposal)."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

from analyzer.analyze import AnalyzeOptions, KeyedAnalysis, analyze_keyed, load_middle
from analyzer.boundaries.config import load_config
from analyzer.graph.gc_pause import collector_paused
from analyzer.model.analysis import Analysis
from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.cache import DEFAULT_CACHE_DIRNAME
from analyzer.project_facts.facts_json import write_facts
from analyzer.project_facts.pipeline import FactsOptions, extract_keyed_facts
from analyzer.source.discover_config import discover_options
from demonolith.commands.analyze_summary import Outputs, boundary_summary, facts_line, summary_json
from demonolith.errors import SourceTreeError, StrictModeFailure
from demonolith.output import plural, quiet, verbosity
from demonolith.progress import terminal_phases
from reports.current import code_fingerprint, outputs_current, record_outputs, unchanged_files
from reports.paths import ReportPaths
from reports.svg import SvgRenderer, find_cached_renderer, find_renderer

_SHOWN_WARNINGS = 10


@click.command("analyze")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("demonolith-out"), show_default=True, help="Output directory.")
@click.option("--facts-only", is_flag=True, help="Write DIR/facts.json only.")
@click.option("--write-facts", "write_facts_too", is_flag=True,
              help="Also write DIR/facts.json (--facts-only implies it).")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Facts cache directory (default: PATH/.demonolith-cache).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the facts cache.")
@click.option("--strict", is_flag=True, help="Fail (exit 6) when any file produced a warning.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: all cores).")
@click.option("--services", type=click.IntRange(min=1), help="Target service count (default: automatic).")
@click.option("--no-history", is_flag=True, help="Ignore git history (co-change, same-author coupling).")
@click.option("--reference", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="A JSON/TOML mapping of model or module to service to score the proposal against.")
@click.option("--open", "open_report", is_flag=True, help="Open the HTML report in a browser.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: the summary (counts, warnings, services, crossings, files written) as one "
                   "JSON document on stdout.")
@click.pass_context
# One short batch that keeps what it builds (facts, graph, Analysis) to its end: the cyclic
# collector would only traverse them again and again (nautobot after a one-file edit: 15-20 % of
# the run's CPU); the few cycles a run leaves go with the process (peak RSS unchanged).
@collector_paused()
def analyze(ctx: click.Context, path: Path, out_dir: Path, facts_only: bool, write_facts_too: bool,
            cache_dir: Path | None, no_cache: bool, strict: bool, jobs: int | None, services: int | None,
            no_history: bool, reference: Path | None, open_report: bool, fmt: str) -> None:
    """Read the Django monolith at PATH without running it and write what it found."""
    if not path.is_dir():
        raise SourceTreeError(f"{path}: not a directory")
    config = load_config(path)  # the whole configuration is checked before any file is read
    options = FactsOptions(cache_dir=cache_dir, use_cache=not no_cache, jobs=jobs,
                           discover=discover_options(path), require_django=True)
    cache = None if no_cache else cache_dir or path / DEFAULT_CACHE_DIRNAME
    meanwhile = None if facts_only else lambda: _prepare_middle_and_report(cache)
    with terminal_phases(sys.stderr, quiet(ctx)) as phases:
        # its facts are loaded only if needed; what follows them is prepared while workers parse
        keyed = extract_keyed_facts(path, options, phases, meanwhile)
        written = write_facts(keyed.facts, out_dir) if facts_only or write_facts_too else None
        text = fmt == "text" and not quiet(ctx)
        if text:
            _print_summary(keyed.facts, written, verbosity(ctx))
        outputs, analysis = Outputs(facts=written), None
        if not facts_only:
            analyze_options = AnalyzeOptions(services=services, history=not no_history, reference=reference)
            with _pictures_drawn_early(cache) as proposed:
                keyed_analysis = analyze_keyed(path, keyed, analyze_options, config, cache, phases, proposed)
            out_dir.mkdir(parents=True, exist_ok=True)
            if text:
                _print_analysis(keyed_analysis.analysis, out_dir)
            phases.begin("report")
            paths, rendered = _write_report(keyed_analysis, out_dir, quiet(ctx), cache)
            phases.end(f"{plural(len(rendered), 'file')} written" if rendered else "unchanged: not rewritten")
            _print_report(paths, open_report, text)
            analysis = keyed_analysis.analysis if fmt == "json" else None
            outputs = Outputs(written, out_dir / "analysis.json", paths.markdown, paths.index_html)
    if fmt == "json":
        click.echo(summary_json(keyed.facts, analysis, outputs), nl=False)
    if strict and keyed.facts.warnings:
        raise StrictModeFailure(f"{plural(len(keyed.facts.warnings), 'warning')} and --strict was given")


def _prepare_middle_and_report(cache: Path | None) -> None:
    """The middle's imports and the report's compiled templates, ready before they are needed."""
    from reports.writing import prepare_templates

    load_middle()
    if cache is not None:
        prepare_templates(cache)


@contextlib.contextmanager
def _pictures_drawn_early(cache: Path | None) -> Iterator[Callable[[Analysis], object] | None]:
    """What starts drawing the report's pictures into the SVG cache as soon as the services are
    described, in a thread (graphviz runs beside the metrics; the report then finds them drawn);
    on the way out, the drawing is waited for. None without a cache (nowhere to keep them)."""
    renderer = find_cached_renderer(cache / "svg") if cache is not None else None
    if renderer is None:
        yield None
        return
    threads: list[threading.Thread] = []

    def start(analysis: Analysis) -> None:
        thread = threading.Thread(target=_draw_into_cache, args=(analysis, renderer), daemon=True)
        thread.start()
        threads.append(thread)

    try:
        yield start
    finally:
        for thread in threads:
            thread.join()


def _draw_into_cache(analysis: Analysis, renderer: SvgRenderer) -> None:
    """Each picture through ``renderer`` (which keeps it), four ``dot`` processes at a time."""
    from reports.html import picture_dots

    with contextlib.suppress(Exception), ThreadPoolExecutor(max_workers=4) as pool:
        # only saves time: the report draws (and says why not) what is missing itself
        for _ in pool.map(renderer, [dot for _, dot in picture_dots(analysis)]):
            pass


def _print_summary(facts: ProjectFacts, written: Path | None, verbose: int) -> None:
    click.echo(facts_line(facts))
    shown = facts.warnings if verbose else facts.warnings[:_SHOWN_WARNINGS]
    for warning in shown:
        click.echo(str(warning), err=True)
    hidden = len(facts.warnings) - len(shown)
    if facts.warnings:
        more = f" ({hidden} not shown; -v shows all)" if hidden else ""
        click.echo(f"{plural(len(facts.warnings), 'warning')}{more}", err=True)
    if written is not None:
        click.echo(f"facts: {written}")


# --- service boundaries (analysis.json and its summary) --------------------------------------------


def _print_analysis(analysis: Analysis, out_dir: Path) -> None:
    for line in boundary_summary(analysis):
        click.echo(line)
    click.echo(f"analysis: {out_dir / 'analysis.json'}")


def _write_report(keyed: KeyedAnalysis, out_dir: Path, silent: bool,
                  cache: Path | None) -> tuple[ReportPaths, list[Path]]:
    """Write analysis.json and the report unless the outputs are current; the files written
    (pictures and compiled templates cached in ``cache``)."""
    renderer = find_cached_renderer(cache / "svg") if cache is not None else find_renderer()
    key = f"{keyed.key}:{code_fingerprint()}:{renderer is not None}"
    paths = ReportPaths(out_dir / "report" / "index.html", out_dir / "report.md", out_dir / "graph.dot",
                        None, renderer is None)
    if outputs_current(out_dir, key):
        return paths, []
    from reports.writing import write_all  # the renderers: only when something is written

    paths = write_all(keyed.analysis, out_dir, renderer=renderer, cache_dir=cache, analysis_json=True,
                      current=unchanged_files(out_dir))
    record_outputs(out_dir, key, paths.files)
    if paths.graphviz_missing and not silent:
        click.echo("graphviz `dot` not found: the report shows DOT text (apt-get install graphviz)", err=True)
    return paths, list(paths.rewritten)


def _print_report(paths: ReportPaths, open_report: bool, text: bool) -> None:
    if text:
        click.echo(f"summary: {paths.markdown}")
        click.echo(f"report: {paths.index_html}")
    if open_report:
        from reports.writing import open_in_browser

        open_in_browser(paths)
