"""``demonolith contracts ANALYSIS_JSON``: the proposal as import-linter contracts for CI."""

from __future__ import annotations

from pathlib import Path

import click

from analyzer.ci.contracts import build_contracts, module_imports, read_tree, render_ini, render_toml
from analyzer.model.analysis import analysis_from_json
from demonolith.errors import AnalysisFileError, SourceTreeError, UsageError
from demonolith.output import plural


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnalysisFileError(f"{path}: cannot read: {exc}") from exc


@click.command("contracts")
@click.argument("analysis_json", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the contracts here instead of standard output.")
@click.option("--format", "out_format", type=click.Choice(["ini", "toml"]), default="ini",
              show_default=True, help="`.importlinter` INI, or [tool.importlinter] TOML.")
@click.option("--source", type=click.Path(path_type=Path, file_okay=False),
              help="The analysed tree, if it moved since `analyze` (default: its source_root).")
def contracts(analysis_json: Path, out_file: Path | None, out_format: str, source: Path | None) -> None:
    """Export the proposed boundaries of ANALYSIS_JSON as import-linter contracts.

    One forbidden contract per service; the imports that cross today are ignored, so the
    contracts pass now and fail on new crossings. Run them with `lint-imports`.
    """
    analysis = analysis_from_json(_read(analysis_json), str(analysis_json))
    root = source if source is not None else Path(analysis.source_root)
    if not root.is_dir():
        if source is not None:
            raise SourceTreeError(f"{root}: not a directory")
        raise UsageError(f"{root}: the analysed tree is not here; pass --source PATH")
    facts = read_tree(root)
    contract_set = build_contracts(analysis, [f.module for f in facts], module_imports(facts))
    text = render_ini(contract_set) if out_format == "ini" else render_toml(contract_set)
    if out_file is None:
        click.echo(text, nl=False)
    else:
        out_file.write_text(text, encoding="utf-8")
        click.echo(f"{plural(len(contract_set.contracts), 'contract')}: {out_file}", err=True)
    if contract_set.left_out:
        click.echo(f"in no contract (shared or split): {', '.join(contract_set.left_out)}", err=True)
