"""Admins connect, test and remove mailboxes through the API and the console page; agents cannot;
another retailer's admin finds nothing; bad input is a clear 422; the secret never comes back."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import sign_in_staff
from tests.mailboxes.helpers import ACME_SUPPORT, ImapAccount, World

from trustdesk.store.models import AuditEvent


def body(account: ImapAccount, **overrides: object) -> dict[str, object]:
    out: dict[str, object] = {
        "address": ACME_SUPPORT,
        "username": account.username,
        "secret": account.password,
        "imap_host": "127.0.0.1",
        "imap_port": account.server.imaps_port,
        "imap_security": "tls",
    }
    out.update(overrides)
    return out


def test_admin_api(world: World, acme_account: ImapAccount, app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as a, TestClient(app) as b, TestClient(app) as c:
        admin, _ = sign_in_staff(a, "acme", "boss@acme-shop.com")
        agent, _ = sign_in_staff(b, "acme", "sam@acme-shop.com")
        other, _ = sign_in_staff(c, "globex", "boss@globex-shop.com")
        assert agent.client.get("/api/v1/mailboxes").status_code == 403
        assert (
            agent.client.post(
                "/api/v1/mailboxes", json=body(acme_account), headers=agent.headers()
            ).status_code
            == 403
        )

        clear = admin.client.post(
            "/api/v1/mailboxes", json=body(acme_account, imap_security="none"), headers=admin.headers()
        )
        assert clear.status_code == 422
        foreign = admin.client.post(
            "/api/v1/mailboxes",
            json=body(acme_account, address="care@globex-shop.com"),
            headers=admin.headers(),
        )
        assert foreign.status_code == 422 and foreign.json()["error"]["code"] == "invalid_mailbox"
        assert "not an official e-mail address of Acme Shop" in foreign.json()["error"]["message"]
        no_target = admin.client.post(
            "/api/v1/mailboxes", json=body(acme_account, after_intake="move"), headers=admin.headers()
        )
        assert no_target.status_code == 422 and "move_to" in no_target.json()["error"]["message"]

        created = admin.client.post("/api/v1/mailboxes", json=body(acme_account), headers=admin.headers())
        assert created.status_code == 201, created.text
        box = created.json()
        assert acme_account.password not in created.text and "secret" not in box
        again = admin.client.post("/api/v1/mailboxes", json=body(acme_account), headers=admin.headers())
        assert again.status_code == 422 and "already connected" in again.json()["error"]["message"]
        assert [m["id"] for m in admin.client.get("/api/v1/mailboxes").json()] == [box["id"]]

        tested = admin.client.post(f"/api/v1/mailboxes/{box['id']}/test", headers=admin.headers())
        assert (
            tested.status_code == 200
            and tested.json()["ok"] is True
            and tested.json()["imap"]["idle"] is True
        )

        # Globex's admin: an empty list, and Acme's mailbox is not found whatever the method.
        assert other.client.get("/api/v1/mailboxes").json() == []
        assert other.client.get(f"/api/v1/mailboxes/{box['id']}").status_code == 404
        assert (
            other.client.post(f"/api/v1/mailboxes/{box['id']}/test", headers=other.headers()).status_code
            == 404
        )
        assert (
            other.client.delete(f"/api/v1/mailboxes/{box['id']}", headers=other.headers()).status_code == 404
        )

        assert (
            admin.client.delete(f"/api/v1/mailboxes/{box['id']}", headers=admin.headers()).status_code == 204
        )
        assert admin.client.get(f"/api/v1/mailboxes/{box['id']}").status_code == 404
    with world.sessions() as s:
        events = s.execute(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.tenant_id)
            .where(AuditEvent.action.like("mailbox.%"))
            .order_by(AuditEvent.id)
        ).all()
    actor = "admin:boss@acme-shop.com"
    acme = world.tenants["acme"]
    assert [tuple(e) for e in events] == [
        ("mailbox.added", actor, acme),
        ("mailbox.tested", actor, acme),
        ("mailbox.removed", actor, acme),
    ]
    assert acme_account.password not in world.all_rows()


def test_console_page(world: World, acme_account: ImapAccount, app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as a, TestClient(app) as b:
        admin, _ = sign_in_staff(a, "acme", "boss@acme-shop.com")
        agent, _ = sign_in_staff(b, "acme", "sam@acme-shop.com")
        assert agent.client.get("/console/mailboxes").status_code == 403
        page = admin.client.get("/console/mailboxes")
        assert page.status_code == 200 and "Connect a mailbox" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text), (
            "no inline script under the strict CSP"
        )
        assert 'href="/console/mailboxes"' in admin.client.get("/console/mail").text

        form = {
            "csrf_token": admin.csrf,
            "address": ACME_SUPPORT,
            "username": acme_account.username,
            "secret": "a-wrong-password-1",
            "imap_host": "127.0.0.1",
            "imap_port": str(acme_account.server.imaps_port),
            "imap_security": "tls",
        }
        bad = admin.client.post("/console/mailboxes", data=form | {"imap_port": "99999"})
        assert bad.status_code == 422 and "imap_port must be between 1 and 65535" in bad.text
        added = admin.client.post("/console/mailboxes", data=form, follow_redirects=False)
        assert added.status_code == 303
        listing = admin.client.get("/console/mailboxes").text
        assert ACME_SUPPORT in listing and "a-wrong-password-1" not in listing
        mailbox_id = re.search(r"/console/mailboxes/(mbx_[A-Za-z0-9_-]+)/test", listing).group(1)  # type: ignore[union-attr]
        tested = admin.client.post(f"/console/mailboxes/{mailbox_id}/test", data={"csrf_token": admin.csrf})
        assert tested.status_code == 200
        assert f"failed: the IMAP server refused the sign-in for {acme_account.username}" in tested.text
        no_csrf = admin.client.post(f"/console/mailboxes/{mailbox_id}/remove", data={"csrf_token": "x"})
        assert no_csrf.status_code == 403
        removed = admin.client.post(
            f"/console/mailboxes/{mailbox_id}/remove", data={"csrf_token": admin.csrf}, follow_redirects=False
        )
        assert removed.status_code == 303
        assert (
            ACME_SUPPORT
            not in admin.client.get("/console/mailboxes")
            .text.split("Connect a mailbox")[0]
            .split("<tbody>")[1]
        )
