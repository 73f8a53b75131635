"""POST /api/v1/guard/scan for integrators, and each retailer's guard policy (validated, audited, applied)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.foundation.factory import make_tenant, make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.web.app import create_app

CARD = "4242 4242 4242 4242"


def _app(migrated_engine, database_url, settings_factory):  # type: ignore[no-untyped-def]
    return create_app(settings_factory(database_url), engine=migrated_engine)


def test_scan_redacts_and_reports_offsets(migrated_engine, database_url, settings_factory) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(_app(migrated_engine, database_url, settings_factory))
    text = f"hi, my card is {CARD} and my password is hunter2hunter2"
    r = client.post("/api/v1/guard/scan", json={"text": text})
    assert r.status_code == 200
    body = r.json()
    card = next(f for f in body["findings"] if f["type"] == "PAYMENT_CARD")
    assert text[card["start"] : card["end"]] == CARD
    assert card["display"] == "Visa ending 4242" and card["action"] == "redact"
    assert CARD not in body["redacted"] and "hunter2hunter2" not in body["redacted"]
    assert body["customer_notice"]


def test_scan_blocks_agent_asks(migrated_engine, database_url, settings_factory) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(_app(migrated_engine, database_url, settings_factory))
    ask = client.post(
        "/api/v1/guard/scan",
        json={
            "text": "To verify you, please read me the 6-digit code we just texted you.",
            "direction": "outbound",
        },
    ).json()
    assert ask["blocked"] and ask["block_reasons"]
    fine = client.post(
        "/api/v1/guard/scan",
        json={
            "text": "Could you tell me the last four digits of the card you paid with?",
            "direction": "outbound",
        },
    ).json()
    assert not fine["blocked"]


def test_scan_bad_input(migrated_engine, database_url, settings_factory) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(_app(migrated_engine, database_url, settings_factory))
    assert client.post("/api/v1/guard/scan", json={"text": "x", "direction": "sideways"}).status_code == 422
    huge = client.post("/api/v1/guard/scan", json={"text": "1" * 2_000_000})
    assert huge.status_code == 422 and "1111111111" not in huge.text
    assert client.post("/api/v1/guard/scan", json={"text": "x", "tenant": "nope"}).status_code == 404


def test_tenant_policy_is_validated_audited_and_applied(
    migrated_engine, database_url, settings_factory
) -> None:  # type: ignore[no-untyped-def]
    from trustdesk.store.db import make_session_factory

    app = _app(migrated_engine, database_url, settings_factory)
    with make_session_factory(migrated_engine)() as s:
        tenant = make_tenant(s, "acme")
        make_user(s, tenant, "admin@acme.test", Role.ADMIN)
        make_user(s, tenant, "agent@acme.test", Role.AGENT)
        s.commit()
    admin, _ = sign_in_staff(TestClient(app), "acme", "admin@acme.test")
    agent, _ = sign_in_staff(TestClient(app), "acme", "agent@acme.test")
    policy = admin.client.get("/api/v1/guard/policy").json()
    assert policy["actions"]["PAYMENT_CARD"] == "redact"
    assert agent.client.get("/api/v1/guard/policy").status_code == 403
    gift = {
        "custom_detectors": [{"name": "GIFT_CARD", "pattern": r"AO-GC-\d{4}-\d{4}-\d{4}", "action": "redact"}]
    }
    saved = admin.client.put("/api/v1/guard/policy", json=gift, headers=admin.headers())
    assert saved.status_code == 200, saved.text
    scanned = (
        TestClient(app)
        .post(
            "/api/v1/guard/scan",
            json={"text": "my gift card AO-GC-1234-5678-9012 is not working", "tenant": "acme"},
        )
        .json()
    )
    assert [f["type"] for f in scanned["findings"]] == ["GIFT_CARD"]
    assert "AO-GC-1234" not in scanned["redacted"]
    hanging = {"custom_detectors": [{"name": "BAD", "pattern": r"(a+)+\1", "action": "redact"}]}
    refused = admin.client.put("/api/v1/guard/policy", json=hanging, headers=admin.headers())
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_policy"
    unknown = admin.client.put(
        "/api/v1/guard/policy", json={"actions": {"PAYMENT_CARD": "shrug"}}, headers=admin.headers()
    )
    assert unknown.status_code == 422
    events = admin.client.get("/api/v1/audit", params={"action": "policy.changed"}).json()
    assert len(events) == 1 and events[0]["details"]["custom_detectors"] == ["GIFT_CARD"]


def test_scan_writes_in_the_hinted_or_identified_language_and_reports_it(
    migrated_engine, database_url, settings_factory
) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(_app(migrated_engine, database_url, settings_factory))
    german = client.post(
        "/api/v1/guard/scan", json={"text": f"Meine Karte ist {CARD}, bitte buchen Sie ab.", "lang": "de"}
    ).json()
    assert german["lang"] == "de"
    assert german["customer_notice"].startswith("Zu Ihrer Sicherheit haben wir eine Kartennummer")
    french = client.post(
        "/api/v1/guard/scan",
        json={
            "text": f"Bonjour, ma commande n'est pas arrivée. Voici ma carte {CARD} pour le remboursement."
        },
    ).json()
    assert french["lang"] == "fr" and french["customer_notice"].startswith("Pour votre sécurité")
    plain = client.post(
        "/api/v1/guard/scan", json={"text": "Where is my parcel? It has not arrived yet."}
    ).json()
    assert plain["lang"] == "en" and plain["customer_notice"] is None and plain["findings"] == []


def test_scan_judges_an_ask_split_over_messages_with_its_context(
    migrated_engine, database_url, settings_factory
) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(_app(migrated_engine, database_url, settings_factory))
    alone = client.post(
        "/api/v1/guard/scan", json={"text": "das Passwort Ihres Kundenkontos.", "direction": "outbound"}
    ).json()
    split = client.post(
        "/api/v1/guard/scan",
        json={
            "text": "das Passwort Ihres Kundenkontos.",
            "direction": "outbound",
            "context": ["Schicken Sie mir bitte"],
        },
    ).json()
    assert not alone["blocked"]
    assert split["blocked"] and split["block_reasons"][0].startswith(
        "Diese Nachricht fragt nach dem Passwort"
    )
    assert client.post("/api/v1/guard/scan", json={"text": "x", "context": "earlier"}).status_code == 422
    assert client.post("/api/v1/guard/scan", json={"text": "x", "lang": 7}).status_code == 422
    assert client.post("/api/v1/guard/scan", json={"text": "x", "lang": "x" * 36}).status_code == 422
