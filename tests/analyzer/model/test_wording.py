"""Counted nouns and agreeing verbs (analyzer.model.wording), singular and plural."""

from __future__ import annotations

import pytest

from analyzer.model.wording import noun, plural, possessive, verb


@pytest.mark.parametrize(("count", "shown"), [(0, "0 transactions span"), (1, "1 transaction spans"),
                                              (3, "3 transactions span")])
def test_a_verb_agrees_with_its_count(count: int, shown: str) -> None:
    assert f"{plural(count, 'transaction')} {verb(count, 'spans', 'span')}" == shown


def test_noun_with_an_irregular_plural() -> None:
    assert (noun(1, "a saga", "sagas"), noun(2, "a saga", "sagas")) == ("a saga", "sagas")


def test_a_name_ending_in_s_takes_the_apostrophe_alone() -> None:
    assert (possessive("orders"), possessive("catalog")) == ("orders'", "catalog's")
