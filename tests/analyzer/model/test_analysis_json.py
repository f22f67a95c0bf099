"""The Analysis' JSON form: round trip, determinism and clear errors."""

from __future__ import annotations

import dataclasses
import json

import pytest

from analyzer.errors import AnalysisFileError
from analyzer.model import SCHEMA_VERSION, ReferenceDifference, analysis_from_json, analysis_to_json
from tests.helpers.small_analysis import small_analysis


def test_round_trip_is_lossless() -> None:
    analysis = small_analysis()
    assert analysis_from_json(analysis_to_json(analysis)) == analysis


def test_json_is_deterministic_and_carries_version_and_table_owner() -> None:
    text = analysis_to_json(small_analysis())
    assert text == analysis_to_json(small_analysis())
    document = json.loads(text)
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["table_owner"] == {"catalog_product": "catalog", "orders_order": "orders"}
    assert document["violations"][1]["saga"]["steps"][1]["compensation"] == "restore stock"


def test_reference_differences_round_trip_and_a_version_2_file_reads_without_them() -> None:
    differences = (ReferenceDifference("catalog.Tag", "orders", "orders", "catalog"),)
    analysis = dataclasses.replace(small_analysis(), reference_differences=differences)
    assert analysis_from_json(analysis_to_json(analysis)).reference_differences == differences
    document = json.loads(analysis_to_json(small_analysis()))
    del document["reference_differences"]
    document["schema_version"] = 2
    assert analysis_from_json(json.dumps(document)).reference_differences == ()


def test_other_schema_version_is_refused() -> None:
    document = json.loads(analysis_to_json(small_analysis()))
    document["schema_version"] = 99
    with pytest.raises(AnalysisFileError, match="schema_version 99"):
        analysis_from_json(json.dumps(document), "out/analysis.json")


def test_bad_value_names_the_key() -> None:
    document = json.loads(analysis_to_json(small_analysis()))
    document["services"][0]["models"] = "catalog.Product"
    with pytest.raises(AnalysisFileError, match=r"\$\.services\[0\]\.models: expected a list"):
        analysis_from_json(json.dumps(document))


def test_invalid_json_names_file_and_line() -> None:
    with pytest.raises(AnalysisFileError, match=r"a\.json:2: not valid JSON"):
        analysis_from_json('{\n  "x": ,\n}', "a.json")


def test_lookups() -> None:
    analysis = small_analysis()
    assert analysis.service("orders").tables == ("orders_order",)
    with pytest.raises(KeyError, match="catalog, orders"):
        analysis.service("nope")
    assert [v.id for v in analysis.violations_of("catalog")] == [
        "V-cross-service-fk-0001", "V-distributed-transaction-0002"]
