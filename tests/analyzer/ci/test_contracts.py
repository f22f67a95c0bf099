"""import-linter contracts from an Analysis: built, rendered, and run with the real lint-imports."""

from __future__ import annotations

import configparser
import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from analyzer.ci.contracts import build_contracts, module_imports, render_ini, render_toml
from analyzer.facts import extract_module_facts
from analyzer.model.facts import ModuleFacts
from tests.helpers.small_analysis import small_analysis

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
KNOWN = ("catalog", "catalog.models", "catalog.views", "common", "common.utils",
         "orders", "orders.models", "orders.views")
TREE = {
    "catalog/__init__.py": "",
    "catalog/models.py": "from common.utils import slugify\n\nclass Product:\n    pass\n",
    "catalog/views.py": "from catalog.models import Product\n\ndef product_list():\n    return Product\n",
    "common/__init__.py": "",
    "common/utils.py": "def slugify(text):\n    return text\n",
    "orders/__init__.py": "",
    "orders/models.py": "from catalog.models import Product\n\nclass Order:\n    product = Product\n",
    "orders/views.py": "from .models import Order\n\ndef checkout():\n    return Order\n",
}


def test_one_forbidden_contract_per_service_collapsed_to_packages() -> None:
    imports = [("orders.models", "catalog.models"), ("orders.views", "common.utils"),
               ("catalog.views", "catalog.models")]
    contracts = build_contracts(small_analysis(), KNOWN, imports)
    assert contracts.root_packages == ("catalog", "orders")
    assert contracts.left_out == ("common.utils",)
    catalog, orders = contracts.contracts
    assert (catalog.source_modules, catalog.forbidden_modules, catalog.ignore_imports) == (
        ("catalog",), ("orders",), ())
    assert (orders.source_modules, orders.forbidden_modules, orders.ignore_imports) == (
        ("orders",), ("catalog",), ("orders.models -> catalog.models",))


def test_without_the_tree_modules_stay_as_listed() -> None:
    catalog, orders = build_contracts(small_analysis()).contracts
    assert catalog.source_modules == ("catalog.models", "catalog.views")
    assert orders.forbidden_modules == ("catalog.models", "catalog.views")


def test_a_module_split_between_services_is_left_out_and_blocks_its_package() -> None:
    analysis = small_analysis()
    catalog, orders = analysis.services
    split = replace(analysis, services=(catalog, replace(orders, modules=(*orders.modules, "catalog.views"))))
    contracts = build_contracts(split, KNOWN)
    assert contracts.contracts[0].source_modules == ("catalog.models",)
    assert "catalog.views" in contracts.left_out


def test_renderings_are_deterministic_and_parse() -> None:
    contracts = build_contracts(small_analysis(), KNOWN, [("orders.models", "catalog.models")])
    ini = render_ini(contracts)
    assert ini == render_ini(build_contracts(small_analysis(), reversed(KNOWN),
                                             [("orders.models", "catalog.models")]))
    parser = configparser.ConfigParser()
    parser.read_string(ini)
    section = parser["importlinter:contract:service-orders"]
    assert section["type"] == "forbidden"
    assert section["ignore_imports"].split() == ["orders.models", "->", "catalog.models"]
    document = tomllib.loads(render_toml(contracts))["tool"]["importlinter"]
    assert [c["id"] for c in document["contracts"]] == ["service-catalog", "service-orders"]
    assert document["contracts"][1]["ignore_imports"] == ["orders.models -> catalog.models"]


def write_tree(root: Path) -> list[ModuleFacts]:
    """Write the little shop and return its real facts."""
    facts = []
    for relative, text in sorted(TREE.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        module = relative.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        facts.append(extract_module_facts(text, relative, module, relative.endswith("__init__.py")))
    return facts


def lint(root: Path, config: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--config", config, "--no-cache"], cwd=root,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("config", "render"), [(".importlinter", render_ini),
                                                ("contracts.toml", render_toml)])
def test_lint_imports_passes_today_and_fails_on_a_planted_crossing(
    tmp_path: Path, config: str, render: object
) -> None:
    facts = write_tree(tmp_path)
    contracts = build_contracts(small_analysis(), [f.module for f in facts], module_imports(facts))
    assert callable(render)
    (tmp_path / config).write_text(render(contracts))
    kept = lint(tmp_path, config)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "2 kept, 0 broken" in kept.stdout
    with (tmp_path / "catalog" / "views.py").open("a") as views:
        views.write("\nfrom orders.views import checkout\n")
    broken = lint(tmp_path, config)
    assert broken.returncode != 0
    assert "catalog.views -> orders.views" in broken.stdout
    assert "1 kept, 1 broken" in broken.stdout
