"""The ratchet's verdict as text, GitHub annotations and SARIF (pure renderers)."""

from __future__ import annotations

import json

from analyzer.ci.ratchet import Crossing, RatchetResult, compare_crossings
from analyzer.ci.verdict import github_verdict, sarif_verdict, text_verdict, verdict_line

ODD = Crossing("foreign-write", "a,b", ("c",), "x: 100%\nsecond line", "a/odd, name.py", 3)


def test_verdict_plurals() -> None:
    one = Crossing("foreign-write", "a", ("b",), "x", "a/views.py", 3)
    assert verdict_line(RatchetResult(baseline=1, current=1, new=(), fixed=())) == (
        "ok: 1 crossing (baseline 1), none new")
    assert verdict_line(RatchetResult(baseline=0, current=1, new=(one,), fixed=())).startswith(
        "FAILED: 1 new crossing of the proposed boundaries (1 now, baseline 0")


def test_text_lists_each_new_crossing_under_the_prefix_and_counts_by_kind() -> None:
    plain = Crossing("foreign-write", "a", ("b",), "orders_order", "a/views.py", 3)
    text = text_verdict(compare_crossings((), (plain,)), "src")
    assert text.splitlines()[1:] == ["  src/a/views.py:3  foreign-write  orders_order",
                                     "crossings: 1 (foreign-write 1)"]


def test_github_annotations_escape_their_properties_and_message() -> None:
    lines = github_verdict(compare_crossings((), (ODD,)), "src").splitlines()
    assert lines[0] == ("::error title=demonolith check%3A foreign-write,file=src/a/odd%2C name.py,line=3"
                        "::foreign-write: x: 100%25%0Asecond line (from a,b into c)")
    assert lines[1].startswith("FAILED: 1 new crossing")


def test_sarif_names_a_rule_for_a_kind_it_does_not_know() -> None:
    unknown = Crossing("new-kind", "a", ("b",), "x", "a.py", 0)
    log = json.loads(sarif_verdict(compare_crossings((), (unknown,)), ""))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    result = log["runs"][0]["results"][0]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "new-kind"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
