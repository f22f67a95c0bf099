"""The caller's work done while worker processes parse: once, inside the reading phase, after
the workers started (so it may import or start threads), never on a run that parses little."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from analyzer.project_facts.pipeline import MEANWHILE_FROM, FactsOptions, extract_keyed_facts


class _Events:
    """A Phases that writes down the phases, and the caller's work among them."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.phase = ""

    def begin(self, phase: str, total: int = 0, work: int = 0) -> None:
        self.events.append(f"begin {phase}")
        self.phase = phase

    def advance(self, count: int = 1, work: int = 0) -> None:
        pass

    def end(self, outcome: str) -> None:
        self.events.append(f"end {self.phase}")

    def meanwhile(self) -> None:
        workers = len(multiprocessing.active_children())
        self.events.append(f"meanwhile, {workers} workers running")


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """A package of MEANWHILE_FROM + 10 small modules (each a model-free function)."""
    root = tmp_path / "tree"
    package = root / "shop"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    for number in range(MEANWHILE_FROM + 10):
        (package / f"part{number}.py").write_text(
            f"import os\n\n\ndef f{number}(x):\n    return os.path.join(x, '{number}')\n", encoding="utf-8")
    return root


def test_the_work_runs_once_while_two_workers_parse(tree: Path, tmp_path: Path) -> None:
    recorder = _Events()
    options = FactsOptions(cache_dir=tmp_path / "cache", jobs=2)
    keyed = extract_keyed_facts(tree, options, recorder, recorder.meanwhile)
    reading = recorder.events.index("begin reading")
    assert recorder.events[reading:reading + 3] == [
        "begin reading", "meanwhile, 2 workers running", "end reading"]
    without = extract_keyed_facts(tree, FactsOptions(use_cache=False, jobs=2))
    assert keyed.facts == without.facts


def test_no_work_when_the_facts_come_from_the_cache_or_few_files_are_parsed(
        tree: Path, tmp_path: Path) -> None:
    options = FactsOptions(cache_dir=tmp_path / "cache", jobs=2)
    extract_keyed_facts(tree, options)
    recorder = _Events()
    extract_keyed_facts(tree, options, recorder, recorder.meanwhile)  # nothing changed
    edited = tree / "shop" / "part0.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "X = 1\n", encoding="utf-8")
    extract_keyed_facts(tree, options, recorder, recorder.meanwhile)  # one file parsed
    extract_keyed_facts(tree, FactsOptions(use_cache=False, jobs=1), recorder, recorder.meanwhile)
    assert not [event for event in recorder.events if event.startswith("meanwhile")]
