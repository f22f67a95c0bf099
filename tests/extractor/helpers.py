"""Shared helpers of the extractor tests: the small fixture analysis and subprocess runners."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from analyzer.model.analysis import Analysis, analysis_to_json
from tests.helpers.ports import PortTaken, retry_if_port_taken, taken

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "extractor" / "shop"
SAMPLE = ROOT / "sample_monolith"
DEMONOLITH = [sys.executable, "-m", "demonolith"]


def small(source_root: Path = FIXTURE) -> Analysis:
    """tests/helpers' small Analysis pointing at the fixture sources."""
    from tests.helpers.small_analysis import small_analysis

    return small_analysis(str(source_root))


def write_analysis(analysis: Analysis, folder: Path) -> Path:
    """Write analysis.json into ``folder`` and return its path."""
    path = folder / "analysis.json"
    path.write_text(analysis_to_json(analysis), encoding="utf-8")
    return path


def run(args: list[str], cwd: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command; fail the test with its output when it exits non-zero."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.run(args, cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert proc.returncode == 0, f"{args} failed in {cwd}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def extract_cli(analysis: Path, service: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``demonolith extract`` as a user would."""
    return subprocess.run([*DEMONOLITH, "extract", service, "--analysis", str(analysis), "--out", str(out),
                           *extra], capture_output=True, text=True, timeout=900, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def http(method: str, url: str, deadline: float, body: bytes | None = None,
         token: str | None = None) -> tuple[int, bytes]:
    """(status, body) of one request, retrying connection errors until ``deadline`` (monotonic);
    ``token`` is sent as ``Authorization: Bearer``."""
    headers = {"Content-Type": "application/json"} if body else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def served(root: Path, timeout: float = 30, env: dict[str, str] | None = None,
           log: Path | None = None) -> Iterator[str]:
    """Run ``manage.py runserver --noreload`` of a Django project on a free 127.0.0.1 port.

    Yields the base URL once the health endpoint answers; the server is stopped on exit. ``env``
    is added to the environment; the log goes to ``log`` (default: next to ``root``).
    """
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    environment.update(env or {})
    log_path = log or root.parent / f"{root.name}-server.log"

    def start(port: int) -> tuple[subprocess.Popen[bytes], str]:
        with log_path.open("wb") as out:
            server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload",
                                       f"127.0.0.1:{port}"], cwd=root, env=environment, stdout=out,
                                      stderr=out)
        base = f"http://127.0.0.1:{port}"
        wait_until_served(server, base + "/healthz/", time.monotonic() + timeout, log_path)
        return server, base

    server, base = retry_if_port_taken(start)  # runserver binds the number itself
    try:
        yield base
    finally:
        stop(server)


def wait_until_served(server: subprocess.Popen[bytes], url: str, deadline: float, log: Path) -> None:
    """Return once ``url`` answers; PortTaken when the server exited because its port was taken."""
    while True:
        if server.poll() is not None:
            output = log.read_text(errors="replace")
            if taken(output):
                raise PortTaken(output)
            raise AssertionError(f"the server exited ({server.returncode}):\n{output}")
        try:
            http("GET", url, time.monotonic() + 0.5)
        except OSError:
            if time.monotonic() > deadline:
                stop(server)
                raise
            continue
        if server.poll() is None:  # ours answered, not whoever holds the port
            return


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a process this test started, then kill it if it does not exit in time."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def run_project(args: list[str], root: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run ``python manage.py ARGS`` in a generated project, without this repository on the path."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    proc = subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, f"manage.py {' '.join(args)} failed in {root}:\n{proc.stdout}\n{proc.stderr}"
    return proc
