"""The one-sided Mann-Whitney U test against known values (scipy.stats.mannwhitneyu, printed once)."""

from __future__ import annotations

import math

import pytest

from strangler_proxy.policy.mann_whitney import canary_slower


def test_exact_tail_of_three_against_three() -> None:
    # All 3 canary values above all 3 primary ones: 1 arrangement of C(6, 3) = 20.
    test = canary_slower([4, 5, 6], [1, 2, 3])
    assert (test.u, test.method) == (9.0, "exact")
    assert test.p_value == pytest.approx(0.05)
    assert canary_slower([3, 5, 6], [1, 2, 4]).p_value == pytest.approx(0.1)


def test_exact_tail_matches_scipy() -> None:
    canary = [12.1, 14.3, 11.8, 15.2, 13.9, 16.4, 12.7, 14.8]
    primary = [10.2, 11.5, 12.0, 10.9, 11.1, 13.0, 10.4, 11.9, 12.3]
    test = canary_slower(canary, primary)
    assert test.u == 65.0
    assert test.p_value == pytest.approx(0.0018510900863842037, rel=1e-12)


def test_normal_approximation_with_ties_matches_scipy() -> None:
    canary = [1, 2, 2, 3, 3, 3, 4, 5, 5, 6] * 3
    primary = [1, 1, 2, 2, 3, 3, 3, 4, 4, 5] * 3
    test = canary_slower(canary, primary)
    assert (test.u, test.method) == (544.5, "normal")
    assert test.p_value == pytest.approx(0.07750003358211033, rel=1e-9)
    assert canary_slower(primary, canary).p_value == pytest.approx(0.9246720864648676, rel=1e-9)


def test_large_samples_without_ties_use_the_normal_approximation() -> None:
    canary = [i + 0.5 for i in range(40)]
    primary = [float(i) for i in range(40)]
    test = canary_slower(canary, primary)
    assert test.method == "normal"
    assert test.u == 40 * 41 / 2
    z = (test.u - 800 - 0.5) / math.sqrt(40 * 40 * 81 / 12)
    assert test.p_value == pytest.approx(0.5 * math.erfc(z / math.sqrt(2)))


def test_all_values_equal_is_never_significant() -> None:
    assert canary_slower([1.0] * 5, [1.0] * 5).p_value == 1.0


def test_an_empty_sample_is_refused() -> None:
    with pytest.raises(ValueError):
        canary_slower([], [1.0])
