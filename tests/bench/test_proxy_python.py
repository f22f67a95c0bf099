"""The in-process proxy benchmark still runs on the proxy as it is (a smoke run, no timing checked):
each route variant serves its requests through the real data path with fake transports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("route", ["plain", "weighted", "promoted"])
def test_the_benchmark_serves_every_route_variant(route: str) -> None:
    done = subprocess.run([sys.executable, "bench/proxy_python.py", "--requests", "200",
                           "--route", route], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(" us of CPU per request\n")
