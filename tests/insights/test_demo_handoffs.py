"""The demo hands bot chats to people for varied reasons, in each retailer's languages, through the
same write and audit entry as the live bot, so the dashboard's "why handed over" table has rows on
first run; the same every time."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.botdesk.demo_handoffs import PLAN, SCENES, seed_demo_handoffs
from trustdesk.demo.loader import load_demo
from trustdesk.store.models import AuditEvent, Conversation, Message, Tenant
from trustdesk.web.app import create_app

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
EXPECTED = Counter(SCENES[i].reason.value for i in PLAN)


@SQLITE_ONLY
def test_the_demo_hands_over_for_varied_reasons_and_the_dashboard_shows_them(  # type: ignore[no-untyped-def]
    migrated_engine, database_url, settings_factory, sessions, tmp_path
) -> None:
    with sessions() as s:
        load_demo(s, tmp_path / "credentials.jsonl")
        s.commit()
        for slug in ("acme", "northwind"):
            tenant = s.scalar(select(Tenant).where(Tenant.slug == slug))
            assert tenant is not None
            entries = s.scalars(
                select(AuditEvent).where(
                    AuditEvent.tenant_id == tenant.id, AuditEvent.action == "bot.handoff"
                )
            ).all()
            assert Counter(e.details["reason"] for e in entries) == EXPECTED, slug
            assert len(EXPECTED) >= 6 and {
                "customer_request",
                "low_confidence",
                "security",
                "unanswered",
            } <= set(EXPECTED)
            assert {e.actor for e in entries} == {"bot"}
            handed = s.scalars(
                select(Conversation).where(
                    Conversation.public_id.in_([e.target.removeprefix("conversation:") for e in entries])
                )
            ).all()
            assert len(handed) == len(entries) and all(not c.bot_active for c in handed)
            assert all(c.bot_state and c.bot_state["engine"]["handed_off"] is True for c in handed)
            assert {c.language for c in handed} == set(tenant.languages), (
                slug
            )  # every language the retailer offers
            notes = s.scalars(
                select(Message.body).where(
                    Message.conversation_id.in_([c.id for c in handed]), Message.visibility == "internal"
                )
            ).all()
            assert len(notes) == len(entries) and all(n.startswith("Bot handoff (") for n in notes)
            assert any(c.status == "new" for c in handed) and any(c.status == "resolved" for c in handed)
        acme = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        make_user(s, acme, "lead@acme.test", Role.SUPERVISOR)
        s.commit()
        # Loading again changes nothing: the hand-overs are seeded once.
        seed_demo_handoffs(s, acme)
        s.commit()
        assert s.query(AuditEvent).filter(AuditEvent.action == "bot.handoff").count() == 2 * len(PLAN)
    client = TestClient(create_app(settings_factory(database_url), engine=migrated_engine))
    sign_in_staff(client, "acme", "lead@acme.test")
    html = client.get("/console/dashboard?days=28").text
    table = html.split('data-chart="handover-reasons"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>(\d+)</td>", table)
    assert len(rows) >= 6, table
    assert sum(int(n) for _, n in rows) == len(PLAN)
    csv = client.get("/console/dashboard/handover-reasons.csv?days=28").text.splitlines()
    assert len(csv) >= 7


@SQLITE_ONLY
def test_the_demo_hand_overs_are_the_same_every_time(  # type: ignore[no-untyped-def]
    migrated_engine, database_url, sessions, tmp_path
) -> None:
    def story(s) -> list[tuple[str, str | None, str, int]]:  # type: ignore[no-untyped-def]
        out = []
        for conv in s.scalars(
            select(Conversation)
            .join(AuditEvent, AuditEvent.target == "conversation:" + Conversation.public_id)
            .where(AuditEvent.action == "bot.handoff")
            .order_by(Conversation.id)
        ):
            bodies = s.scalars(
                select(Message.body).where(Message.conversation_id == conv.id).order_by(Message.seq)
            ).all()
            out.append((conv.status, conv.language, bodies[1], conv.last_seq))
        return out

    with sessions() as s:
        load_demo(s, tmp_path / "a.jsonl")
        s.commit()
        first = story(s)
    assert len(first) == 2 * len(PLAN)
    assert first == story_again(tmp_path, story)


def story_again(tmp_path, story):  # type: ignore[no-untyped-def]
    """The same demo loaded into a second, empty database."""
    from trustdesk.store.db import make_engine, make_session_factory
    from trustdesk.store.migrate import upgrade

    other = make_engine(f"sqlite:///{tmp_path / 'second.db'}")
    upgrade(other)
    sessions = make_session_factory(other)
    with sessions() as s:
        load_demo(s, tmp_path / "b.jsonl")
        s.commit()
        out = story(s)
    other.dispose()
    return out
