"""A monolith of Django regex routes under includes (tests/fixtures/regex_routes): the real
``demonolith analyze`` writes each as the whole path's regex, ``extract`` moves them exactly (the
service's URLconf a ``re_path`` of the full regex, which its self-check's smoke fetches; the routes
file a ``path_regex``), and the real proxy, run on 127.0.0.1 with that routes file, sends a request
to the service only when the regex takes its path."""

from __future__ import annotations

import ast
import json
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from aiohttp import web

from analyzer.model.facts import route_regex
from extractor.extract import extract_service, load_analysis
from tests.extractor.helpers import DEMONOLITH, ROOT, run
from tests.strangler_proxy.export.test_nginx_traffic import get
from tests.strangler_proxy.support import App, run_async, running_proxy

FIXTURE = ROOT / "tests" / "fixtures" / "regex_routes"
DETAIL = r"^/control/event/(?P<slug>[-\w]+)/\Z"
EXPORT = r"^/control/event/(?P<slug>[-\w]+)/export/"  # no $: every path under it
SESSIONS = r"^/control/event/(?P<slug>[-\w]+)/sessions/(?P<number>[0-9]+)/\Z"  # through a nested include
# an include without ^, searched: its first match is kept (atomic), a plain group in the service
CART = r"^/control/(?>[\s\S]*?w/(?P<basket>[a-z0-9]{4})/)cart/\Z"
# a path() converter above a regex: kept as Django shows it, the service's path() before the re_path
ORG = r"^/org/<int:org>/report/(?P<year>[0-9]{4})/\Z"
MOVED = (DETAIL, EXPORT, SESSIONS, CART, ORG)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The generated events service (extract raised if its self-check failed) and the analysis."""
    out = tmp_path_factory.mktemp("regex-routes")
    run([*DEMONOLITH, "analyze", str(FIXTURE), "--out", str(out / "analysis"), "--no-cache", "--no-history"],
        cwd=ROOT, timeout=240)
    analysis = out / "analysis" / "analysis.json"
    document = json.loads(analysis.read_text())
    service = document["table_owner"]["events_event"]
    result = extract_service(load_analysis(analysis), service, out / "services", python=sys.executable)
    assert result.check is not None and result.check.passed, result.check
    assert not result.skipped_routes
    return result.root, document


def test_the_analysis_writes_each_regex_route_as_the_whole_path_s_regex(
        extracted: tuple[Path, dict[str, object]]) -> None:
    routes = {r["pattern"]: r for r in extracted[1]["routes"]}  # type: ignore[attr-defined]
    assert {*MOVED, "/people/", "/people/<int:pk>/"} == set(routes)
    assert not any(r["inexact"] for r in routes.values())


Extracted = tuple[Path, dict[str, object]]


def test_the_service_urlconf_is_a_re_path_of_each_full_regex(extracted: Extracted) -> None:
    tree = ast.parse((extracted[0] / "service_project" / "urls.py").read_text())
    regexes = {node.args[0].value for node in ast.walk(tree) if isinstance(node, ast.Call)
               and getattr(node.func, "id", "") == "re_path" and isinstance(node.args[0], ast.Constant)}
    assert regexes == {"^" + p[2:].replace("(?>", "(?:") for p in MOVED if p != ORG} | {
        r"^report/(?P<year>[0-9]{4})/\Z"}
    urls = (extracted[0] / "service_project" / "urls.py").read_text()
    assert "path('org/<int:org>/', include([re_path(" in urls


def test_the_service_hands_the_view_the_converted_value(extracted: Extracted) -> None:
    """Django in the generated project resolves the moved paths as the monolith does: the int
    converter's value an int, the regex's a str."""
    script = ("import django, json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'service_project.settings'\n"
              "django.setup(); from django.urls import resolve\n"
              "m = resolve('/org/5/report/2024/'); c = resolve('/control/x/w/ab12/cart/')\n"
              "print(json.dumps([m.kwargs, type(m.kwargs['org']).__name__, c.kwargs]))")
    proc = run([sys.executable, "-c", script], cwd=extracted[0], PYTHONDONTWRITEBYTECODE="1")
    assert json.loads(proc.stdout) == [{"org": 5, "year": "2024"}, "int", {"basket": "ab12"}]


def _routes_file(root: Path) -> list[dict[str, object]]:
    return tomllib.loads((root / "routes.toml").read_text())["routes"]  # type: ignore[no-any-return]


def test_the_routes_file_matches_by_the_regex_never_a_prefix(extracted: Extracted) -> None:
    routes = _routes_file(extracted[0])
    regexes = sorted(str(r["path_regex"]) for r in routes if "path_regex" in r)
    assert regexes == sorted(route_regex(p) for p in MOVED)
    assert not any("path_prefix" in r or "path_pattern" in r for r in routes)
    gateway = yaml.safe_load((extracted[0] / "deploy" / "k8s" / "httproute.yaml").read_text())
    paths = [m["path"] for rule in gateway["spec"]["rules"] for m in rule["matches"]]
    assert paths == [{"type": "RegularExpression", "value": value} for value in (
        r"/control/event/(?P<slug>[-\w]+)/", r"/control/event/(?P<slug>[-\w]+)/export/[\s\S]*",
        r"/control/event/(?P<slug>[-\w]+)/sessions/(?P<number>[0-9]+)/",
        r"/org/(?P<org>[0-9]+)/report/(?P<year>[0-9]{4})/")]  # RE2 has no atomic group: no CART


def _echo(name: str) -> App:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.json_response({"upstream": name})
    return App(name, handler)


@run_async(timeout=60)
async def test_the_proxy_sends_to_the_service_exactly_what_the_regexes_take(
        extracted: tuple[Path, dict[str, object]]) -> None:
    service = extracted[0].name
    matches = [r["path_regex"] for r in _routes_file(extracted[0]) if "path_regex" in r]
    apps = {name: await _echo(name).start() for name in ("monolith", service)}
    try:
        lines = [f'[upstreams.{name}]\nurl = "{app.url}"' for name, app in apps.items()]
        lines += [f"[[routes]]\nname = \"r{i}\"\npath_regex = '{m}'\nto = \"{service}\""
                  for i, m in enumerate(matches)]
        async with running_proxy("\n".join([*lines, '[default]\nto = "monolith"']) + "\n") as proxy:
            answered = {target: (await get(proxy.listen_port, "GET", "localhost", target, {}))["upstream"]
                        for target in CASES}
    finally:
        for app in apps.values():
            await app.stop()
    assert answered == {target: service if moved else "monolith" for target, moved in CASES.items()}


# path -> whether Django resolves it to a moved (events) view
CASES = {
    "/control/event/summit/": True,
    "/control/event/summit/export/": True,
    "/control/event/summit/export/sessions.csv": True,  # Django: no $, the rest is ignored
    "/control/event/summit/sessions/3/": True,
    "/control/event/summit/sessions/3/x": False,
    "/control/event/summit/x": False,
    "/control/event/a/b/": False,
    "/x/control/event/summit/": False,
    "/people/1/": False,
    "/control/w/ab12/cart/": True,
    "/control/x/w/ab12/cart/": True,  # Django searches the include's regex
    "/control/w/ab12/cartx": False,
    "/control/w/ab1/cart/": False,
    "/w/ab12/cart/": False,
    "/org/5/report/2024/": True,
    "/org/x/report/2024/": False,
    "/org/5/report/20245/": False,
}


def test_the_cases_are_what_django_itself_resolves() -> None:
    """The monolith's own URLconf, resolved by Django, sends each case's path to an events view
    exactly when the case says it moves."""
    script = ("import django, json, os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'rxsite.settings'\n"
              "django.setup(); from django.urls import resolve, Resolver404\n"
              "def view(p):\n    try: return resolve(p).func.__module__\n    except Resolver404: return ''\n"
              "print(json.dumps({p: view(p) for p in json.loads(sys.argv[1])}))")
    proc = run([sys.executable, "-c", script, json.dumps(list(CASES))], cwd=FIXTURE,
               PYTHONDONTWRITEBYTECODE="1")
    resolved = json.loads(proc.stdout)
    assert {p: resolved[p] == "events.views" for p in CASES} == CASES
