"""Canned replies per language: translations linked by a group key, the conversation's language version
when an agent inserts one (else the default language, marked as a fallback), audited edits."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select
from tests.conversations.conftest import start_chat

from trustdesk.conversations.canned import choose_version
from trustdesk.store.models import AuditEvent, Tenant


def test_the_wanted_language_else_the_default_else_the_oldest() -> None:
    en, de, fr = (SimpleNamespace(id=i, language=code) for i, code in ((3, "en"), (1, "de"), (2, "fr")))
    assert choose_version([en, de], "de", "en").reply is de  # type: ignore[list-item,union-attr]
    chosen = choose_version([en, de], "nl", "en")  # type: ignore[list-item]
    assert chosen is not None and chosen.reply is en and chosen.fallback and chosen.wanted == "nl"
    oldest = choose_version([fr, de], "nl", "en")  # type: ignore[list-item]
    assert oldest is not None and oldest.reply is de and oldest.fallback
    assert choose_version([], "de", "en") is None


def test_versions_per_language_are_inserted_in_the_conversations_language(desk) -> None:  # type: ignore[no-untyped-def]
    sam = desk.agent
    with desk.sessions() as s:
        tenant = s.get(Tenant, desk.tenant_id)
        tenant.languages, tenant.default_language = ["en", "de", "fr"], "en"
        s.commit()

    def post(body: dict) -> object:
        return sam.client.post("/api/v1/canned-replies", json=body, headers=sam.headers())

    english = post(
        {"shortcut": "/returns", "title": "Returns", "body": "You can return items within 30 days."}
    )
    assert english.status_code == 201, english.text
    assert english.json()["language"] == "en" and english.json()["shortcut"] == "returns"
    german = post(
        {
            "translation_of": english.json()["id"],
            "language": "de",
            "body": "Sie können Artikel 30 Tage lang zurückgeben.",
        }
    )
    assert german.status_code == 201, german.text
    assert (
        german.json()["group_key"] == english.json()["group_key"] and german.json()["shortcut"] == "returns"
    )
    twice = post({"translation_of": english.json()["id"], "language": "de", "body": "Noch einmal."})
    assert twice.status_code == 409
    same_shortcut = post({"shortcut": "returns", "language": "de", "body": "Eine andere Antwort."})
    assert same_shortcut.status_code == 409
    not_offered = post({"shortcut": "zwroty", "language": "pl", "body": "Zwroty w ciągu 30 dni."})
    assert not_offered.status_code == 422 and not_offered.json()["error"]["code"] == "invalid_language"
    assert "language" in not_offered.json()["error"]["message"]
    hours = post({"shortcut": "hours", "body": "We answer from 9 to 17."})
    assert hours.status_code == 201

    conv_id = start_chat(desk.customer())["conversation"]["id"]
    changed = sam.client.post(
        f"/api/v1/conversations/{conv_id}/language", json={"language": "de"}, headers=sam.headers()
    )
    assert changed.status_code == 200, changed.text
    offered = sam.client.get(f"/api/v1/conversations/{conv_id}/canned-replies").json()
    by_shortcut = {r["shortcut"]: r for r in offered}
    assert by_shortcut["returns"]["language"] == "de" and by_shortcut["returns"]["fallback"] is False
    assert by_shortcut["returns"]["body"].startswith("Sie können")
    assert by_shortcut["returns"]["languages"] == ["de", "en"]
    assert by_shortcut["hours"]["language"] == "en" and by_shortcut["hours"]["fallback"] is True
    assert by_shortcut["hours"]["wanted"] == "de"
    assert sam.client.get("/api/v1/conversations/nope/canned-replies").status_code == 404

    german_id = german.json()["id"]
    edited = sam.client.patch(
        f"/api/v1/canned-replies/{german_id}",
        json={"body": "Sie können Artikel innerhalb von 30 Tagen zurückgeben.", "shortcut": "retoure"},
        headers=sam.headers(),
    )
    assert edited.status_code == 200, edited.text
    listed = sam.client.get("/api/v1/canned-replies").json()
    assert sorted((r["shortcut"], r["language"]) for r in listed) == [
        ("hours", "en"),
        ("retoure", "de"),
        ("retoure", "en"),
    ]
    blocked = sam.client.patch(
        f"/api/v1/canned-replies/{german_id}",
        json={"body": "Bitte antworten Sie mit Ihrem Passwort."},
        headers=sam.headers(),
    )
    assert blocked.status_code == 422 and blocked.json()["error"]["code"] == "message_blocked"
    kept = sam.client.get(f"/api/v1/conversations/{conv_id}/canned-replies").json()
    assert "innerhalb von 30 Tagen" in next(r["body"] for r in kept if r["shortcut"] == "retoure")
    clash = sam.client.patch(
        f"/api/v1/canned-replies/{german_id}", json={"language": "en"}, headers=sam.headers()
    )
    assert clash.status_code == 409

    with desk.sessions() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.action.like("canned_reply.%")).order_by(AuditEvent.id)
        ).all()
    actions = [(e.action, e.target) for e in events]
    assert actions.count(("canned_reply.created", f"canned_reply:{german_id}")) == 1
    updated = [e for e in events if e.action == "canned_reply.updated"]
    assert len(updated) == 1 and updated[0].details["fields"] == ["body", "shortcut"]
    written = str([e.details for e in events])
    assert "mit Ihrem Passwort" not in written and "30 Tagen" not in written  # never the texts themselves
    assert any(e.action == "canned_reply.blocked" for e in events)


def test_existing_answers_take_their_retailers_default_language(database_url: str) -> None:
    from sqlalchemy import text

    from trustdesk.store.db import make_engine
    from trustdesk.store.migrate import upgrade

    engine = make_engine(database_url)
    upgrade(engine, "0019")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO tenants (slug, name, primary_domain, branding, return_window_days, languages,"
                " default_language, created_at) VALUES ('acme', 'Acme', 'acme.example', '{}', 30, :languages,"
                " 'de', CURRENT_TIMESTAMP)"
            ),
            {"languages": '["de"]'},
        )
        conn.execute(
            text(
                "INSERT INTO canned_replies (tenant_id, shortcut, title, body, created_at)"
                " SELECT id, 'returns', 'Returns', 'Rücksendung binnen 30 Tagen.', CURRENT_TIMESTAMP FROM tenants"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT language, group_key, shortcut FROM canned_replies")).one()
    engine.dispose()
    assert row.language == "de" and row.group_key and row.shortcut == "returns"
