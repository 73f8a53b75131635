"""A supervisor watches the bot's conversations and takes one over: audited, assigned to them, the
customer told in the conversation's language, and the bot silent from then on."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import make_tenant, make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.store.db import make_session_factory
from trustdesk.store.models import AuditEvent, Job, Tenant

from .conftest import TENANT, BotDesk

LIST = "/api/v1/supervision/bot-conversations"


def signed_in(botdesk: BotDesk, email: str, role: Role, tenant: str = TENANT):  # type: ignore[no-untyped-def]
    with make_session_factory(botdesk.sessions.kw["bind"])() as s:
        row = s.scalar(select(Tenant).where(Tenant.slug == tenant)) or make_tenant(s, tenant)
        make_user(s, row, email, role)
        s.commit()
    client = TestClient(botdesk.app, base_url="http://testserver")
    who, _ = sign_in_staff(client, tenant, email)
    return who


def test_supervisor_takes_over_and_the_bot_falls_silent(botdesk: BotDesk) -> None:
    chat = botdesk.chat(language="de")  # the bot has opened it (its disclosure, in German)
    supervisor = signed_in(botdesk, "sky@acme.test", Role.SUPERVISOR)
    listed = supervisor.client.get(LIST)
    assert listed.status_code == 200, listed.text
    (row,) = [c for c in listed.json() if c["id"] == chat.id]
    assert row["bot_active"] is True and row["customer_messages"] == 0 and row["language"] == "de"

    taken = supervisor.client.post(f"{LIST}/{chat.id}/take-over", headers=supervisor.headers())
    assert taken.status_code == 200, taken.text
    assert taken.json()["assignee"]["id"] == supervisor.user_id and taken.json()["bot_active"] is False
    conv = chat.conversation()
    assert conv.assignee_user_id == supervisor.user_id and not conv.bot_active and conv.status == "open"
    history = chat.history()
    notice = history[-1]
    assert notice["author_kind"] == "system"
    assert "ist dem Chat beigetreten" in notice["body"]
    with botdesk.sessions() as s:
        (audit,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "conversation.taken_over")).all()
        assert audit.target == f"conversation:{chat.id}" and audit.details["to_user"] == supervisor.user_id
        assert audit.actor.startswith("supervisor:")
    assert chat.id not in {c["id"] for c in supervisor.client.get(LIST).json()}

    # The customer writes again: no bot turn is queued and no bot reply comes.
    r = chat.client.post(
        f"/api/v1/public/{TENANT}/chat/conversations/{chat.id}/messages",
        json={"body": "Hallo? Noch da?"},
        headers=chat.headers,
    )
    assert r.status_code == 200, r.text
    seq = r.json()["message"]["seq"]
    with botdesk.sessions() as s:
        turns = [j for j in s.scalars(select(Job).where(Job.kind == "bot.turn")) if j.payload["seq"] >= seq]
    assert turns == []
    assert [m["author_kind"] for m in chat.history() if m["seq"] >= seq] == ["customer"]
    # Taking it over again is refused: the bot no longer holds it.
    again = supervisor.client.post(f"{LIST}/{chat.id}/take-over", headers=supervisor.headers())
    assert again.status_code == 409


def test_only_admins_and_supervisors_may_watch_or_take_over(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    assert botdesk.agent.client.get(LIST).status_code == 403
    refused = botdesk.agent.client.post(f"{LIST}/{chat.id}/take-over", headers=botdesk.agent.headers())
    assert refused.status_code == 403
    security = signed_in(botdesk, "sec@acme.test", Role.SECURITY)
    assert security.client.get(LIST).status_code == 403
    assert security.client.get("/console/supervise").status_code == 403
    assert chat.conversation().bot_active is True  # nothing changed
    # Another retailer's supervisor sees nothing of it and cannot take it.
    stranger = signed_in(botdesk, "sue@globex.test", Role.SUPERVISOR, tenant="globex")
    assert stranger.client.get(LIST).json() == []
    assert stranger.client.post(f"{LIST}/{chat.id}/take-over", headers=stranger.headers()).status_code == 404
    # An admin may.
    admin = signed_in(botdesk, "ada@acme.test", Role.ADMIN)
    page = admin.client.get("/console/supervise")
    assert page.status_code == 200 and "Take over" in page.text
    assert admin.client.post(f"{LIST}/{chat.id}/take-over", headers=admin.headers()).status_code == 200
    with botdesk.sessions() as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "conversation.taken_over")) is not None
