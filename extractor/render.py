"""Render the jinja2 templates of a service project into a {relative path: bytes} mapping."""

from __future__ import annotations

import json
import pprint
import re
from importlib.resources import files as package_files
from importlib.resources.abc import Traversable
from typing import Any

import jinja2

from analyzer.model.wording import possessive
from extractor.api_names import snake_case

TEMPLATE_ROOT = "project"
PER_SAGA = "sagas/saga.py.j2"
CLIENT = "client/client.py.j2"
ROUTES = "routes.toml.j2"
ROUTER = "service_project/routers.py.j2"  # only with code-only apps (extractor.monolith_apps)


def environment() -> jinja2.Environment:
    """The jinja2 environment: templates from the package, strict, with pyrepr/tomlstr/possessive filters."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("extractor", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["pyrepr"] = pyrepr
    env.filters["tomlstr"] = json.dumps
    env.filters["possessive"] = possessive
    return env


def pyrepr(value: Any) -> str:
    """A deterministic Python literal (sorted dicts), wrapped to stay readable."""
    return pprint.pformat(value, width=100, sort_dicts=True)


def template_names() -> list[str]:
    """Every template of the project tree, relative to ``templates/project``, sorted."""
    found: list[str] = []

    def walk(node: Traversable, prefix: str) -> None:
        for child in node.iterdir():
            name = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, name + "/")
            elif name.endswith(".j2"):
                found.append(name)

    walk(package_files("extractor").joinpath("templates", TEMPLATE_ROOT), "")
    return sorted(found)


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> bytes:
    """Render one template; Python output gets exactly one trailing newline."""
    text = env.get_template(f"{TEMPLATE_ROOT}/{name}").render(**context)
    text = re.sub(r"\n{3,}(?=\S)", "\n\n\n", text).rstrip("\n") + "\n" if text.strip() else ""
    return text.encode("utf-8")


def render_project(context: dict[str, Any]) -> dict[str, bytes]:
    """All files of the project except the client (which needs the OpenAPI document)."""
    env = environment()
    out: dict[str, bytes] = {}
    for name in template_names():
        if name in (PER_SAGA, CLIENT) or (name == "tests/test_sagas.py.j2" and not context["sagas"]) or (
                name == ROUTER and not context.get("code_apps")):
            continue
        if name == ROUTES:
            out["routes.toml"] = render(env, name, {**context, "upstreams": context["local_upstreams"]})
            docker = {**context, "upstreams": context["docker_upstreams"]}
            out["routes.docker.toml"] = render(env, name, docker)
            continue
        out[name.removesuffix(".j2")] = render(env, name, context)
    for saga in context["sagas"]:
        out[f"sagas/{saga['module']}.py"] = render(env, PER_SAGA, {**context, "saga": saga})
    return out


_PY_TYPES = {"integer": "int", "string": "str", "number": "float", "boolean": "bool"}


def python_type(schema: dict[str, Any]) -> str:
    """A type annotation for a JSON schema of the subset the OpenAPI builder emits."""
    kinds = schema.get("type")
    if kinds is None:
        return "Any"
    names = [_PY_TYPES.get(k, "Any") for k in (kinds if isinstance(kinds, list) else [kinds]) if k != "null"]
    text = " | ".join(names) or "None"
    return f"{text} | None" if isinstance(kinds, list) and "null" in kinds else text


def _fields(schema: dict[str, Any] | None) -> list[tuple[str, str]]:
    properties = (schema or {}).get("properties", {})
    return [(name, python_type(sub)) for name, sub in sorted(properties.items())]


def client_model(endpoint: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """What the client template needs of one model endpoint: its TypedDict fields from the OpenAPI
    schema (the analysis' fields when there is none), its primary key's type, its names."""
    name = endpoint["label"].replace(".", "_")
    static = [] if name in schemas else endpoint["static_fields"]
    schema = schemas.get(name, {})
    key = schema.get("properties", {}).get(schema.get("x-primary-key", ""))
    return {"label": endpoint["label"], "class_name": endpoint["name"], "snake": snake_case(endpoint["name"]),
            "path": endpoint["path"], "writers": endpoint["writers"],
            "pk_type": python_type(key) if key else "int",
            "fields": _fields(schemas.get(name)) or static, "static": bool(static),
            "input_fields": _fields(schemas.get(f"{name}_input")) or [f for f in static if f[0] != "id"]}


def _keyed(param: dict[str, Any], key_type: str | None) -> dict[str, Any]:
    """A model parameter typed as the model's primary key (``str`` for a CharField key)."""
    if key_type is None:
        return param
    return {**param, "type": key_type + (" | None" if param["type"].endswith("| None") else "")}


def render_client(context: dict[str, Any], openapi: dict[str, Any]) -> bytes:
    """The typed client module, with a TypedDict per model schema of the OpenAPI document (the
    analysis' fields of the model when there is no document: the project did not load)."""
    schemas = openapi.get("components", {}).get("schemas", {})
    models = [client_model(endpoint, schemas) for endpoint in context["model_endpoints"]]
    typed = {m["class_name"] for m in models} | {"int", "str", "float", "bool"}
    keys = {m["label"]: m["pk_type"] for m in models}
    functions = [{**f, "returns": f["returns"] if f["returns"] in typed else "Any",
                  "params": [_keyed(p, keys.get(f["model_params"].get(p["name"], "")))
                             for p in f["typed_params"]]}
                 for f in context["function_endpoints"]]
    client_context = {**context, "models": models, "functions": functions,
                      "class_name": context["class_prefix"] + "Client"}
    return render(environment(), CLIENT, client_context)
