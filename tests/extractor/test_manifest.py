"""extractor.manifest: a re-run removes the files it no longer generates, never a user's edit."""

from __future__ import annotations

from pathlib import Path

from extractor.manifest import write_files


def test_a_file_no_longer_generated_is_removed_unless_edited(tmp_path: Path) -> None:
    write_files(tmp_path, {"pkg/rules.py": b"partial\n", "pkg/edited.py": b"x\n", "keep.py": b"k\n"})
    (tmp_path / "pkg" / "edited.py").write_text("my edit\n")
    report = write_files(tmp_path, {"keep.py": b"k\n"})
    assert report.removed == ("pkg/rules.py",)  # a stale partial copy would shadow the installed module
    assert not (tmp_path / "pkg" / "rules.py").exists()
    assert (tmp_path / "pkg" / "edited.py").read_text() == "my edit\n"
    assert write_files(tmp_path, {"keep.py": b"k\n"}).removed == ()  # the edit stays recorded, kept
    assert (tmp_path / "pkg" / "edited.py").is_file()
