"""Circuit breaker state machine (fake clock) and the Prometheus text format."""

from __future__ import annotations

from strangler_proxy.config.model import BreakerConfig
from strangler_proxy.observe.metrics import PrometheusRegistry
from strangler_proxy.policy.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_closed_open_half_open_closed() -> None:
    clock = Clock()
    breaker = CircuitBreaker(BreakerConfig(failures=3, open_seconds=10, half_open_requests=1), clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record(False)
    assert breaker.state == CLOSED
    breaker.record(False)
    assert breaker.state == OPEN and not breaker.allow()
    clock.now = 9.9
    assert not breaker.allow()
    clock.now = 10.0
    assert breaker.state == HALF_OPEN
    assert breaker.allow() and not breaker.allow()  # one trial only
    breaker.record(True)
    assert breaker.state == CLOSED
    assert breaker.transitions == [(CLOSED, OPEN), (OPEN, HALF_OPEN), (HALF_OPEN, CLOSED)]


def test_failed_trial_reopens_and_success_resets_the_count() -> None:
    clock = Clock()
    breaker = CircuitBreaker(BreakerConfig(failures=2, open_seconds=1), clock)
    breaker.record(False)
    breaker.record(True)
    breaker.record(False)
    assert breaker.state == CLOSED
    breaker.record(False)
    assert breaker.state == OPEN
    clock.now = 1.0
    assert breaker.allow()
    breaker.record(False)
    assert breaker.state == OPEN
    clock.now = 1.5
    assert not breaker.allow()


def test_prometheus_rendering() -> None:
    metrics = PrometheusRegistry()
    metrics.requests.inc(("catalog", "svc", "200"))
    metrics.latency.observe(("catalog", "svc"), 0.003)
    metrics.latency.observe(("catalog", "svc"), 100.0)
    metrics.add_gauge("g", "a gauge", ("upstream",), lambda: {("a\"b",): 2.0})
    text = metrics.render()
    assert 'proxy_requests_total{route="catalog",upstream="svc",code="200"} 1' in text
    assert 'proxy_request_duration_seconds_bucket{route="catalog",upstream="svc",le="0.0025"} 0' \
        in text
    assert 'proxy_request_duration_seconds_bucket{route="catalog",upstream="svc",le="0.005"} 1' \
        in text
    assert 'le="+Inf"} 2' in text
    assert 'proxy_request_duration_seconds_count{route="catalog",upstream="svc"} 2' in text
    assert 'g{upstream="a\\"b"} 2' in text
    assert "# TYPE proxy_request_duration_seconds histogram" in text
