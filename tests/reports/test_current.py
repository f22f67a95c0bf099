"""The outputs' stamp: its key covers every file of the reports package (an edited template, style
or script renders the report again, as an edited module does), and it tells which files are still
as they were written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import reports
from reports.current import REPORTS_ROOT, code_fingerprint, record_outputs, unchanged_files

ROOT = Path(__file__).parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny_project"


def test_the_code_fingerprint_moves_with_every_file_of_the_package_but_compiled_code(tmp_path: Path) -> None:
    root = tmp_path / "reports"
    shutil.copytree(REPORTS_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_fingerprint((root,))
    for name in ("static/report.css", "static/report.js", "templates/_overview.j2", "cloud_mapping.toml",
                 "html.py"):
        path = root / name
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        assert code_fingerprint((root,)) != before, name
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert code_fingerprint((root,)) == before
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "html.cpython-311.pyc").write_bytes(b"")
    assert code_fingerprint((root,)) == before


def test_a_file_changed_since_the_stamp_has_no_content_key(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "b.md").write_text("b")
    record_outputs(tmp_path, "k", [("a.md", "key-a"), ("b.md", "key-b")])
    assert unchanged_files(tmp_path) == {"a.md": "key-a", "b.md": "key-b"}
    (tmp_path / "b.md").write_text("bb")
    (tmp_path / "gone.md").unlink(missing_ok=True)
    assert unchanged_files(tmp_path) == {"a.md": "key-a"}


def _analyze(tree: Path, out: Path, cache: Path, reports_from: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(reports_from), str(ROOT)])}
    proc = subprocess.run([sys.executable, "-m", "demonolith", "-q", "analyze", str(tree), "--out", str(out),
                           "--cache-dir", str(cache), "-j", "1", "--no-history"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=out.parent)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_an_edited_style_or_template_renders_the_report_again(tmp_path: Path) -> None:
    overlay = tmp_path / "code"
    shutil.copytree(Path(reports.__file__).parent, overlay / "reports",
                    ignore=shutil.ignore_patterns("__pycache__"))
    tree, out, cache = tmp_path / "tree", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(TINY, tree)
    _analyze(tree, out, cache, overlay)
    page = out / "report" / "index.html"
    assert "demonolith-test-style" not in page.read_text(encoding="utf-8")

    css = overlay / "reports" / "static" / "report.css"
    rule = ".demonolith-test-style { color: red; }"
    css.write_text(css.read_text(encoding="utf-8") + f"\n{rule}\n", encoding="utf-8")
    _analyze(tree, out, cache, overlay)
    assert rule in page.read_text(encoding="utf-8")

    template = overlay / "reports" / "templates" / "_warnings.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("<h1>Warnings</h1>", "<h1>Warned</h1>"),
                        encoding="utf-8")
    _analyze(tree, out, cache, overlay)
    assert "<h1>Warned</h1>" in page.read_text(encoding="utf-8")
