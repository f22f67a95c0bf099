"""The cache: reused when nothing changed, one file re-read when one changed, --no-cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyzer.project_facts import cache, extraction, pipeline
from analyzer.project_facts.cache import FactsCache
from analyzer.project_facts.facts_json import facts_from_json, facts_to_json
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FIXTURE = Path(__file__).parents[2] / "fixtures" / "tiny_project"


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE, root)
    return root


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    original = extraction.extract_one

    def counting(task: extraction.Task) -> object:
        parsed.append(task.source.path)
        return original(task)

    monkeypatch.setattr(extraction, "extract_one", counting)
    return parsed


def test_second_run_reads_nothing_and_one_change_reads_one_file(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _count_parses(monkeypatch)
    first = extract_project_facts(tree, FactsOptions(jobs=1))
    assert len(parsed) == first.files and (tree / ".demonolith-cache").is_dir()
    parsed.clear()
    assert extract_project_facts(tree, FactsOptions(jobs=1)) == first
    assert parsed == []
    views = tree / "orders" / "views.py"
    views.write_text(views.read_text() + "\n\ndef added(request):\n    return None\n")
    third = extract_project_facts(tree, FactsOptions(jobs=1))
    assert parsed == ["orders/views.py"]
    assert "orders.views.added" in {d.qualname for m in third.modules for d in m.definitions}


def test_no_cache_and_cache_dir(tree: Path, tmp_path: Path) -> None:
    extract_project_facts(tree, FactsOptions(use_cache=False))
    assert not (tree / ".demonolith-cache").exists()
    elsewhere = tmp_path / "cache"
    facts = extract_project_facts(tree, FactsOptions(cache_dir=elsewhere))
    assert sorted(p.name.split("-")[0] for p in elsewhere.iterdir()) == [
        "code", "facts", "project", "resolve"]
    assert len(FactsCache(elsewhere, pipeline.cache_version()).load_files()) == facts.files


def test_a_new_tool_version_ignores_the_old_cache(tree: Path, tmp_path: Path) -> None:
    facts = extract_project_facts(tree, FactsOptions(cache_dir=tmp_path))
    assert FactsCache(tmp_path, "9.9.9").load_files() == {}
    assert FactsCache(tmp_path, pipeline.cache_version()).load_files() != {}
    (next(tmp_path.glob("project-*"))).write_bytes(b"garbage")
    assert extract_project_facts(tree, FactsOptions(cache_dir=tmp_path)) == facts


def test_parallel_and_serial_runs_agree_and_json_round_trips(tree: Path) -> None:
    serial = extract_project_facts(tree, FactsOptions(use_cache=False, jobs=1))
    serial_below = extraction.SERIAL_BELOW
    try:
        extraction.SERIAL_BELOW = 0
        parallel = extract_project_facts(tree, FactsOptions(use_cache=False, jobs=2))
    finally:
        extraction.SERIAL_BELOW = serial_below
    assert facts_to_json(parallel) == facts_to_json(serial)
    assert facts_from_json(facts_to_json(serial)) == serial


def test_unchanged_stamps_skip_reading_and_a_damaged_pack_is_rebuilt(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    monkeypatch.setattr(cache, "RACY_NS", 0)  # the files were just written: trust them at once
    hashed: list[int] = []
    original = cache.content_digest

    def counting(data: bytes) -> str:
        hashed.append(len(data))
        return original(data)

    monkeypatch.setattr(pipeline, "content_digest", counting)
    first = extract_project_facts(tree, FactsOptions(cache_dir=cache_dir, jobs=1))
    assert len(hashed) == first.files
    hashed.clear()
    assert extract_project_facts(tree, FactsOptions(cache_dir=cache_dir, jobs=1)) == first
    assert hashed == []  # every stamp unchanged: nothing read
    views = tree / "orders" / "views.py"
    views.write_text(views.read_text() + "\n# changed\n")
    extract_project_facts(tree, FactsOptions(cache_dir=cache_dir, jobs=1))
    assert len(hashed) == 1
    pack = next(cache_dir.glob("facts-*"))
    pack.write_bytes(pack.read_bytes()[:-200])  # the last entry is torn
    parsed = _count_parses(monkeypatch)
    again = extract_project_facts(tree, FactsOptions(cache_dir=cache_dir, jobs=1))
    assert len(parsed) == 1 and again.files == first.files


def test_a_comment_edited_loads_no_cached_facts_and_starts_no_worker(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = pipeline.extract_keyed_facts(tree, FactsOptions(jobs=2))
    loaded: list[int] = []
    original = pipeline._load_cached

    def counting(*args: object, **kwargs: object) -> object:
        loaded.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    def no_pool(*args: object, **kwargs: object) -> object:
        raise AssertionError("a worker pool started")

    monkeypatch.setattr(pipeline, "_load_cached", counting)
    monkeypatch.setattr(extraction, "ProcessPoolExecutor", no_pool)
    parsed = _count_parses(monkeypatch)
    services = tree / "orders" / "services.py"
    text = services.read_text()
    services.write_text(text.replace("add_line(order.id, 1)", "add_line(order.id, 1)  # one per order"))
    edited = pipeline.extract_keyed_facts(tree, FactsOptions(jobs=2))
    assert parsed == ["orders/services.py"] and loaded == []  # its facts: all the run read
    assert edited.key == first.key and edited.digests != first.digests
    services.write_text(services.read_text() + "\n\ndef more():\n    return 1\n")  # facts change
    changed = pipeline.extract_keyed_facts(tree, FactsOptions(jobs=2))
    assert loaded == [1] and changed.key != first.key
    assert changed.facts == extract_project_facts(tree, FactsOptions(use_cache=False))
