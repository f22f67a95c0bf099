"""The CLI front door: help, version, and user errors as one line with their exit code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from demonolith import __version__, cli, errors
from demonolith.errors import ConfigError, DemonolithError, ProxyFailure


@pytest.fixture()
def failing_command() -> Iterator[click.Command]:
    """A throwaway subcommand that raises a user error, registered for one test."""

    @click.command("explode")
    def explode() -> None:
        raise ConfigError("[tool.demonolith] keep_together: expected a list of lists")

    cli.cli.add_command(explode)
    yield explode
    cli.cli.commands.pop("explode")


# The commands `demonolith --help` must list, each once (the spec, not derived from the CLI).
COMMANDS = ("analyze", "check", "contracts", "demo", "extract", "proxy", "report", "routes")


def commands_section(help_text: str) -> dict[str, list[str]]:
    """The ``Commands:`` section of a help text: each listed name -> its help lines, in order."""
    lines = help_text.split("Commands:\n", 1)[1].splitlines()
    listed: dict[str, list[str]] = {}
    rows: list[tuple[str, str]] = []
    for line in lines:
        if not line.strip():
            break
        if not line.startswith("   "):  # a new row: "  name  help"
            name, _, rest = line.strip().partition(" ")
            rows.append((name, rest.strip()))
            listed.setdefault(name, []).append(rest.strip())
        else:  # the wrapped help of the row above
            listed[rows[-1][0]][-1] += " " + line.strip()
    assert len(rows) == len(listed), f"a command is listed twice: {[n for n, _ in rows]}"
    return listed


def assert_help_lists_every_command_once_in_full(help_text: str) -> None:
    listed = commands_section(help_text)
    assert sorted(listed) == sorted(COMMANDS)
    for name in COMMANDS:
        command = cli.load_subcommand(name)
        assert command is not None and command.name == name
        assert listed[name] == [command.get_short_help_str(limit=10_000)], name
        assert not listed[name][0].endswith("...")


def test_help_lists_each_command_once_with_its_whole_short_help() -> None:
    result = CliRunner().invoke(cli.cli, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    assert_help_lists_every_command_once_in_full(result.output)


def test_the_lazy_registry_holds_each_command_s_own_short_help() -> None:
    for name, entry in cli.SUBCOMMANDS.items():
        command = cli.load_subcommand(name)
        assert command is not None
        assert entry.short_help == command.get_short_help_str(limit=10_000), name


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


# What `demonolith --help` must not import: every job's heavy dependencies, and of our own
# packages anything but the CLI and the error hierarchy.
HEAVY = ("networkx", "sqlglot", "libcst", "jinja2", "django", "httptools", "uvloop", "graphviz",
         "aiohttp", "strangler_proxy", "reports", "extractor")
OURS_ALLOWED = {"demonolith", "demonolith.cli", "demonolith.errors", "analyzer", "analyzer.errors"}


def imported_modules(importtime_stderr: str) -> set[str]:
    """The modules named by ``python -X importtime`` on stderr."""
    return {line.rsplit("|", 1)[1].strip() for line in importtime_stderr.splitlines()
            if line.startswith("import time:") and "imported package" not in line}


def test_help_in_a_real_process_imports_nothing_heavy() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "demonolith", "--help"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "80"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert_help_lists_every_command_once_in_full(proc.stdout)
    modules = imported_modules(proc.stderr)
    assert "demonolith.cli" in modules  # the parse works
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    ours = sorted(m for m in modules if m.split(".")[0] in ("demonolith", "analyzer")
                  and m not in OURS_ALLOWED)
    assert heavy == [] and ours == []


def test_a_proxy_error_is_one_line_with_exit_code_8(capsys: pytest.CaptureFixture[str]) -> None:
    from strangler_proxy.errors import RoutesError

    @click.command("bad-routes")
    def bad_routes() -> None:
        raise RoutesError("routes.toml:3: [upstreams.x] url: missing")

    cli.cli.add_command(bad_routes)
    try:
        with pytest.raises(SystemExit) as exited:
            cli.main(["bad-routes"])
    finally:
        cli.cli.commands.pop("bad-routes")
    assert exited.value.code == ProxyFailure.exit_code == 8
    assert capsys.readouterr().err.splitlines() == [
        "demonolith: error: routes.toml:3: [upstreams.x] url: missing"]


def test_a_bug_is_not_turned_into_a_user_error() -> None:
    @click.command("crash")
    def crash() -> None:
        raise KeyError("bug")

    cli.cli.add_command(crash)
    try:
        with pytest.raises(KeyError):
            cli.main(["crash"])
    finally:
        cli.cli.commands.pop("crash")


# The exit codes README and demonolith/errors.py document; scripts depend on them.
EXIT_CODES = {"DemonolithError": 1, "UsageError": 2, "ConfigError": 3, "SourceTreeError": 4,
              "AnalysisFileError": 5, "StrictModeFailure": 6, "ExtractError": 7, "ProxyFailure": 8}


def test_exit_codes_are_the_documented_ones() -> None:
    classes = {name: getattr(errors, name) for name in EXIT_CODES}
    assert {name: cls.exit_code for name, cls in classes.items()} == EXIT_CODES
    documented = dict(re.findall(r"(\w+) \((\d+)\)", errors.__doc__ or ""))
    assert {name: int(code) for name, code in documented.items()} == EXIT_CODES
