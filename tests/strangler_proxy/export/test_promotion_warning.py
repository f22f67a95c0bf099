"""The automatic canary is demonolith's proxy's own: every export target says so."""

from __future__ import annotations

import pytest

from strangler_proxy.export import export_routes
from tests.strangler_proxy.export.configs import MINIMAL, config

PROMOTED = MINIMAL.replace("[default]", '[[routes]]\nname = "x"\npath = "/x"\n'
                           "weights = { monolith = 99, catalog = 1 }\n"
                           'promotion = { steps = [1, 50, 100], every = "1m" }\n[default]')


@pytest.mark.parametrize("target", ["nginx", "envoy", "gateway-api"])
def test_every_target_warns_that_promotion_stays_in_the_proxy(target: str) -> None:
    promoted = {(w.feature, w.subject) for w in export_routes(config(PROMOTED), target).warnings}
    plain = {w.feature for w in export_routes(config(MINIMAL), target).warnings}
    assert ("promotion", "route x") in promoted
    assert "promotion" not in plain
