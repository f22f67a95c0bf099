"""Which files of a monolith are test code: one rule for the analyzer and the extractor.

A test-only module (``tests/``, ``test/``, ``testing/``, ``test_utils/``, a test app or project
``test_app/``, ``testapp/``, ``testproject/``, ``tests_project/``, ``testsite/``, ``tests.py``,
``test_*.py``, ``*_tests.py``, ``conftest.py``) is code, never the project's models, routes or apps.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_TEST_DIRECTORIES = frozenset({"tests", "test", "testing", "test_utils", "testutils"})
# a Django project or app made to run the tests: misago/core/testproject (``testcases``,
# ``testruns`` are kiwitcms's own apps, so the bare ``test`` prefix is no rule)
_TEST_PROJECT = re.compile(r"tests?_?(?:project|app|site)s?")
_TEST_FILES = frozenset({"tests.py", "conftest.py", "test.py"})


def is_test_path(path: str) -> bool:
    """Whether ``path`` (relative, POSIX) is a test-only module."""
    pure = PurePosixPath(path)
    return (any(is_test_directory(part) for part in pure.parts[:-1])
            or pure.name in _TEST_FILES or pure.name.startswith("test_")
            or pure.stem.endswith("_tests"))


def is_test_directory(part: str) -> bool:
    """Whether a directory of that name holds test code only."""
    return (part in _TEST_DIRECTORIES or part.startswith("test_") or part.endswith("_tests")
            or (part[:4] == "test" and _TEST_PROJECT.fullmatch(part) is not None))
