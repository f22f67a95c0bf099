"""``demonolith routes check`` refuses a route taking / or every path of the monolith elsewhere."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from demonolith.cli import cli


def test_routes_check_refuses_a_route_that_takes_every_path(tmp_path: Path) -> None:
    base = '[upstreams.monolith]\nurl = "http://127.0.0.1:8000"\n[upstreams.svc]\nurl = "http://127.0.0.1:8100"\n'
    cases = {'path_prefix = "/"\nto = "monolith"\nmirror = "svc"': 1, 'path = "/"\nto = "svc"': 1,
             'path_pattern = "/{a}/*"\nto = "svc"': 1, 'to = "svc"\nmethods = ["POST"]': 1,
             'path = "/api/x/"\nto = "svc"': 0, 'path_prefix = "/"\nto = "monolith"': 0,
             'host = "api.example.com"\nto = "svc"': 0,
             "path_regex = '^/(?P<rest>.*)'\nto = \"svc\"": 1,
             "path_regex = '^/[\\s\\S]*?about/'\nto = \"svc\"": 0,
             "path_regex = '^/control/(?P<e>[^/]+)/\\Z'\nto = \"svc\"": 0}
    for index, (body, code) in enumerate(cases.items()):
        file = tmp_path / f"r{index}.toml"
        file.write_text(base + f'[[routes]]\nname = "r"\n{body}\n[default]\nto = "monolith"\n')
        result = CliRunner().invoke(cli, ["routes", "check", str(file)])
        assert (result.exit_code != 0) == bool(code), (body, result.output)
