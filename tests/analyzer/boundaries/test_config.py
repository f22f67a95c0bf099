"""[tool.demonolith] / demonolith.toml: parsed when valid, one clear error naming the key otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.boundaries.config import Config, load_config, parse_config, selector_matches
from analyzer.errors import ConfigError
from analyzer.graph.schema import node_attrs
from tests.analyzer.graphs import GraphBuilder


def test_pyproject_table_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.demonolith]\nservices = 4\nkeep_together = [["orders", "payments.Payment"]]\n'
        'keep_apart = [["catalog", "orders"]]\nexclude = ["legacy/*"]\n'
        '[tool.demonolith.pin]\nreporting = "analytics"\n[tool.demonolith.weights]\nfk = 9\n'
        "[tool.demonolith.history]\nenabled = false\n"
    )
    config = load_config(tmp_path)
    assert config.services == 4 and config.pin == (("reporting", "analytics"),)
    assert config.keep_together == (("orders", "payments.Payment"),)
    assert config.weights["fk"] == 9.0 and config.weights["call"] == 1.0
    assert config.history.enabled is False


def test_demonolith_toml_wins_and_defaults_without_files(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config()
    (tmp_path / "pyproject.toml").write_text("[tool.demonolith]\nservices = 4\n")
    (tmp_path / "demonolith.toml").write_text("services = 3\n")
    assert load_config(tmp_path).services == 3


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"servces": 3}, "servces"),
        ({"services": 0}, "services"),
        ({"keep_together": [["only-one"]]}, "keep_together[0]"),
        ({"keep_apart": "orders"}, "keep_apart"),
        ({"pin": {"orders": 3}}, "pin.orders"),
        ({"weights": {"fkk": 1}}, "weights.fkk"),
        ({"weights": {"fk": -1}}, "weights.fk"),
        ({"history": {"max_commits": "many"}}, "history.max_commits"),
        ({"history": {"depth": 3}}, "history.depth"),
    ],
)
def test_invalid_entries_name_their_key(table: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(table)
    assert str(caught.value).startswith(f"[tool.demonolith] {key}:")


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "demonolith.toml").write_text("services = = 3\n")
    with pytest.raises(ConfigError, match=r"demonolith\.toml"):
        load_config(tmp_path)


def test_selectors() -> None:
    attrs = node_attrs(GraphBuilder().model("orders.models.Order").graph)["orders.models.Order"]
    assert (attrs["app"], attrs.get("label"), attrs["module"]) == ("orders", "orders.Order", "orders.models")
    for selector in ("orders", "orders.Order", "orders.models", "orders.models.Order"):
        assert selector_matches(selector, "orders.models.Order", attrs)
    assert not selector_matches("order", "orders.models.Order", attrs)
