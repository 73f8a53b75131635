"""The OpenAPI document describes the API as it behaves: statuses, the error envelope, media types, the
limits, enums, ranges and one-of rules the server enforces, links between operations, and 405s that name
every method of a path. (tests/contract runs schemathesis against the served document.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.foundation.factory import make_tenant, make_user, sign_in_staff

from trustdesk.accounts.permissions import Role

METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture
def spec(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return client.get("/api/v1/openapi.json").json()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if method in METHODS
    ]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _body(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    op = spec["paths"][path][method.lower()]
    return _resolve(spec, op["requestBody"]["content"]["application/json"]["schema"])


def test_errors_are_documented_in_the_envelope_the_app_sends(spec, client) -> None:  # type: ignore[no-untyped-def]
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    envelope = _resolve(spec, {"$ref": "#/components/schemas/Error"})
    body = _resolve(spec, envelope["properties"]["error"])
    assert {"code", "message"} <= set(body["required"])
    assert "problems" in body["properties"]
    for method, path, op in _operations(spec):
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")) and not (path == "/readyz" and status == "503"):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
    sent = client.post("/api/v1/auth/login", json={"tenant": "acme"}).json()
    assert set(sent) == {"error"} and {"code", "message", "problems"} <= set(sent["error"])


def test_operations_document_the_statuses_their_dependencies_can_answer(spec) -> None:  # type: ignore[no-untyped-def]
    for method, path, op in _operations(spec):
        statuses = set(op["responses"])
        security = op.get("security", [])
        signed_in_only = security and {} not in security
        if signed_in_only:
            assert "401" in statuses, (method, path)
        if signed_in_only and method != "GET":
            assert "403" in statuses, (method, path)  # the CSRF token of a cookie session
        if op.get("parameters") or "requestBody" in op:
            assert "422" in statuses, (method, path)
        if "requestBody" in op:
            assert "400" in statuses, (method, path)  # a body that is not JSON
    responses = {(m, p): set(op["responses"]) for m, p, op in _operations(spec)}
    assert {"403", "404"} <= responses[("DELETE", "/api/v1/canned-replies/{canned_reply_id}")]
    assert "409" in responses[("POST", "/api/v1/staff")]
    assert "429" in responses[("POST", "/api/v1/verify")]
    assert {"404", "413", "429"} <= responses[("POST", "/api/v1/public/{tenant}/reports")]
    assert "401" in responses[("GET", "/api/v1/public/{tenant}/chat/conversations/{conversation_id}")]
    rate_limited = spec["paths"]["/api/v1/auth/login"]["post"]["responses"]["429"]
    assert "Retry-After" in rate_limited["headers"]
    ids = [op["operationId"] for _, _, op in _operations(spec)]
    assert len(ids) == len(set(ids))


def test_media_types_are_the_real_ones(spec) -> None:  # type: ignore[no-untyped-def]
    export = spec["paths"]["/api/v1/reports/export"]["get"]["responses"]["200"]["content"]
    assert {"text/csv", "application/json"} <= set(export)
    download = spec["paths"]["/api/v1/conversations/{conversation_id}/attachments/{attachment_id}"]["get"]
    assert set(download["responses"]["200"]["content"]) == {"application/octet-stream"}
    for path in ("/api/v1/canned-replies/{canned_reply_id}", "/api/v1/webhooks/{webhook_id}"):
        assert "content" not in spec["paths"][path]["delete"]["responses"]["204"]
    report = spec["paths"]["/api/v1/public/{tenant}/reports"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(report)


def test_limits_in_the_schema_are_the_enforced_ones(spec, client, sessions) -> None:  # type: ignore[no-untyped-def]
    for method, path in (
        ("POST", "/api/v1/conversations/{conversation_id}/messages"),
        ("POST", "/api/v1/public/{tenant}/chat/conversations/{conversation_id}/messages"),
    ):
        assert _body(spec, method, path)["properties"]["body"]["maxLength"] == 5000
    start = _body(spec, "POST", "/api/v1/public/{tenant}/chat/conversations")
    assert _resolve(spec, start["properties"]["message"]["anyOf"][0])["maxLength"] == 5000
    with sessions() as s:
        make_tenant(s, "acme")
        s.commit()
    ok = client.post("/api/v1/public/acme/chat/conversations", json={"message": "x" * 5000})
    assert ok.status_code == 201, ok.text
    too_long = client.post("/api/v1/public/acme/chat/conversations", json={"message": "x" * 5001})
    assert too_long.status_code == 422 and too_long.json()["error"]["problems"][0]["field"] == "message"
    blank = client.post("/api/v1/public/acme/chat/conversations", json={"message": " \u202e\t"})
    assert blank.status_code == 422


def test_rules_the_server_enforces_are_in_the_schema(spec) -> None:  # type: ignore[no-untyped-def]
    change = _body(spec, "POST", "/api/v1/channels/changes")
    variants = {
        _resolve(spec, v)["properties"]["action"]["const"]: _resolve(spec, v) for v in change["oneOf"]
    }
    assert set(variants) == {"add", "edit", "remove"}
    assert set(variants["add"]["properties"]["kind"]["enum"]) >= {"domain", "email", "phone", "social"}
    assert "channel_id" in variants["remove"]["required"] and "kind" not in variants["remove"]["properties"]
    report = _body(spec, "POST", "/api/v1/public/{tenant}/reports")
    assert "search_ad" in report["properties"]["channel"]["enum"] and report["anyOf"]
    assert report["properties"]["seen_at"]["anyOf"][0]["format"] == "date-time"
    threshold = _body(spec, "PUT", "/api/v1/reports/thresholds")
    assert threshold["properties"]["scope"]["enum"] == ["campaign", "indicator"]
    assert (
        threshold["properties"]["min_reports"]["minimum"],
        threshold["properties"]["min_reports"]["maximum"],
    ) == (
        1,
        100_000,
    )
    assert threshold["properties"]["window_hours"]["maximum"] == 24 * 90
    example = _body(spec, "POST", "/api/v1/bot/examples")
    assert "order_status" in example["properties"]["intent"]["enum"]
    verify = _body(spec, "POST", "/api/v1/verify")
    assert verify["oneOf"] == [{"required": ["contact"]}, {"required": ["text"]}]
    check = _body(spec, "POST", "/api/v1/messages/check")
    assert (
        check["not"] == {"required": ["text", "eml_base64"]}
        and check["properties"]["eml_base64"]["format"] == "byte"
    )
    article = _body(spec, "POST", "/api/v1/bot/articles")
    assert re.fullmatch(article["properties"]["slug"]["pattern"], "returns-and-refunds")
    assert not re.fullmatch(article["properties"]["slug"]["pattern"], "Returns Policy")
    webhook = _body(spec, "POST", "/api/v1/webhooks")
    assert webhook["properties"]["url"]["pattern"].startswith("^https://")
    assert set(webhook["properties"]["events"]["items"]["enum"]) >= {"message.created", "campaign.alert"}
    tenant = next(
        p for p in spec["paths"]["/api/v1/public/{tenant}/chat/conversations"]["post"]["parameters"]
    )
    assert re.fullmatch(tenant["schema"]["pattern"], "acme") and not re.fullmatch(
        tenant["schema"]["pattern"], "-x"
    )
    policy = spec["paths"]["/api/v1/guard/policy"]["put"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert policy["additionalProperties"] is False and "GB" in policy["properties"]["phone_region"]["enum"]
    staff = _body(spec, "POST", "/api/v1/staff")
    assert staff["properties"]["email"]["pattern"] and staff["properties"]["password"]["minLength"] == 12
    before = next(
        p for p in spec["paths"]["/api/v1/conversations"]["get"]["parameters"] if p["name"] == "before"
    )
    assert before["schema"]["format"] == "date-time" and "anyOf" not in before["schema"]


def test_input_the_schema_refuses_is_refused(app, sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        t = make_tenant(s, "acme")
        make_user(s, t, "admin@acme.test", Role.ADMIN)
        s.commit()
    admin, _ = sign_in_staff(TestClient(app), "acme", "admin@acme.test")
    h = admin.headers()
    for before in ("0.5", "1700000000", "2026-11-24T18:30:00", "yesterday"):
        r = admin.client.get("/api/v1/conversations", params={"before": before})
        assert r.status_code == 422, before
    assert (
        admin.client.get("/api/v1/conversations", params={"before": "2026-11-24T18:30:00Z"}).status_code
        == 200
    )
    bad_email = admin.client.post(
        "/api/v1/staff",
        json={
            "email": "not an e-mail",
            "display_name": "X",
            "role": "agent",
            "password": "a-long-pass-phrase",
        },
        headers=h,
    )
    assert bad_email.status_code == 422 and bad_email.json()["error"]["problems"][0]["field"] == "email"
    both = admin.client.post("/api/v1/verify", json={"contact": "+1 800 555 0100", "text": "call us"})
    neither = admin.client.post("/api/v1/verify", json={"tenant": "acme"})
    assert both.status_code == neither.status_code == 422
    http_hook = admin.client.post(
        "/api/v1/webhooks", json={"url": "http://example.com/hook", "events": ["message.created"]}, headers=h
    )
    assert http_hook.status_code == 422
    scope = admin.client.put(
        "/api/v1/reports/thresholds",
        json={"scope": "everything", "min_reports": 2, "window_hours": 1},
        headers=h,
    )
    assert scope.status_code == 422


def test_a_405_lists_every_method_of_the_path(client) -> None:  # type: ignore[no-untyped-def]
    for method, path, allowed in (
        ("DELETE", "/api/v1/public/acme/chat/conversations", "GET, POST"),
        ("OPTIONS", "/api/v1/channels/changes", "GET, POST"),
        ("PATCH", "/api/v1/bot/articles/1", "GET, PUT"),
        ("POST", "/healthz", "GET"),
        ("POST", "/static/app.css", "GET, HEAD"),
    ):
        r = client.request(method, path)
        assert r.status_code == 405 and r.headers["allow"] == allowed, (method, path, r.headers.get("allow"))
        if path.startswith("/api/"):
            assert r.json()["error"]["code"] == "method_not_allowed"


def test_links_lead_to_real_operations_and_parameters(spec) -> None:  # type: ignore[no-untyped-def]
    by_id = {op["operationId"]: (method, path, op) for method, path, op in _operations(spec)}
    links = 0
    for _, _, op in _operations(spec):
        for response in op["responses"].values():
            for name, link in response.get("links", {}).items():
                links += 1
                assert link["operationId"] in by_id, name
                method, path, target = by_id[link["operationId"]]
                names = {p["name"] for p in target.get("parameters", [])}
                assert set(link.get("parameters", {})) <= names, (name, link)
                for expression in link.get("parameters", {}).values():
                    assert expression.startswith(("$response.body#/", "$request.path.")), expression
                if "requestBody" in link:
                    schema = _body(spec, method, path)
                    fields = set(schema.get("properties", {}))
                    for variant in schema.get("oneOf", []):
                        fields |= set(_resolve(spec, variant)["properties"])
                    assert set(link["requestBody"]) <= fields, (name, link)
    assert links >= 30
    targets = {link["operationId"] for _, _, op in _operations(spec) for r in op["responses"].values()
               for link in r.get("links", {}).values()}  # fmt: skip
    for expected in (
        "canned_delete",
        "webhook_delete",
        "approve_change",
        "customer_history",
        "api_update_article",
    ):
        assert expected in targets
