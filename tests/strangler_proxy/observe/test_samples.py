"""Samples of promoted routes: bounded per key, taken once, and carried between processes as JSON."""

from __future__ import annotations

import json

import pytest

from strangler_proxy.observe.samples import Samples, merged, samples_from_json, samples_to_json


def test_each_key_keeps_only_its_most_recent_samples() -> None:
    samples = Samples(limit=3)
    for i in range(10):
        samples.record("catalog", "canary", float(i), 0.01 * i, i % 2 == 0)
    samples.record("catalog", "monolith", 1.0, 0.5, False)
    taken = samples.take()
    assert taken[("catalog", "canary")] == [(7.0, 0.07, False), (8.0, 0.08, True),
                                             (9.0, 0.09, False)]
    assert taken[("catalog", "monolith")] == [(1.0, 0.5, False)]
    assert samples.take() == {}  # taken once


def test_samples_survive_the_trip_between_a_worker_and_its_supervisor() -> None:
    one, two = Samples(), Samples()
    one.record("catalog", "canary", 1.0, 0.25, True)
    two.record("catalog", "canary", 2.0, 0.5, False)
    two.record("orders", "monolith", 3.0, 0.125, False)
    trip = [samples_from_json(json.loads(json.dumps(samples_to_json(s.take())))) for s in (one, two)]
    assert merged(trip) == {("catalog", "canary"): [(1.0, 0.25, True), (2.0, 0.5, False)],
                            ("orders", "monolith"): [(3.0, 0.125, False)]}
    with pytest.raises(ValueError):
        samples_from_json([["catalog", "canary", [[1.0]]]])
