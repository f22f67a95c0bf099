"""Fixtures of the report tests."""

from __future__ import annotations

import pytest

from analyzer.model.analysis import Analysis
from tests.helpers.small_analysis import small_analysis


@pytest.fixture()
def analysis() -> Analysis:
    """The small two-service Analysis of the shop."""
    return small_analysis()
