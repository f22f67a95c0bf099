"""The editable cloud mapping and what each service needs from it."""

from __future__ import annotations

import pytest

from analyzer.errors import ConfigError
from analyzer.model.analysis import Analysis
from reports.cloud import default_cloud_mapping, load_cloud_mapping, service_targets

MINIMAL = """
[gateway]
aws = "gw-a"
azure = "gw-z"
gcp = "gw-g"
[compute]
aws = "c-a"
azure = "c-z"
gcp = "c-g"
[messaging]
aws = "m-a"
azure = "m-z"
gcp = "m-g"
[workflow]
aws = "w-a"
azure = "w-z"
gcp = "w-g"
[database.default]
aws = "db-a"
azure = "db-z"
gcp = "db-g"
"""


def test_the_shipped_mapping_loads_and_knows_the_django_engines() -> None:
    mapping = default_cloud_mapping()
    assert "PostgreSQL" in mapping.database_for("django.db.backends.postgresql").aws
    assert "MySQL" in mapping.database_for("mysql").gcp
    assert mapping.database_for("cockroachdb") == dict(mapping.databases)["default"]


def test_services_get_only_the_parts_they_need(analysis: Analysis) -> None:
    mapping = load_cloud_mapping(MINIMAL)
    stateless = analysis.services[0].__class__(**{**analysis.services[0].__dict__, "name": "edge",
                                                   "tables": (), "routes": ()})
    targets = service_targets(Analysis(**{**analysis.__dict__,
                                          "services": (*analysis.services, stateless)}), mapping)
    by_name = {t.service: t for t in targets}
    assert [t.service for t in targets] == ["catalog", "edge", "orders"]
    assert by_name["orders"].gateway is not None and by_name["orders"].gateway.aws == "gw-a"
    assert by_name["orders"].database is not None and by_name["orders"].database.gcp == "db-g"
    assert by_name["orders"].workflow is not None  # the checkout saga
    assert by_name["edge"].gateway is None and by_name["edge"].database is None
    assert by_name["edge"].messaging is None and by_name["edge"].workflow is None


@pytest.mark.parametrize(("text", "message"), [
    ("[gateway\n", "cloud_mapping.toml:"),
    (MINIMAL.replace('gcp = "c-g"', ""), "[compute]: missing or non-text key(s): gcp"),
    (MINIMAL.replace("[database.default]", "[database.mysql]"), "[database.default] is required"),
])
def test_a_broken_mapping_is_a_config_error_naming_the_section(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(")
                       .replace(")", r"\)")):
        load_cloud_mapping(text)
