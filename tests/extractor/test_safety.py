"""Safe generation: names, paths, unknown services, the manifest, user edits and --force."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import ExtractError
from extractor.extract import extract_service
from extractor.manifest import MANIFEST
from extractor.naming import inside
from tests.extractor.helpers import extract_cli, small, write_analysis


def test_unknown_service_lists_the_valid_ones(tmp_path: Path) -> None:
    proc = extract_cli(write_analysis(small(), tmp_path), "billing", tmp_path / "out")
    assert proc.returncode == 7
    assert "unknown service 'billing'" in proc.stderr and "catalog, orders" in proc.stderr


@pytest.mark.parametrize("name", ["../evil", "/abs", "Catalog", "a/b", "", "x" * 80])
def test_unsafe_service_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ExtractError):
        extract_service(small(), name, tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("relative", ["../x.py", "/etc/passwd", "a/../../x", "."])
def test_paths_outside_out_are_refused(tmp_path: Path, relative: str) -> None:
    with pytest.raises(ExtractError):
        inside(tmp_path, relative)


def test_symlink_escape_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path)
    with pytest.raises(ExtractError):
        inside(tmp_path / "out", "link/x.py")


def test_missing_source_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="--source"):
        extract_service(small(tmp_path / "nowhere"), "catalog", tmp_path)


def test_rerun_keeps_user_edits_reports_them_and_force_overwrites(tmp_path: Path) -> None:
    analysis = write_analysis(small(), tmp_path)
    out = tmp_path / "out"
    first = extract_cli(analysis, "catalog", out)
    assert first.returncode == 0, first.stderr
    files = {p: p.read_bytes() for p in (out / "catalog").rglob("*") if p.is_file()}
    assert (out / "catalog" / MANIFEST).is_file()

    again = extract_cli(analysis, "catalog", out)
    assert " 0 written" in again.stdout and "0 kept" in again.stdout
    assert {p: p.read_bytes() for p in files} == files  # nothing changed

    views = out / "catalog" / "catalog" / "views.py"
    views.write_text(views.read_text() + "\n# my edit\n")
    kept = extract_cli(analysis, "catalog", out)
    assert "kept your edit: catalog/views.py" in kept.stdout
    assert "# my edit" in views.read_text()
    kept_twice = extract_cli(analysis, "catalog", out)
    assert "kept your edit: catalog/views.py" in kept_twice.stdout

    forced = extract_cli(analysis, "catalog", out, "--force")
    assert "overwrote your edit: catalog/views.py" in forced.stdout
    assert views.read_bytes() == files[views]
