"""Every integer the app reads (ids, sequence numbers, limits, counts; path, query, form and JSON body) is
bounded to what the store holds, so a huge number is a 422 in the error envelope, never a 500.

SQLite raised OverflowError beyond 2^63 - 1 (and the id columns are 32-bit INTEGER on PostgreSQL).
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Union

import pytest
from annotated_types import Ge, Le
from fastapi.testclient import TestClient
from pydantic import BaseModel
from tests.foundation.factory import add_orders, make_tenant, make_user, order_row, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.web.app import route_table

STORE_MAX = 2**31 - 1  # INTEGER columns on PostgreSQL
HUGE = 2**63  # one past SQLite's range: the number that answered 500


def _unbounded_ints(annotation: Any, metadata: list[Any], where: str, seen: set[type]) -> list[str]:
    """Every int inside `annotation` (through Optional, unions, lists, Annotated and models) that has no
    upper bound within STORE_MAX or no lower bound."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        base, *extra = typing.get_args(annotation)
        return _unbounded_ints(base, [*metadata, *extra], where, seen)
    if origin in (Union, types.UnionType, list, tuple, set, frozenset, dict):
        found = []
        for arg in typing.get_args(annotation):
            found += _unbounded_ints(arg, metadata, where, seen)
        return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return []
        seen.add(annotation)
        found = []
        for name, field in annotation.model_fields.items():
            found += _unbounded_ints(field.annotation, list(field.metadata), f"{where}.{name}", seen)
        return found
    if annotation is int:
        upper = [m.le for m in metadata if isinstance(m, Le)]
        lower = [m.ge for m in metadata if isinstance(m, Ge)]
        if not upper or max(upper) > STORE_MAX or not lower:
            return [where]
    return []


def _inputs(dependant: Any, kind: str) -> list[Any]:
    """The route's parameters of one kind (path, query, body), its dependencies' included."""
    found = list(getattr(dependant, f"{kind}_params"))
    for sub in dependant.dependencies:
        found += _inputs(sub, kind)
    return found


def _reads_int(annotation: Any) -> bool:
    return bool(_unbounded_ints(annotation, [], "", set()))  # with no bounds, any int shows up


def test_no_integer_input_is_unbounded(app) -> None:  # type: ignore[no-untyped-def]
    unbounded = []
    for route in route_table(app):
        for kind in ("path", "query", "body"):
            for param in _inputs(route.dependant, kind):
                info = param.field_info
                unbounded += _unbounded_ints(
                    info.annotation, list(info.metadata), f"{route.path} {kind}:{param.name}", set()
                )
    assert not unbounded, "integers without a bound the store can hold:\n" + "\n".join(sorted(set(unbounded)))


def _envelope_422(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, (response.request.url, response.status_code, response.text[:300])
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and error["problems"], error


def test_an_anonymous_chat_visitor_cannot_overflow_the_catch_up(app, sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        make_tenant(s, "acme")
        s.commit()
    client = TestClient(app, raise_server_exceptions=False)
    started = client.post("/api/v1/public/acme/chat/conversations", json={"name": "Pat", "message": "hello"})
    assert started.status_code == 201, started.text
    conv = started.json()["conversation"]["id"]
    token = {"Authorization": f"Bearer {started.json()['access_token']}"}
    url = f"/api/v1/public/acme/chat/conversations/{conv}"
    for value in (HUGE, 2**31):
        _envelope_422(client.get(url, params={"after_seq": value}, headers=token))
    assert client.get(url, params={"after_seq": STORE_MAX}, headers=token).json()["messages"] == []
    assert client.get(url, params={"after_seq": 0}, headers=token).json()["messages"][0]["body"] == "hello"


def test_ids_and_numbers_beyond_the_store_are_422_for_staff(app, sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        t = make_tenant(s, "acme")
        make_user(s, t, "admin@acme.test", Role.ADMIN)
        add_orders(s, t, [order_row("A-1", "pat@example.net")])
        s.commit()
    client = TestClient(app, raise_server_exceptions=False)
    admin, _ = sign_in_staff(client, "acme", "admin@acme.test")
    h = admin.headers()
    checked = 0
    # Every id in a path, API and console alike.
    for route in route_table(app):
        path_params = _inputs(route.dependant, "path")
        ints = [p.name for p in path_params if _reads_int(p.field_info.annotation)]
        if not ints:
            continue
        url = route.path
        for p in path_params:
            url = url.replace("{" + p.name + "}", str(HUGE) if p.name in ints else "x")
        for method in route.methods - {"HEAD"}:
            r = client.request(method, url, headers=h, json={}, data=None)
            assert r.status_code in (403, 404, 405, 422), (method, url, r.status_code, r.text[:200])
            assert r.status_code != 500
            if url.startswith("/api/"):
                _envelope_422(r)
            checked += 1
    assert checked >= 15
    # Query and body numbers that reached the database.
    _envelope_422(client.get("/api/v1/audit", params={"before_id": HUGE}, headers=h))
    _envelope_422(client.get("/api/v1/reports", params={"campaign_id": HUGE}, headers=h))
    chat = TestClient(app).post("/api/v1/public/acme/chat/conversations", json={"message": "hi"}).json()
    conv = chat["conversation"]["id"]
    _envelope_422(client.get(f"/api/v1/conversations/{conv}/messages", params={"after_seq": HUGE}, headers=h))
    _envelope_422(client.post(f"/api/v1/conversations/{conv}/assign", json={"user_id": HUGE}, headers=h))
    _envelope_422(
        client.post(
            "/api/v1/agent-contacts",
            json={"customer_id": HUGE, "channel": "phone", "official_contact": "+1 800 555 0100"},
            headers=h,
        )
    )
    _envelope_422(
        client.put(
            "/api/v1/reports/thresholds",
            json={"scope": "campaign", "min_reports": HUGE, "window_hours": 24},
            headers=h,
        )
    )
    _envelope_422(
        client.post("/api/v1/channels/changes", json={"action": "remove", "channel_id": HUGE}, headers=h)
    )


@pytest.mark.parametrize("value", ["5", True, 2.5])
def test_json_numbers_are_not_coerced(app, sessions, value) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        t = make_tenant(s, "acme")
        make_user(s, t, "admin@acme.test", Role.ADMIN)
        s.commit()
    admin, _ = sign_in_staff(TestClient(app), "acme", "admin@acme.test")
    r = admin.client.put(
        "/api/v1/reports/thresholds",
        json={"scope": "campaign", "min_reports": value, "window_hours": 24},
        headers=admin.headers(),
    )
    _envelope_422(r)
    whole = admin.client.put(
        "/api/v1/reports/thresholds",
        json={"scope": "campaign", "min_reports": 3.0, "window_hours": 24},
        headers=admin.headers(),
    )
    assert whole.status_code == 200 and whole.json()["min_reports"] == 3  # 3.0 is an integer in JSON
