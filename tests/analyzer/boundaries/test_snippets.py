"""The source lines around each violation, and the snippets kept from the last run: a file is
read again exactly when its content digest changed, and the result is what reading gives."""

from __future__ import annotations

from analyzer.boundaries.snippets import attach_snippets, snippets_by_file
from analyzer.model.analysis import Violation


def _violation(path: str, line: int) -> Violation:
    return Violation(f"V-{path}-{line}", "cross-service-call", path, line, "a", ("b",), "s", "r")


class _Tree:
    """Files as lists of lines; records which are read."""

    def __init__(self, files: dict[str, list[str]]) -> None:
        self.files = files
        self.read: list[str] = []

    def __call__(self, path: str) -> list[str] | None:
        self.read.append(path)
        return self.files.get(path)


def test_the_snippet_is_the_lines_around_the_violation_clipped_to_the_file() -> None:
    tree = _Tree({"a.py": [f"a{n}" for n in range(1, 8)]})
    first, last, none, missing = attach_snippets(
        [_violation("a.py", 1), _violation("a.py", 7), _violation("a.py", 0), _violation("b.py", 3)], tree)
    assert (first.snippet_start, first.snippet) == (1, ("a1", "a2", "a3"))
    assert (last.snippet_start, last.snippet) == (5, ("a5", "a6", "a7"))
    assert (none.snippet_start, none.snippet, missing.snippet_start, missing.snippet) == (0, (), 0, ())


def test_kept_snippets_are_used_while_their_file_is_unchanged_and_read_again_when_it_changes() -> None:
    files = {"a.py": [f"a{n}" for n in range(1, 10)], "b.py": [f"b{n}" for n in range(1, 10)]}
    violations = [_violation("a.py", 3), _violation("b.py", 5), _violation("a.py", 8)]
    digests = {"a.py": "da", "b.py": "db"}
    kept = snippets_by_file(attach_snippets(violations, _Tree(files)), digests)

    unchanged = _Tree(files)
    assert attach_snippets(violations, unchanged, kept=kept, digests=digests) == \
        attach_snippets(violations, _Tree(files))
    assert unchanged.read == []

    edited = {**files, "b.py": ["new", *files["b.py"]]}  # a line inserted above b.py's violation
    tree = _Tree(edited)
    again = attach_snippets(violations, tree, kept=kept, digests={**digests, "b.py": "db2"})
    assert tree.read == ["b.py"]
    assert again == attach_snippets(violations, _Tree(edited))
    assert again[1].snippet == ("b2", "b3", "b4", "b5", "b6")

    moved = [_violation("a.py", 4)]  # a line the kept snippets do not hold: read
    tree = _Tree(files)
    assert attach_snippets(moved, tree, kept=kept, digests=digests) == attach_snippets(moved, _Tree(files))
    assert tree.read == ["a.py"]


def test_files_without_a_digest_are_not_kept() -> None:
    tree = _Tree({"a.py": ["x"] * 5})
    violations = attach_snippets([_violation("a.py", 2), _violation("gone.py", 2)], tree)
    assert set(snippets_by_file(violations, {"a.py": "da"})) == {"a.py"}
