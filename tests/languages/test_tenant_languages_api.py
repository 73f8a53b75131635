"""Admins choose the languages their customers are offered: read, change (audited), refused with a
clear 422 for an unknown code or a default that is not offered, and never another retailer's."""

from __future__ import annotations

import re

from sqlalchemy import select
from tests.foundation.factory import make_tenant, make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.store.models import AuditEvent, Tenant

URL = "/api/v1/tenant/languages"


def _admin(sessions, new_client, slug="acme"):  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant = make_tenant(s, slug)
        make_user(s, tenant, f"admin@{slug}.test", Role.ADMIN)
        make_user(s, tenant, f"agent@{slug}.test", Role.AGENT)
        s.commit()
    admin, _ = sign_in_staff(new_client(), slug, f"admin@{slug}.test")
    return admin


def test_a_new_retailer_offers_english_and_the_admin_sees_every_choice(sessions, new_client):  # type: ignore[no-untyped-def]
    admin = _admin(sessions, new_client)
    r = admin.client.get(URL)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["languages"], body["default"]) == (["en"], "en")
    assert {"code": "pt-BR", "name": "Português (Brasil)", "english_name": "Portuguese (Brazil)"} in body[
        "available"
    ]
    assert len(body["available"]) == 9


def test_an_admin_changes_the_languages_and_the_change_is_audited(sessions, new_client):  # type: ignore[no-untyped-def]
    admin = _admin(sessions, new_client)
    r = admin.client.put(
        URL, json={"languages": ["en", "de", "fr"], "default": "de"}, headers=admin.headers()
    )
    assert r.status_code == 200, r.text
    assert (r.json()["languages"], r.json()["default"]) == (["en", "de", "fr"], "de")
    assert admin.client.get(URL).json()["languages"] == ["en", "de", "fr"]
    with sessions() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        assert (tenant.languages, tenant.default_language) == (["en", "de", "fr"], "de")
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "tenant.languages_changed"))
        assert event is not None and event.tenant_id == tenant.id
        assert event.actor == "admin:admin@acme.test"
        assert event.details == {
            "before": {"languages": ["en"], "default": "en"},
            "after": {"languages": ["en", "de", "fr"], "default": "de"},
        }
    # Saving the same choice again changes nothing and records nothing.
    again = admin.client.put(
        URL, json={"languages": ["en", "de", "fr"], "default": "de"}, headers=admin.headers()
    )
    assert again.status_code == 200
    with sessions() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "tenant.languages_changed")).all()
        assert len(events) == 1


def test_the_default_is_the_first_language_when_left_out(sessions, new_client):  # type: ignore[no-untyped-def]
    admin = _admin(sessions, new_client)
    r = admin.client.put(URL, json={"languages": ["nl", "en"]}, headers=admin.headers())
    assert (r.status_code, r.json()["default"]) == (200, "nl")


def test_bad_input_is_refused_with_a_clear_422_and_changes_nothing(sessions, new_client):  # type: ignore[no-untyped-def]
    admin = _admin(sessions, new_client)
    unknown = admin.client.put(URL, json={"languages": ["en", "xx"]}, headers=admin.headers())
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "invalid_request"
    assert unknown.json()["error"]["problems"][0]["field"] == "languages.1"
    assert "'de'" in unknown.json()["error"]["problems"][0]["problem"]  # names the choices

    not_offered = admin.client.put(
        URL, json={"languages": ["en", "de"], "default": "fr"}, headers=admin.headers()
    )
    assert not_offered.status_code == 422
    assert not_offered.json()["error"] == {
        "code": "invalid_languages",
        "message": "the default language 'fr' must be one of the offered languages: en, de",
    }
    twice = admin.client.put(URL, json={"languages": ["en", "en"]}, headers=admin.headers())
    assert twice.status_code == 422 and twice.json()["error"]["message"] == "language 'en' is listed twice"
    empty = admin.client.put(URL, json={"languages": []}, headers=admin.headers())
    assert empty.status_code == 422
    assert admin.client.get(URL).json()["languages"] == ["en"]


def test_only_admins_may_read_or_change_them(sessions, new_client):  # type: ignore[no-untyped-def]
    _admin(sessions, new_client)
    agent, _ = sign_in_staff(new_client(), "acme", "agent@acme.test")
    assert agent.client.get(URL).status_code == 403
    r = agent.client.put(URL, json={"languages": ["de"]}, headers=agent.headers())
    assert r.status_code == 403
    assert new_client().get(URL).status_code == 401


def test_a_change_touches_the_admins_own_retailer_only(sessions, new_client):  # type: ignore[no-untyped-def]
    acme = _admin(sessions, new_client, "acme")
    globex = _admin(sessions, new_client, "globex")
    r = globex.client.put(URL, json={"languages": ["fr", "en"]}, headers=globex.headers())
    assert r.status_code == 200
    assert acme.client.get(URL).json()["languages"] == ["en"]
    with sessions() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "tenant.languages_changed")).all()
        assert [e.target for e in events] == ["tenant:globex"]


def test_the_console_page_saves_an_ordered_choice(sessions, new_client):  # type: ignore[no-untyped-def]
    admin = _admin(sessions, new_client)
    page = admin.client.get("/console/languages")
    assert page.status_code == 200
    assert 'name="languages" value="nl"' in page.text
    form = {
        "csrf_token": admin.csrf,
        "languages": ["en", "nl", "de"],
        "order-de": "2",
        "order-nl": "3",
        "order-en": "1",
        "default": "nl",
    }
    saved = admin.client.post("/console/languages", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert admin.client.get(URL).json() == admin.client.get(URL).json() | {
        "languages": ["en", "de", "nl"],
        "default": "nl",
    }
    refused = admin.client.post("/console/languages", data=form | {"default": "fr"}, follow_redirects=False)
    assert refused.status_code == 422
    assert "must be one of the offered languages" in refused.text
    forged = admin.client.post("/console/languages", data=form | {"csrf_token": "nope"})
    assert forged.status_code == 403
    # The console page itself stays English and has no customer language switch.
    assert re.search(r'<html lang="en">', page.text) and "lang-switch-select" not in page.text
