"""The CLI front door: help, version, and user errors as one line with their exit code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from demonolith import __version__, cli, errors
from demonolith.errors import ConfigError, DemonolithError, ProxyFailure
from demonolith.output import plural, quiet, verbosity


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
COMMANDS = ("analyze", "check", "contracts", "demo", "extract", "parity", "proxy", "report", "routes", "sync")


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
OURS_ALLOWED = {"demonolith", "demonolith.cli", "demonolith.errors", "analyzer", "analyzer.errors",
                "analyzer.version"}


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
              "AnalysisFileError": 5, "StrictModeFailure": 6, "ExtractError": 7, "ProxyFailure": 8,
              "DemoFailure": 9, "DemoChecksFailed": 10, "CrossingsGrew": 11, "BaselineMismatch": 12,
              "SyncError": 14, "ParityDrift": 15, "MissingDependency": 16, "RoutesLeftInMonolith": 17,
              "OutboxReplaced": 18}


def test_exit_codes_are_the_documented_ones() -> None:
    classes = {name: getattr(errors, name) for name in EXIT_CODES}
    assert {name: cls.exit_code for name, cls in classes.items()} == EXIT_CODES
    documented = dict(re.findall(r"(\w+) \((\d+)\)", errors.__doc__ or ""))
    assert {name: int(code) for name, code in documented.items()} == EXIT_CODES


README = Path(__file__).resolve().parents[2] / "README.md"


def test_no_error_class_outside_errors_py_escapes_the_table() -> None:
    import importlib
    import pkgutil

    import demonolith as package

    for module in pkgutil.walk_packages(package.__path__, "demonolith."):
        if module.name != "demonolith.__main__":  # importing it runs the CLI
            importlib.import_module(module.name)
    every = errors._error_classes()
    homes = {"analyzer.errors", "datasync.errors", "demonolith.errors"}
    assert {cls.__module__ for cls in every} <= homes, every
    codes = [cls.exit_code for cls in every]
    assert len(codes) == len(set(codes))


def test_readme_exit_code_table_is_the_one_errors_py_generates() -> None:
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- exit-codes:start -->\n", 1)[1].split("<!-- exit-codes:end -->", 1)[0]
    assert table == errors.exit_codes_markdown(), (
        "README's exit-code table is stale; replace it with `python -m demonolith.errors`")
    rows = [(int(code), name) for code, name in re.findall(r"^\| (\d+) \| `?(\w*)", table, re.M)]
    assert {name: code for code, name in rows if name in EXIT_CODES} == EXIT_CODES
    assert {0, 130} <= {code for code, _ in rows}


@pytest.fixture()
def settings_echo() -> Iterator[click.Command]:
    """A throwaway subcommand printing the global settings, given the global options as
    ``load_subcommand`` gives every real one."""

    @click.command("echo-settings")
    @click.pass_context
    def echo_settings(ctx: click.Context) -> None:
        click.echo(f"verbose={verbosity(ctx)} quiet={quiet(ctx)}")

    cli.add_global_options(echo_settings)
    cli.cli.add_command(echo_settings)
    yield echo_settings
    cli.cli.commands.pop("echo-settings")


@pytest.mark.parametrize(("argv", "shown"), [
    (["echo-settings"], "verbose=0 quiet=False"),
    (["-v", "echo-settings"], "verbose=1 quiet=False"),
    (["echo-settings", "-v"], "verbose=1 quiet=False"),
    (["-v", "echo-settings", "--verbose"], "verbose=2 quiet=False"),
    (["echo-settings", "-q"], "verbose=0 quiet=True"),
    (["--quiet", "echo-settings"], "verbose=0 quiet=True"),
])
def test_global_options_work_before_and_after_the_subcommand(
    settings_echo: click.Command, argv: list[str], shown: str
) -> None:
    result = CliRunner().invoke(cli.cli, argv)
    assert result.exit_code == 0, result.output
    assert result.output == shown + "\n"


def test_quiet_and_verbose_together_are_refused(settings_echo: click.Command) -> None:
    result = CliRunner().invoke(cli.cli, ["-q", "echo-settings", "-v"])
    assert isinstance(result.exception, errors.UsageError) and result.exception.exit_code == 2


def test_every_subcommand_takes_the_global_options() -> None:
    def commands(command: click.Command) -> Iterator[click.Command]:
        yield command
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                yield from commands(sub)

    for name in COMMANDS:
        loaded = cli.load_subcommand(name)
        assert loaded is not None
        for command in commands(loaded):
            opts = {opt for param in command.params for opt in param.opts}
            assert {"-v", "--verbose", "-q", "--quiet"} <= opts, (name, command.name)


def test_quiet_after_analyze_silences_its_summary(tmp_path: Path) -> None:
    fixture = Path(__file__).parent.parent / "fixtures" / "tiny_project"
    argv = ["analyze", str(fixture), "--facts-only", "--no-cache", "--out", str(tmp_path)]
    loud = CliRunner().invoke(cli.cli, argv)
    assert loud.exit_code == 0 and "7 models" in loud.output
    quiet_run = CliRunner().invoke(cli.cli, [*argv, "-q"])
    assert quiet_run.exit_code == 0, quiet_run.output
    assert quiet_run.output == ""
    assert (tmp_path / "facts.json").is_file()


@pytest.mark.parametrize("flag", ["--listen", "--admin"])
def test_a_port_out_of_range_is_refused_in_one_line(
    flag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["proxy", "--routes", str(tmp_path / "routes.toml"), flag, "127.0.0.1:99999"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        f"demonolith: error: {flag} 127.0.0.1:99999: port 99999 is out of range (0-65535)"]


def test_ports_in_range_and_off_pass_the_port_check() -> None:
    from demonolith.commands.proxy import check_port

    option = click.Option(["--listen"])
    ctx = click.Context(click.Command("proxy"))
    for value in ("127.0.0.1:0", "127.0.0.1:65535", "[::1]:8000", "off", None):
        assert check_port(ctx, option, value) == value


@pytest.mark.parametrize(("count", "word", "shown"), [
    (0, "table", "0 tables"), (1, "table", "1 table"), (2, "warning", "2 warnings"),
    (1, "SQL site", "1 SQL site"),
])
def test_plural(count: int, word: str, shown: str) -> None:
    assert plural(count, word) == shown
