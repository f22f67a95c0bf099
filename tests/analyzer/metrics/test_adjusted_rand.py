"""Adjusted Rand index against hand-computed values."""

from __future__ import annotations

import pytest

from analyzer.metrics.adjusted_rand import adjusted_rand_index


def test_identical_relabelled_partitions_score_one() -> None:
    assert adjusted_rand_index({"a": 1, "b": 1, "c": 2}, {"a": "x", "b": "x", "c": "y"}) == 1.0


def test_hand_computed_value() -> None:
    # contingency [[2,1],[0,2]]: index 1+0+0+1=2, rows C(3,2)+C(2,2)=4, cols 1+3=4, C(5,2)=10
    # expected 1.6, max 4 -> ARI (2-1.6)/(4-1.6) = 1/6
    left = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1}
    right = {"a": 0, "b": 0, "c": 1, "d": 1, "e": 1}
    assert adjusted_rand_index(left, right) == pytest.approx(1 / 6)


def test_only_common_items_count() -> None:
    assert adjusted_rand_index({"a": 0, "b": 0, "z": 5}, {"a": 1, "b": 1}) == 1.0
