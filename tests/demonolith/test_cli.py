"""The CLI front door: help, version, and user errors as one line with their exit code."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from demonolith import __version__, cli
from demonolith.errors import ConfigError, DemonolithError


@pytest.fixture()
def failing_command() -> Iterator[click.Command]:
    """A throwaway subcommand that raises a user error, registered for one test."""

    @click.command("explode")
    def explode() -> None:
        raise ConfigError("[tool.demonolith] keep_together: expected a list of lists")

    cli.cli.add_command(explode)
    yield explode
    cli.cli.commands.pop("explode")


def test_help_lists_the_jobs() -> None:
    result = CliRunner().invoke(cli.cli, ["--help"])
    assert result.exit_code == 0
    for job in ("analyze", "extract", "proxy"):
        assert job in result.output


def test_version() -> None:
    result = CliRunner().invoke(cli.cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_user_error_is_one_line_with_its_exit_code(
    failing_command: click.Command, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["explode"])
    assert exited.value.code == ConfigError.exit_code
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "demonolith: error: [tool.demonolith] keep_together: expected a list of lists"
    ]
    assert "Traceback" not in err


def test_debug_reraises(failing_command: click.Command) -> None:
    with pytest.raises(ConfigError):
        cli.main(["--debug", "explode"])


def test_every_error_has_its_own_exit_code() -> None:
    def subclasses(cls: type) -> list[type]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    codes = [cls.exit_code for cls in subclasses(DemonolithError)]
    assert len(codes) == len(set(codes)) >= 8
    assert all(code != 0 for code in codes)


def test_unknown_command_fails_without_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "demonolith", "no-such-job"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert "No such command" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_console_script_runs_as_a_real_process() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "demonolith", "--help"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "analyze" in proc.stdout
