"""Start, watch and stop the demo's subprocesses: each in its own process group, always cleaned up.

A :class:`Supervisor` owns every process it starts. ``stop_all`` ends them (SIGTERM to the whole
group, SIGKILL after a grace period), and :func:`cleanup_on_exit` makes sure it runs when the demo
ends for any reason: normally, on an exception, on Ctrl-C (SIGINT), on SIGTERM, or at interpreter
exit (atexit).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from demonolith.demo.errors import DemoFailure

STOP_GRACE = 5.0


@dataclass(frozen=True)
class Managed:
    """One started process: its name, the Popen handle and where its output goes."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        """The process id (also its process group id)."""
        return self.popen.pid

    def running(self) -> bool:
        """Whether the process has not exited yet."""
        return self.popen.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        """The last lines of its output, for error messages."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class Supervisor:
    """Starts processes in new process groups and stops every one of them."""

    def __init__(self) -> None:
        self.started: list[Managed] = []

    def start(self, name: str, argv: Sequence[str], *, log: Path, env: Mapping[str, str] | None = None,
              cwd: Path | None = None) -> Managed:
        """Start ``argv`` in its own session (process group); output appended to ``log``."""
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as sink:
            popen = subprocess.Popen(
                list(argv), stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
                env=dict(env) if env is not None else None, cwd=cwd, start_new_session=True)
        managed = Managed(name, popen, log)
        self.started.append(managed)
        return managed

    def stop(self, managed: Managed, grace: float = STOP_GRACE) -> None:
        """SIGTERM its process group, SIGKILL what is left after ``grace`` seconds, reap it."""
        _signal_group(managed.pid, signal.SIGTERM)
        try:
            managed.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(managed.pid, signal.SIGKILL)
            managed.popen.wait(timeout=grace)
        _signal_group(managed.pid, signal.SIGKILL)  # children that outlived their parent

    def kill(self, managed: Managed) -> None:
        """SIGKILL its process group at once (a crash, for the failover drill)."""
        _signal_group(managed.pid, signal.SIGKILL)
        managed.popen.wait(timeout=STOP_GRACE)

    def stop_all(self) -> None:
        """Stop every process started here, newest first; safe to call more than once."""
        for managed in reversed(self.started):
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                self.stop(managed)

    def pids(self) -> tuple[int, ...]:
        """Every process id this supervisor ever started."""
        return tuple(managed.pid for managed in self.started)


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def pid_alive(pid: int) -> bool:
    """Whether a process (or a zombie not reaped by us) with ``pid`` exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def group_alive(pgid: int) -> bool:
    """Whether any process of the process group ``pgid`` still exists."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def cleanup_on_exit(supervisor: Supervisor) -> Iterator[Supervisor]:
    """Stop the supervisor's processes when the block ends, on SIGINT/SIGTERM and at exit.

    SIGTERM is turned into :class:`KeyboardInterrupt` so the block unwinds the same way as on
    Ctrl-C. Signal handlers can only be set in the main thread; elsewhere only atexit is used.
    """
    atexit.register(supervisor.stop_all)
    previous = _install_handlers()
    try:
        yield supervisor
    finally:
        supervisor.stop_all()
        _restore_handlers(previous)
        atexit.unregister(supervisor.stop_all)


_Handler = signal.Handlers | int | None | object


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _install_handlers() -> dict[signal.Signals, _Handler]:
    previous: dict[signal.Signals, _Handler] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[signum] = signal.signal(signum, _interrupt)
        except ValueError:  # not the main thread
            break
    return previous


def _restore_handlers(previous: dict[signal.Signals, _Handler]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)  # type: ignore[arg-type]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, managed: Managed, timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers (any status below 500); DemoFailure if the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not managed.running():
            raise DemoFailure(f"{managed.name} exited with status {managed.popen.returncode} "
                              f"before it was ready; its output ({managed.log}):\n{managed.log_tail()}")
        if _answers(url):
            return
        time.sleep(0.1)
    raise DemoFailure(f"{managed.name} not ready at {url} after {timeout:.0f}s; its output "
                      f"({managed.log}):\n{managed.log_tail()}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status) < 500
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except (OSError, ValueError):
        return False


def run_command(argv: Sequence[str], *, log: Path, env: Mapping[str, str] | None = None,
                cwd: Path | None = None, timeout: float = 300.0) -> str:
    """Run a short command to completion; its output goes to ``log`` and is returned.

    A non-zero exit is a DemoFailure quoting the end of the output.
    """
    try:
        done = subprocess.run(
            list(argv), stdin=subprocess.DEVNULL, capture_output=True, env=dict(env) if env else None,
            cwd=cwd, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise DemoFailure(f"{' '.join(argv)}: no result after {timeout:.0f}s") from exc
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as sink:
        sink.write(f"$ {' '.join(argv)}\n{output}\n")
    if done.returncode != 0:
        tail = "\n".join(output.splitlines()[-15:])
        raise DemoFailure(f"{' '.join(argv)} failed with status {done.returncode}:\n{tail}")
    return output
