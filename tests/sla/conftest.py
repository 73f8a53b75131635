from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from tests.foundation.factory import SignedIn, make_tenant, make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.store.db import make_session_factory
from trustdesk.store.models import Conversation, Message, utcnow
from trustdesk.web.app import create_app

ROUND_THE_CLOCK = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def policy_body(**changes: object) -> dict:
    body: dict = {
        "timezone": "Europe/Berlin",
        "business_hours": ROUND_THE_CLOCK,
        "holidays": [],
        "targets": [
            {"priority": "urgent", "channel": "*", "first_response_minutes": 10, "next_response_minutes": 30,
             "resolution_minutes": 240},
            {"priority": "*", "channel": "*", "first_response_minutes": 60, "next_response_minutes": 120,
             "resolution_minutes": 24 * 60},
        ],
        "near_breach_percent": 80,
        "escalation": {"assign_to_user_id": None, "notify": True},
    }  # fmt: skip
    body.update(changes)
    return body


@dataclass
class Desk:
    app: object
    sessions: sessionmaker[Session]
    agent: SignedIn
    admin: SignedIn
    outsider: SignedIn  # an agent of another retailer
    tenant_id: int
    other_tenant_id: int

    def customer(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")  # type: ignore[arg-type]

    def start_chat(self, message: str = "Hello, where is my order?") -> str:
        r = self.customer().post(
            "/api/v1/public/acme/chat/conversations", json={"name": "Pat", "message": message}
        )
        assert r.status_code == 201, r.text
        return str(r.json()["conversation"]["id"])

    def age(self, public_id: str, minutes: float) -> None:
        """Move a conversation and its messages `minutes` into the past (as if it started then)."""
        with self.sessions() as s:
            conv = s.scalar(select(Conversation).where(Conversation.public_id == public_id))
            assert conv is not None
            shift = timedelta(minutes=minutes)
            then = utcnow() - shift
            conv.created_at = conv.last_message_at = then
            s.execute(update(Message).where(Message.conversation_id == conv.id).values(created_at=then))
            s.commit()


@pytest.fixture
def desk(migrated_engine, database_url, settings_factory) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    # No job worker in the process: tests run the sweep themselves, at the instants they choose.
    app = create_app(settings_factory(database_url, job_workers=0), engine=migrated_engine)
    sessions = make_session_factory(migrated_engine)
    with sessions() as s:
        tenant = make_tenant(s, "acme")
        other = make_tenant(s, "globex")
        make_user(s, tenant, "sam@acme.test", Role.AGENT)
        make_user(s, tenant, "kim@acme.test", Role.AGENT)
        make_user(s, tenant, "ada@acme.test", Role.ADMIN)
        make_user(s, other, "gus@globex.test", Role.AGENT)
        s.commit()
        ids = tenant.id, other.id
    with (
        TestClient(app, base_url="http://testserver") as a,
        TestClient(app, base_url="http://testserver") as b,
        TestClient(app, base_url="http://testserver") as c,
    ):
        agent, _ = sign_in_staff(a, "acme", "sam@acme.test")
        admin, _ = sign_in_staff(b, "acme", "ada@acme.test")
        outsider, _ = sign_in_staff(c, "globex", "gus@globex.test")
        yield Desk(app, sessions, agent, admin, outsider, *ids)
