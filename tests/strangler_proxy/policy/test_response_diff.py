"""Structural comparison of primary and shadow answers, ignore rules, noise learning (pure)."""

from __future__ import annotations

import json

from strangler_proxy.policy.response_diff import (
    ComparedResponse,
    NoiseLearner,
    compare,
    is_ignored,
    json_differences,
)


def answer(data: object, status: int = 200) -> ComparedResponse:
    return ComparedResponse(status, (("content-type", "application/json"),), json.dumps(data).encode())


def test_json_compared_structurally_not_textually() -> None:
    primary = ComparedResponse(200, (), b'{"a": 1, "b": [1, 2]}')
    shadow = ComparedResponse(200, (), b'{"b":[1,2],"a":1}')
    assert compare(primary, shadow).matches


def test_differences_are_json_paths() -> None:
    left = {"items": [{"id": 1, "price": 10}], "total": 10, "gone": True}
    right = {"items": [{"id": 1, "price": 11}], "total": 10, "new": 1}
    assert sorted(json_differences(left, right)) == ["$.gone", "$.items[0].price", "$.new"]
    assert list(json_differences([1, 2], [1])) == ["$.length"]
    assert list(json_differences(1, 1.0)) == ["$"]


def test_status_and_selected_headers_compared() -> None:
    diff = compare(answer({"a": 1}, 200), ComparedResponse(404, (("content-type", "text/html"),), b"x"))
    assert "status" in diff.paths and "header:content-type" in diff.paths and "$body" in diff.paths


def test_ignore_rules_by_key_and_path() -> None:
    assert is_ignored("$.meta.updated_at", ["updated_at"])
    assert is_ignored("$.items[3].id", ["$.items[*].id"])
    assert is_ignored("$.meta.trace.span", ["$.meta.trace"])
    assert not is_ignored("$.items[3].price", ["$.items[*].id"])
    primary = answer({"id": 1, "updated_at": "t1", "price": 5})
    shadow = answer({"id": 1, "updated_at": "t2", "price": 5})
    assert compare(primary, shadow, ["updated_at"]).matches


def test_noise_learned_from_two_primary_answers() -> None:
    learner = NoiseLearner()
    first = answer({"now": "10:00:01", "items": [{"token": "a", "price": 1}]})
    second = answer({"now": "10:00:02", "items": [{"token": "b", "price": 1}]})
    learner.learn("r", first, second)
    assert learner.rules("r") == ("$.items[*].token", "$.now")
    shadow = answer({"now": "x", "items": [{"token": "c", "price": 2}]})
    diff = compare(first, shadow, learner.rules("r"))
    assert diff.paths == ("$.items[0].price",)
