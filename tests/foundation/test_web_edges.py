"""Security headers on every response, JSON errors without stack traces or echoed input, ops endpoints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from trustdesk.web.state import TEMPLATES_DIR


def test_security_headers_everywhere(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/login", "/healthz", "/api/v1/me", "/nope", "/static/app.css"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"


def test_templates_have_no_inline_script_or_handlers() -> None:
    for template in Path(TEMPLATES_DIR).rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"inline script in {template.name}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {template.name}"
        assert not re.search(r"\sstyle\s*=", text), f"inline style in {template.name}"


def test_api_errors_are_json_without_traces(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/orders/x")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json() == {"error": {"code": "not_found", "message": "Not Found"}}


def test_validation_errors_do_not_echo_input(client) -> None:  # type: ignore[no-untyped-def]
    secret = "4111111111111111"
    r = client.post("/api/v1/auth/login", json={"tenant": "", "email": secret, "password": ""})
    assert r.status_code == 422
    assert secret not in r.text
    assert r.json()["error"]["code"] == "invalid_request"


def test_html_errors_for_browsers(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/t/no-such-shop/help", headers={"accept": "text/html"})
    assert r.status_code == 404 and "<html" in r.text and "Traceback" not in r.text


def test_health_ready_metrics_openapi(app, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    client.get("/login")
    metrics = TestClient(app, client=("127.0.0.1", 50123)).get("/metrics").text
    assert 'trustdesk_http_requests_total{method="GET",route="/login",status="200"}' in metrics
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/auth/login" in spec["paths"]
    assert client.get("/openapi.json").json()["paths"] == spec["paths"]


def test_metrics_are_for_this_host_only_by_default(app, client) -> None:  # type: ignore[no-untyped-def]
    client.post("/api/v1/auth/login", json={"tenant": "acme", "email": "a@b.example", "password": "x"})
    remote = client.get("/metrics")
    assert remote.status_code == 403 and remote.json()["error"]["code"] == "forbidden"
    assert "trustdesk_http_requests_total" not in remote.text and "auth/login" not in remote.text
    local = TestClient(app, client=("127.0.0.1", 50123))
    assert local.get("/metrics").status_code == 200
    assert TestClient(app, client=("::1", 50123)).get("/metrics").status_code == 200
    # A reverse proxy on the same host connects from loopback too; what it relays is not a local scrape.
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        assert local.get("/metrics", headers={header: "203.0.113.9"}).status_code == 403


def test_metrics_with_a_bearer_token(app, settings_factory, database_url, migrated_engine) -> None:  # type: ignore[no-untyped-def]
    from trustdesk.web.app import create_app

    guarded = create_app(
        settings_factory(database_url, metrics_token="s3cret-scrape-token", metrics_from_loopback=False),
        engine=migrated_engine,
    )
    remote = TestClient(guarded)
    missing = remote.get("/metrics")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert remote.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = remote.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"})
    assert ok.status_code == 200 and "trustdesk_http_requests_total" in ok.text
    # Loopback turned off: even this host needs the token.
    assert TestClient(guarded, client=("127.0.0.1", 50123)).get("/metrics").status_code == 401


def test_open_redirect_is_refused(client, sessions) -> None:  # type: ignore[no-untyped-def]
    from tests.foundation.factory import PASSWORD, make_tenant, make_user

    from trustdesk.accounts.permissions import Role

    with sessions() as s:
        t = make_tenant(s, "acme")
        make_user(s, t, "shopper@example.net", Role.CUSTOMER)
        s.commit()
    page = client.get("/login")
    pre = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post(
        "/login?next=//evil.example/phish",
        data={"tenant": "acme", "email": "shopper@example.net", "password": PASSWORD, "csrf_token": pre},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/account"


@pytest.mark.parametrize(
    "next_url",
    [
        "/%09/evil.example/",  # a tab: browsers drop it and read //evil.example
        "/%0a/evil.example/",  # a newline: was an unhandled error after the sign-in was committed
        "/t/acme%0d%0aSet-Cookie:%20x=1",
        "/%5Cevil.example",
        "/%252F%252Fevil.example",
    ],
)
def test_sign_in_never_redirects_off_site(client, sessions, next_url) -> None:  # type: ignore[no-untyped-def]
    from tests.foundation.factory import PASSWORD, make_tenant, make_user

    from trustdesk.accounts.permissions import Role

    with sessions() as s:
        t = make_tenant(s, "acme")
        make_user(s, t, "shopper@example.net", Role.CUSTOMER)
        s.commit()
    page = client.get(f"/login?next={next_url}")
    assert page.status_code == 200 and "evil" not in page.text and "Set-Cookie" not in page.text
    pre = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"tenant": "acme", "email": "shopper@example.net", "password": PASSWORD, "csrf_token": pre}
    r = client.post(f"/login?next={next_url}", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account"
    assert client.get("/api/v1/me").json()["role"] == "customer"


def test_sign_in_returns_to_the_page_that_asked(client, sessions) -> None:  # type: ignore[no-untyped-def]
    from tests.foundation.factory import PASSWORD, make_tenant, make_user

    from trustdesk.accounts.permissions import Role

    with sessions() as s:
        t = make_tenant(s, "acme")
        make_user(s, t, "shopper@example.net", Role.CUSTOMER)
        s.commit()
    page = client.get("/login", params={"tenant": "acme", "next": "/t/acme/chat"})
    assert (
        'action="/login?next=/t/acme/chat"' in page.text
        or 'action="/login?next=%2Ft%2Facme%2Fchat"' in page.text
    )
    pre = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"tenant": "acme", "email": "shopper@example.net", "password": PASSWORD, "csrf_token": pre}
    r = client.post("/login?next=/t/acme/chat", data=form, follow_redirects=False)
    assert r.headers["location"] == "/t/acme/chat"


def test_login_form_requires_its_csrf_token(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/login")
    r = client.post(
        "/login", data={"tenant": "acme", "email": "a@b.co", "password": "x", "csrf_token": "forged"}
    )
    assert r.status_code == 403
