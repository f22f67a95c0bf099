"""The generated ops files work for the real layout: compose, the image and Kubernetes.

No Docker daemon or cluster runs the tests, so each file is checked for what makes it work or
fail: docker-compose.yml against the Compose Specification's JSON schema (vendored in
tests/fixtures/compose_spec), every ``build:`` context holding a Dockerfile (the monolith's folder
has none in the fixture: then an image placeholder that stops compose with its message), every
placeholder named in the README, migrations run by one one-shot step and never by a replica, and
the init container's ``migrate --check`` run for real against the generated project.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.parse
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from extractor.extract import extract_service
from tests.extractor.helpers import FIXTURE, ROOT, run_project, small

COMPOSE_SCHEMA = ROOT / "tests" / "fixtures" / "compose_spec" / "compose-spec.json"
REQUIRED = re.compile(r"\$\{([A-Z_]+):\?")


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The orders service of the small analysis; its monolith folder has no Dockerfile."""
    out = tmp_path_factory.mktemp("ops")
    extract_service(small(), "orders", out)
    return out / "orders"


@pytest.fixture(scope="module")
def orders_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same service from a copy of the monolith that has a Dockerfile: (service, monolith)."""
    base = tmp_path_factory.mktemp("ops-dockerfile")
    monolith = base / "shop"
    shutil.copytree(FIXTURE, monolith)
    (monolith / "Dockerfile").write_text("FROM python:3.12-slim\n", encoding="utf-8")
    extract_service(small(str(monolith)), "orders", base / "out")
    return base / "out" / "orders", monolith


def compose(root: Path) -> dict[str, Any]:
    """The parsed docker-compose.yml of a generated service."""
    loaded: dict[str, Any] = yaml.safe_load((root / "docker-compose.yml").read_text(encoding="utf-8"))
    return loaded


def _command(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


def test_compose_files_are_valid_compose(orders: Path, orders_built: tuple[Path, Path]) -> None:
    validator = jsonschema.Draft7Validator(json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8")))
    for root in (orders, orders_built[0]):
        errors = sorted(str(e.message) for e in validator.iter_errors(compose(root)))
        assert errors == [], f"{root}/docker-compose.yml: {errors}"


def _build_context(root: Path, service: dict[str, Any]) -> Path | None:
    build = service.get("build")
    if build is None:
        return None
    context = build if isinstance(build, str) else build.get("context", ".")
    return (root / context).resolve()


def test_every_build_has_a_dockerfile_and_every_other_image_is_to_fill_in(
        orders: Path, orders_built: tuple[Path, Path]) -> None:
    for root in (orders, orders_built[0]):
        for name, service in compose(root)["services"].items():
            context = _build_context(root, service)
            if context is not None:
                assert (context / "Dockerfile").is_file(), f"{name} builds {context}, which has no Dockerfile"
            else:
                assert REQUIRED.match(service["image"]), f"{name}: image {service['image']} is never built"
    assert "build" not in compose(orders)["services"]["monolith"]  # the fixture's monolith has no Dockerfile
    built, monolith = orders_built
    assert _build_context(built, compose(built)["services"]["monolith"]) == monolith
    ignored = (orders / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert {"db.sqlite3", ".datacopy-state.json", "client/"} <= set(ignored)


def test_what_to_fill_in_is_named_in_the_readme(orders: Path) -> None:
    text = (orders / "docker-compose.yml").read_text(encoding="utf-8")
    required = sorted(set(REQUIRED.findall(text)))
    assert {"MONOLITH_IMAGE", "DEMONOLITH_PROXY_IMAGE", "DJANGO_SECRET_KEY"} <= set(required)
    deploy = (orders / "README.md").read_text(encoding="utf-8").split("## Deploy", 1)[1]
    assert [v for v in required if f"`{v}`" not in deploy] == []


def test_compose_migrates_once_in_a_one_shot_service(orders: Path) -> None:
    services = compose(orders)["services"]
    migrating = [n for n, s in services.items() if "migrate" in _command(s)]
    assert migrating == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["orders"]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    assert services["orders"]["environment"] == services["migrate"]["environment"]  # the same database
    assert services["orders"]["volumes"] == services["migrate"]["volumes"]
    cmd = [line for line in (orders / "Dockerfile").read_text().splitlines() if line.startswith("CMD")]
    assert len(cmd) == 1 and "migrate" not in cmd[0] and "gunicorn" in cmd[0]


def _documents(root: Path) -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted((root / "deploy" / "k8s").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            found[document["kind"]] = document
    return found


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("valueFrom", e.get("value")) for e in container.get("env", [])}


def test_kubernetes_replicas_never_migrate_the_job_does(orders: Path) -> None:
    docs = _documents(orders)
    pod = docs["Deployment"]["spec"]["template"]
    (server,) = pod["spec"]["containers"]
    (wait,) = pod["spec"]["initContainers"]
    assert "migrate" not in " ".join(server.get("command", []) + server.get("args", []))
    assert "migrate --check" in " ".join(wait["command"])  # waits, read-only, never migrates
    (job,) = docs["Job"]["spec"]["template"]["spec"]["containers"]
    assert job["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert docs["Job"]["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert job["image"] == server["image"] == wait["image"]
    assert _env(job)["DATABASE_URL"] == _env(server)["DATABASE_URL"] == _env(wait)["DATABASE_URL"]
    assert docs["Service"]["spec"]["selector"] == pod["metadata"]["labels"]
    port = docs["Service"]["spec"]["ports"][0]
    assert port["targetPort"] == server["ports"][0]["name"]
    for rule in docs["HTTPRoute"]["spec"]["rules"]:
        for mirror in (f["requestMirror"]["backendRef"] for f in rule.get("filters", [])):
            assert (mirror["name"], mirror["port"]) == (docs["Service"]["metadata"]["name"], port["port"])


def test_the_wait_for_migrations_command_waits_until_migrate_ran(orders: Path, tmp_path: Path) -> None:
    project = tmp_path / "orders"
    shutil.copytree(orders, project)
    check = [sys.executable, "manage.py", "migrate", "--check", "--noinput"]
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    before = subprocess.run(check, cwd=project, env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    assert before.returncode != 0, before.stdout + before.stderr
    run_project(["migrate", "--noinput", "-v0"], project)
    after = subprocess.run(check, cwd=project, env=env, capture_output=True, text=True, timeout=120,
                           check=False)
    assert after.returncode == 0, after.stdout + after.stderr


def test_the_proxy_in_compose_reaches_every_upstream_of_its_routes_file(orders: Path) -> None:
    services = compose(orders)["services"]
    mounted = {v.split(":")[0]: v.split(":")[1] for v in services["proxy"]["volumes"]}
    routes_file = next(local for local, inside in mounted.items() if inside in services["proxy"]["command"])
    assert (orders / routes_file).is_file()
    routes = tomllib.loads((orders / routes_file).read_text(encoding="utf-8"))
    for name, upstream in routes["upstreams"].items():
        url = urllib.parse.urlsplit(upstream["url"])
        assert url.hostname in services, f"upstream {name}: no compose service {url.hostname}"
        assert str(url.port) in services[url.hostname]["expose"], f"upstream {name}: port {url.port}"
        assert url.hostname in services["proxy"]["depends_on"]
