"""``demonolith demo`` from the command line: interrupted with Ctrl-C (SIGINT) mid-run, it stops
every process it started; a wrong --source is a one-line error."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from demonolith.demo.processes import group_alive

pytestmark = pytest.mark.timeout(240)


def test_ctrl_c_stops_every_process_the_demo_started(tmp_path: Path) -> None:
    pids: list[int] = []
    with subprocess.Popen(
        [sys.executable, "-m", "demonolith", "demo", "--workdir", str(tmp_path), "--requests", "100"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    ) as demo:
        try:
            assert demo.stdout is not None
            deadline = time.monotonic() + 200
            for line in demo.stdout:
                pids += [int(pid) for pid in re.findall(r"\(pid (\d+)\)", line)]
                if line.startswith("stage shadow") or time.monotonic() > deadline:
                    break
            assert len(pids) >= 3, f"monolith, service and proxy announced: {pids}"
            assert all(group_alive(pid) for pid in pids)
            os.kill(demo.pid, signal.SIGINT)
            demo.communicate(timeout=60)
        finally:
            if demo.poll() is None:
                os.killpg(demo.pid, signal.SIGKILL)
                demo.wait()
    assert demo.returncode == 130
    deadline = time.monotonic() + 10
    while any(group_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in pids if group_alive(pid)]


def test_a_source_without_manage_py_is_a_one_line_error(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "demonolith", "demo", "--source", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    expected = f"demonolith: error: {tmp_path}: no manage.py; pass --source with the sample monolith"
    assert done.stderr.strip() == expected
