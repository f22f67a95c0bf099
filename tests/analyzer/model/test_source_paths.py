"""The one rule of test code: test directories, test projects and apps, test files; an app whose
name only starts with ``test`` (kiwitcms's ``testcases``, ``testruns``) is the project's."""

from __future__ import annotations

import pytest

from analyzer.model.source_paths import is_test_path


@pytest.mark.parametrize("path", [
    "misago/core/testproject/urls.py", "shop/test_project/settings.py", "shop/tests_project/urls.py",
    "wagtail/test/testapp/models.py", "site/testsite/urls.py", "shop/tests/test_views.py",
    "shop/testing/urls.py", "shop/tests.py", "shop/orders/test_models.py", "conftest.py",
])
def test_test_code_is_test_code(path: str) -> None:
    assert is_test_path(path)


@pytest.mark.parametrize("path", [
    "tcms/testcases/models.py", "tcms/testruns/urls.py", "tcms/testplans/views.py",
    "misago/users/tests_data.py", "shop/contest/models.py", "reviewboard/diffviewer/testdata.py",
])
def test_the_projects_code_is_not(path: str) -> None:
    assert not is_test_path(path)
