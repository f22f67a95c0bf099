"""analysis.json joined from its parts is the file :func:`analysis_json_bytes` writes whole."""

from __future__ import annotations

import dataclasses

import pytest

from analyzer.model.analysis import Analysis, analysis_json_bytes
from analyzer.model.analysis_parts import JSON_PARTS, analysis_json_from_parts, analysis_json_part
from tests.helpers.small_analysis import small_analysis


def _variants() -> dict[str, Analysis]:
    base = small_analysis()
    return {"small": base, "empty": dataclasses.replace(base, services=(), tables=(), violations=(),
                                                        warnings=(), metrics=None),
            "multiline": dataclasses.replace(base, count_reason="two\nlines, \"quoted\"\n  indented")}


@pytest.mark.parametrize("name", sorted(_variants()))
def test_analysis_json_joined_from_its_parts_is_the_whole_file(name: str) -> None:
    analysis = _variants()[name]
    parts = [analysis_json_part(analysis, key) for key, _ in JSON_PARTS]
    assert analysis_json_from_parts(parts) == analysis_json_bytes(analysis)


def test_every_key_of_the_file_is_a_part_made_of_fields_of_the_analysis() -> None:
    fields = {f.name for f in dataclasses.fields(Analysis)}
    keys = [key for key, _ in JSON_PARTS]
    assert keys == sorted(keys) and set(keys) == fields | {"table_owner"}
    assert all(set(reads) <= fields for _, reads in JSON_PARTS)
