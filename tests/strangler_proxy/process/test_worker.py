"""A worker's command line has no defaults of its own: the supervisor passes every value, so the
defaults live once, in :mod:`strangler_proxy.process.options`."""

from __future__ import annotations

import pytest

from strangler_proxy.process.worker import parse_args

ARGV = ["--routes", "r.toml", "--state-file", "s.json", "--listen", "127.0.0.1:0", "--control", "c.sock",
        "--drain-seconds", "2.5", "--loop", "asyncio"]


def test_the_supervisor_s_values_are_read() -> None:
    args = parse_args(ARGV)
    assert (args.drain_seconds, args.loop, args.access_log) == (2.5, "asyncio", None)


@pytest.mark.parametrize("flag", ["--drain-seconds", "--loop"])
def test_a_value_the_supervisor_did_not_pass_is_an_error_not_a_second_default(flag: str) -> None:
    at = ARGV.index(flag)
    with pytest.raises(SystemExit):
        parse_args(ARGV[:at] + ARGV[at + 2:])
