"""extractor.extract: the order in which an extract's failures are named."""

from __future__ import annotations

from extractor.extract import failures_in_order
from extractor.self_check import SelfCheck


def test_a_derive_failure_is_named_before_the_steps_that_fail_on_what_it_did_not_write() -> None:
    """pretix's checkins: makemigrations failed on a value it cannot serialize, after writing one
    app's migration; the self-check then said only 'NodeNotFoundError ... pretixbase 0001_initial'."""
    derive = "`manage.py makemigrations` failed: ValueError: Cannot serialize: <BarcodePlainMediaType>"
    step = "makemigrations --check: NodeNotFoundError: ... ('pretixbase', '0001_initial')"
    checked = SelfCheck((step,), "")
    assert failures_in_order(derive, checked) == (derive, *checked.failures)
    assert failures_in_order("", checked) == checked.failures
    assert failures_in_order(derive, None) == (derive,)
    assert failures_in_order("", SelfCheck((), "")) == ()
