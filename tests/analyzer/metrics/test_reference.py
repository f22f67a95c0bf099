"""Reference decompositions: both file shapes, errors that name the key, and MoJoFM by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import ConfigError
from analyzer.metrics.mojofm import mojofm
from analyzer.metrics.reference import (
    load_reference,
    placed_differently,
    reference_partition,
    scores_against,
)
from analyzer.model.analysis import ReferenceDifference


def test_flat_json_maps_labels_and_modules(tmp_path: Path) -> None:
    path = tmp_path / "ref.json"
    path.write_text('{"orders.Order": "sales", "orders": "orders", "catalog.models": "catalog"}')
    reference = load_reference(path)
    models = [("orders.Order", "orders.models"), ("orders.Line", "orders.models"),
              ("catalog.Product", "catalog.models"), ("misc.Thing", "misc.models")]
    assert reference_partition(reference, models) == {
        "catalog.Product": "catalog", "orders.Line": "orders", "orders.Order": "sales",
    }


def test_grouped_toml_with_lists_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "ref.toml"
    path.write_text('[services]\norders = ["orders", "payments"]\n'
                    '[services.catalog]\nmodels = ["catalog.Product"]\nmodules = ["inventory"]\n')
    reference = load_reference(path)
    assert dict(reference.entries) == {"catalog.Product": "catalog", "inventory": "catalog",
                                       "orders": "orders", "payments": "orders"}


def test_sectioned_toml_like_the_sample_reference(tmp_path: Path) -> None:
    path = tmp_path / "reference_decomposition.toml"
    path.write_text('[models]\n"orders.Order" = "orders"\n"reviews.Review" = "catalog"\n'
                    '[tables]\n"stock_levels" = "inventory"\n[notes]\n"common" = "a library"\n'
                    '[split]\n"orders.services" = { cart = "orders" }\n'
                    '[framework_models]\n"auth.User" = "customers"\n')
    assert dict(load_reference(path).entries) == {
        "auth.User": "customers", "orders.Order": "orders", "reviews.Review": "catalog"}


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.json", '{"orders.Order": 3}', "key 'orders.Order': expected a service name"),
        ("bad.toml", "[services]\norders = 5\n", "services.orders: expected a list"),
        ("section.toml", '[models]\n"a.B" = 1\n', "key 'models.a.B': expected a service name"),
        ("dup.toml", '[services]\na = ["x"]\nb = ["x"]\n', "'x' is already in service 'a'"),
        ("broken.json", "{", "not valid JSON"),
        ("empty.toml", "", "names no model or module"),
    ],
)
def test_errors_name_the_file_and_key(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_reference(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_reference(tmp_path / "absent.toml")


def test_mojofm_by_hand() -> None:
    source = {"1": "a", "2": "a", "3": "a", "4": "b", "5": "b"}
    target = {"1": "x", "2": "x", "3": "y", "4": "y", "5": "y"}
    # one move (3 to y), no join; the worst case needs 5 - 2 operations
    assert mojofm(source, target) == pytest.approx(100 * (1 - 1 / 3))
    assert mojofm(target, target) == 100.0
    monolith = dict.fromkeys("1234", "m")
    assert mojofm(monolith, {"1": "x", "2": "x", "3": "y", "4": "y"}) == pytest.approx(0.0)


def test_mojofm_counts_joins() -> None:
    singletons = {str(i): str(i) for i in range(4)}
    target = dict.fromkeys(singletons, "one")
    # three joins; the worst case is 4 - 1
    assert mojofm(singletons, target) == pytest.approx(0.0)
    assert mojofm({"0": "p", "1": "p", "2": "q", "3": "r"}, target) == pytest.approx(100 * (1 - 2 / 3))


def test_scores_against_returns_ari_and_mojofm() -> None:
    partition = {"a": "s", "b": "s", "c": "t", "d": "t"}
    assert scores_against(partition, {"a": "x", "b": "x", "c": "y", "d": "y"}) == (1.0, 100.0)


def test_placed_differently_names_the_models_away_from_most_of_their_reference_group() -> None:
    proposal = {"o.Order": "sales", "o.Line": "sales", "o.Cart": "web", "c.Product": "sales",
                "c.Tag": "catalog", "x.Unplaced": "catalog"}
    reference = {"o.Order": "orders", "o.Line": "orders", "o.Cart": "orders",
                 "c.Product": "catalog", "c.Tag": "catalog"}
    # catalog is a tie (one model in each): the first service by name is the expected one
    assert placed_differently(proposal, reference) == (
        ReferenceDifference("c.Product", "catalog", "catalog", "sales"),
        ReferenceDifference("o.Cart", "orders", "sales", "web"),
    )


def test_placed_differently_is_empty_when_the_grouping_agrees() -> None:
    assert placed_differently({"a.A": "x", "a.B": "x", "b.C": "y"},
                              {"a.A": "1", "a.B": "1", "b.C": "2"}) == ()
