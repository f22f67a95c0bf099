"""The client's TypedDicts are filled even when the generated project does not load."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any, get_type_hints

import pytest

from analyzer.errors import ExtractError
from extractor.extract import extract_service
from extractor.payload_types import static_fields
from extractor.render import python_type
from tests.extractor.helpers import small
from tests.extractor.test_golden import GOLDEN


def test_static_fields_match_what_the_running_service_documents() -> None:
    analysis = small()
    order = analysis.model("orders.Order")
    documented = json.loads((GOLDEN / "orders" / "openapi.json").read_text())["components"]["schemas"]
    expected = sorted((n, python_type(s)) for n, s in documented["orders_Order"]["properties"].items())
    assert static_fields(analysis, order) == expected == [("id", "int"), ("product_id", "int"),
                                                          ("quantity", "int")]


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("client_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_service_that_does_not_load_still_gets_typed_payloads(tmp_path: Path) -> None:
    broken = tmp_path / "python"  # the monolith's environment, without Django
    broken.write_text("#!/bin/sh\necho \"ModuleNotFoundError: No module named 'django'\" >&2\nexit 1\n")
    broken.chmod(0o755)
    with pytest.raises(ExtractError, match="does not load"):
        extract_service(small(), "orders", tmp_path / "out", python=str(broken))
    root = tmp_path / "out" / "orders"
    assert not (root / "openapi.json").exists()
    client = _load(root / "client" / "orders_client.py")
    assert get_type_hints(client.Order) == {"id": int, "product_id": int, "quantity": int}
    assert "the service did not load" in client.Order.__doc__
