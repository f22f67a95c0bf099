"""The self-check every extract ends with: the generated ``manage.py self_check``, run on disk.

The same command a user runs (``python manage.py self_check``), so the two cannot disagree, and it
reads the files as they are on disk after writing, user edits included. It runs with the Python of
the monolith's environment (``--python``), where the monolith's own dependencies are installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analyzer.model.facts import route_regex

SELF_CHECK_TIMEOUT = 1800
_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
SAMPLE_VALUES = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001", "path": "x", "slug": "x",
                 "str": "x"}


@dataclass(frozen=True)
class SelfCheck:
    """What the self-check said: ``failures`` (one line each, naming the cause) and its whole output."""

    failures: tuple[str, ...]
    output: str

    @property
    def passed(self) -> bool:
        """Whether every step passed."""
        return not self.failures


# a named group of one class or escape repeated (``(?P<slug>[-\\w]+)``), and values tried for it
_REGEX_GROUP = re.compile(r"\(\?P<\w+>((?:\[[^\]]*\]|\\.|[^()\\])*)\)")
_GROUP_VALUES = ("1", "x", "a1", "00000000-0000-0000-0000-000000000001", "")


def _regex_path(pattern: str) -> str | None:
    """A path the whole-path regex ``pattern`` (``^/x/(?P<pk>[0-9]+)/\\Z``) takes: each named
    group given the first sample value it matches, the rest literal; None when that is not so."""
    def value(found: re.Match[str]) -> str:
        return next((v for v in _GROUP_VALUES if re.fullmatch(found[1], v)), "\0")

    pattern = route_regex(pattern)  # ``<int:pk>`` kept from a path() include: its group
    try:
        text = _REGEX_GROUP.sub(value, pattern[1:].removesuffix("\\Z"))
        text = re.sub(r"\\([^A-Za-z0-9])", r"\1", text)
        if "\0" in text or any(c in text for c in "^$()?\\[]+*|{}"):
            return None
        return text if re.match(pattern, text) else None
    except re.error:
        return None


def concrete_path(pattern: str) -> str | None:
    """A real path for a ``path()`` pattern (``orders/<int:pk>/`` -> ``/orders/1/``) or a whole-path
    regex whose groups take sample values; None for other regexes."""
    if pattern.startswith("^/"):
        return _regex_path(pattern)
    if any(c in pattern for c in "^$()?\\[]+*|"):
        return None
    return "/" + _PARAMETER.sub(lambda m: SAMPLE_VALUES.get(m[1] or "str", "x"), pattern.lstrip("/"))


def smoke_route(entries: Iterable[dict[str, object]]) -> str:
    """The moved route the server smoke fetches: the first carried one with a real path, else any."""
    ordered = sorted(entries, key=lambda e: (not e["carried"], "<" in str(e["pattern"]), str(e["pattern"])))
    for entry in ordered:
        path = concrete_path(str(entry["pattern"]))
        if path is not None:
            return path
    return ""


def run_self_check(root: Path, python: str | None = None) -> SelfCheck:
    """``python manage.py self_check`` in ``root``; its one-line failures."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE",
                                                           "PYTHONPATH")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    try:
        proc = subprocess.run([python or sys.executable, "manage.py", "self_check"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=SELF_CHECK_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return SelfCheck((f"self_check: could not run: {exc}",), "")
    output = proc.stdout + proc.stderr
    failures = tuple(line.removeprefix("FAILED ") for line in proc.stdout.splitlines()
                     if line.startswith("FAILED "))
    if proc.returncode != 0 and not failures:
        failures = (f"manage.py self_check: {_last_error(proc.stderr or proc.stdout)}",)
    return SelfCheck(failures, output)


def _last_error(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b", line)]
    return (errors or lines or ["no output"])[-1][:300]
