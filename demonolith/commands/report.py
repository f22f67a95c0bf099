"""``demonolith report ANALYSIS_JSON --out DIR``: re-render the report from analysis.json alone."""

from __future__ import annotations

from pathlib import Path

import click

from analyzer.graph.gc_pause import collector_paused
from analyzer.model.analysis import analysis_from_json
from demonolith.errors import AnalysisFileError, ConfigError
from reports.cloud import load_cloud_mapping
from reports.writing import open_in_browser, write_all


def _read(path: Path, error: type[AnalysisFileError | ConfigError]) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from exc


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AnalysisFileError(f"{path}: cannot read: {exc}") from exc


@click.command("report")
@click.argument("analysis_json", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Directory for report/index.html, report.md and graph.dot.")
@click.option("--cloud-mapping", type=click.Path(path_type=Path, dir_okay=False),
              help="Your copy of reports/cloud_mapping.toml for the target-architecture page.")
@click.option("--compare", "compare_json", type=click.Path(path_type=Path, dir_okay=False),
              help="An earlier analysis.json: the overview shows what moved between the runs.")
@click.option("--open", "open_browser", is_flag=True, help="Open the report in the browser.")
@collector_paused()  # as in analyze: the analysis is acyclic and long-lived
def report(analysis_json: Path, out_dir: Path, cloud_mapping: Path | None, compare_json: Path | None,
           open_browser: bool) -> None:
    """Write the HTML report, the Markdown summary and the DOT graph of ANALYSIS_JSON."""
    analysis = analysis_from_json(_read_bytes(analysis_json), str(analysis_json))
    previous = (analysis_from_json(_read_bytes(compare_json), str(compare_json))
                if compare_json else None)
    mapping = (load_cloud_mapping(_read(cloud_mapping, ConfigError), str(cloud_mapping))
               if cloud_mapping else None)
    paths = write_all(analysis, out_dir, cloud_mapping=mapping, previous=previous)
    if paths.graphviz_missing:
        click.echo("graphviz `dot` not found: the report shows DOT text instead of pictures "
                   "(install it: sudo apt-get install graphviz).", err=True)
    click.echo(f"summary: {paths.markdown}")
    click.echo(f"report:  {paths.index_html}")
    if open_browser and not open_in_browser(paths):
        click.echo("could not start a browser; open the path above.", err=True)
