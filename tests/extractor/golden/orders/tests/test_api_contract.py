"""Every endpoint of the OpenAPI document answers as the document says."""

import importlib
import inspect
import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.test import TestCase, override_settings

from service_project.api import FUNCTION_ENDPOINTS, MODEL_ENDPOINTS, to_jsonable
from service_project.openapi import build_document
from service_project.testing import full_instance_values, instance_values, make_instance, validate


def _refused_call(endpoint: dict) -> tuple[dict[str, Any], str] | None:
    """Arguments the endpoint must refuse and the field its 400 names: an unknown argument; for a
    function taking ``**kwargs`` (any name is its argument), none at all, naming the first required
    one; None when such a function requires nothing (no call is refused)."""
    if not endpoint["carried"]:
        return {"__unknown__": 1}, ""
    module, _, attribute = endpoint["name"].rpartition(".")
    parameters = list(inspect.signature(getattr(importlib.import_module(module), attribute)).parameters.values())
    if all(p.kind != p.VAR_KEYWORD for p in parameters):
        return {"__unknown__": 1}, "__unknown__"
    required = [p.name for p in parameters if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD,
                                                                                   p.KEYWORD_ONLY)]
    return ({}, required[0]) if required else None


def _schema(document: dict, path: str, method: str, status: str) -> dict:
    return document["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


@override_settings(DEMONOLITH_SERVICE_TOKEN="contract-test-token")
class ContractTests(TestCase):
    def setUp(self) -> None:
        self.document = build_document(MODEL_ENDPOINTS, FUNCTION_ENDPOINTS)
        self.client.defaults["HTTP_AUTHORIZATION"] = "Bearer contract-test-token"

    def test_internal_api_refuses_calls_without_identity_or_token(self) -> None:
        for path in ["models/" + e["path"].split("models/", 1)[1] for e in MODEL_ENDPOINTS] + [
                e["path"] for e in FUNCTION_ENDPOINTS]:
            with self.subTest(path=path):
                for authorization in ("", "Bearer wrong"):
                    response = self.client.get("/_api/" + path, HTTP_AUTHORIZATION=authorization)
                    self.assertEqual(response.status_code, 401)

    def test_document_on_disk_is_current(self) -> None:
        on_disk = json.loads((Path(settings.BASE_DIR) / "openapi.json").read_text())
        self.assertEqual(on_disk, self.document, "run `python manage.py export_openapi`")
        self.assertEqual(self.client.get("/openapi.json").json(), self.document)

    def test_health_matches_document(self) -> None:
        response = self.client.get("/healthz/")
        validate(response.json(), _schema(self.document, "/healthz/", "get", "200"), self.document)

    def test_model_endpoints_match_document(self) -> None:
        for endpoint in MODEL_ENDPOINTS:
            with self.subTest(endpoint=endpoint["label"]):
                model = apps.get_model(endpoint["label"])
                if not model._meta.managed:
                    continue  # a database view or legacy table: no table in the test database
                instance = make_instance(model)
                base = "/_api/" + endpoint["path"]
                listed = self.client.get(base, {"ids": str(instance.pk)})
                self.assertEqual(listed.status_code, 200)
                validate(listed.json(), _schema(self.document, base, "get", "200"), self.document)
                self.assertEqual(listed.json()["total"], 1)
                detail = self.client.get(f"{base}{instance.pk}/")
                self.assertEqual(detail.status_code, 200)
                validate(detail.json(), _schema(self.document, base + "{pk}/", "get", "200"), self.document)
                missing = self.client.get(f"{base}987654321/")
                self.assertEqual(missing.status_code, 404)
                validate(missing.json(), _schema(self.document, base + "{pk}/", "get", "404"), self.document)

    def test_write_endpoints_create_and_update(self) -> None:
        for endpoint in MODEL_ENDPOINTS:
            model = apps.get_model(endpoint["label"])
            base = "/_api/" + endpoint["path"]
            with self.subTest(endpoint=endpoint["label"]):
                if not endpoint["writers"]:
                    self.assertEqual(self.client.post(base, {}, content_type="application/json").status_code, 405)
                    continue
                values = to_jsonable(instance_values(model))
                created = self.client.post(base, values, content_type="application/json")
                if created.status_code == 400:  # the model's save() refused the least row: a full one
                    validate(created.json(), _schema(self.document, base, "post", "400"), self.document)
                    values = to_jsonable(full_instance_values(model))
                    created = self.client.post(base, values, content_type="application/json")
                if self._needs_another_service(created, base, "post"):
                    continue
                self.assertEqual(created.status_code, 201, created.content)
                validate(created.json(), _schema(self.document, base, "post", "201"), self.document)
                pk = created.json()[model._meta.pk.attname]
                self.assertTrue(model._base_manager.filter(pk=pk).exists())
                name, value = next(iter(sorted(values.items())), ("", None))
                changed = self.client.patch(f"{base}{pk}/", {name: value} if name else {},
                                            content_type="application/json")
                if self._needs_another_service(changed, base + "{pk}/", "patch"):
                    continue
                self.assertEqual(changed.status_code, 200, changed.content)
                validate(changed.json(), _schema(self.document, base + "{pk}/", "patch", "200"), self.document)
                bad = self.client.patch(f"{base}{pk}/", {"__unknown__": 1}, content_type="application/json")
                self.assertEqual(bad.status_code, 400)
                validate(bad.json(), _schema(self.document, base + "{pk}/", "patch", "400"), self.document)

    def _needs_another_service(self, response: Any, path: str, method: str) -> bool:
        """Whether a write answered 501 because its ``save()`` needs another service's data (a
        stand-in of the extraction refused it; ``needs`` names which): as documented, and said why."""
        if response.status_code != 501:
            return False
        validate(response.json(), _schema(self.document, path, method, "501"), self.document)
        self.assertTrue(response.json()["needs"][0].startswith("demonolith extract: "), response.content)
        return True

    def test_function_endpoints_match_document(self) -> None:
        for endpoint in FUNCTION_ENDPOINTS:
            with self.subTest(endpoint=endpoint["name"]):
                refused = _refused_call(endpoint)
                if refused is None:
                    continue  # takes any keyword and needs none: no call to refuse
                arguments, field = refused
                path = "/_api/" + endpoint["path"]
                method = endpoint["method"].lower()
                if method == "get":
                    response = self.client.get(path, {k: str(v) for k, v in arguments.items()})
                else:
                    response = self.client.post(path, arguments, content_type="application/json")
                expected = "400" if endpoint["carried"] else "501"
                self.assertEqual(str(response.status_code), expected, response.content)
                validate(response.json(), _schema(self.document, path, method, expected), self.document)
                if field:  # the refused argument is named, with why
                    self.assertEqual(response.json()["fields"][field], ["unexpected argument"]
                                     if field == "__unknown__" else ["this argument is required"])
