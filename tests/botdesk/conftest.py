"""A running desk whose retailer has the bot switched on: customers chat, the job worker answers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.foundation.factory import SignedIn, add_orders, make_tenant, make_user, order_row, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.botdesk.demo import seed_demo_bot
from trustdesk.i18n import LANGUAGES
from trustdesk.store.db import make_session_factory
from trustdesk.store.models import Conversation, Tenant
from trustdesk.web.app import create_app

TENANT = "acme"
PAT = "pat@example.test"
ORDERS = [
    order_row("A-1001", PAT),  # delivered 2026-10-04
    order_row(
        "A-1002",
        PAT,
        status="processing",
        shipped_at=None,
        delivered_at=None,
        carrier=None,
        tracking_number=None,
        items=[{"sku": "JK-1", "name": "Rain jacket", "quantity": 1, "unit_price": "89.00"}],
    ),
    order_row(
        "A-1003",
        "lee@example.test",
        status="shipped",
        delivered_at=None,
        items=[{"sku": "BT-9", "name": "Trail boots", "quantity": 1, "unit_price": "120.00"}],
    ),
]


@dataclass
class BotChat:
    """One customer's chat with the bot, through the public API and the real job worker."""

    client: TestClient
    sessions: sessionmaker[Session]
    started: dict[str, Any]
    seen: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)
    extra_headers: dict[str, str] = field(default_factory=dict)  # e.g. a signed-in customer's CSRF token

    @property
    def id(self) -> str:
        return str(self.started["conversation"]["id"])

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.started['access_token']}", **self.extra_headers}

    def history(self) -> list[dict[str, Any]]:
        r = self.client.get(f"/api/v1/public/{TENANT}/chat/conversations/{self.id}", headers=self.headers)
        assert r.status_code == 200, r.text
        return list(r.json()["messages"])

    def conversation(self) -> Conversation:
        with self.sessions() as s:
            conv = s.scalar(select(Conversation).where(Conversation.public_id == self.id))
            assert conv is not None
            s.expunge(conv)
            return conv

    def wait_answered(self, seq: int, timeout: float = 90.0) -> None:
        """Until the bot has handled the customer message `seq` (or handed the conversation over)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            conv = self.conversation()
            state = conv.bot_state or {}
            if not conv.bot_active or int(state.get("seq", 0)) >= seq:
                return
            time.sleep(0.05)
        raise AssertionError(f"the bot did not answer message {seq} within {timeout} s")

    def send(self, text: str) -> str:
        """Send as the customer; returns the bot's replies to it, joined."""
        r = self.client.post(
            f"/api/v1/public/{TENANT}/chat/conversations/{self.id}/messages",
            json={"body": text},
            headers=self.headers,
        )
        assert r.status_code == 200, r.text
        seq = r.json()["message"]["seq"]
        self.wait_answered(seq)
        return self.replies_after(seq)

    def replies_after(self, seq: int) -> str:
        self.messages = self.history()
        return " ".join(m["body"] for m in self.messages if m["seq"] > seq and m["author_kind"] == "bot")


@dataclass
class BotDesk:
    app: Any
    sessions: sessionmaker[Session]
    agent: SignedIn
    tenant_id: int

    def customer(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")

    def chat(self, client: TestClient | None = None, **body: Any) -> BotChat:
        client = client or self.customer()
        r = client.post(f"/api/v1/public/{TENANT}/chat/conversations", json={"name": "Pat", **body})
        assert r.status_code == 201, r.text
        return BotChat(client, self.sessions, r.json())


def enable_bot(session: Session, tenant: Tenant) -> None:
    """The demo's settings: the bot on, and the demo help articles."""
    seed_demo_bot(session, tenant)


@pytest.fixture
def botdesk(migrated_engine, database_url, settings_factory) -> Iterator[BotDesk]:  # type: ignore[no-untyped-def]
    sessions = make_session_factory(migrated_engine, write=False)
    app = create_app(settings_factory(database_url), engine=migrated_engine)
    with make_session_factory(migrated_engine)() as s:
        tenant = make_tenant(s, TENANT)
        # This retailer offers every supported language (English by default), so the bot's own
        # language handling is what the tests see; offering fewer is tested in tests/bot and here by name.
        tenant.languages = list(LANGUAGES)
        tenant.default_language = "en"
        enable_bot(s, tenant)
        make_user(s, tenant, "sam@acme.test", Role.AGENT)
        make_user(s, tenant, "alex@acme.test", Role.ADMIN)
        make_user(s, tenant, PAT, Role.CUSTOMER)
        add_orders(s, tenant, ORDERS)
        s.commit()
        tenant_id = tenant.id
    with TestClient(app, base_url="http://testserver") as staff:
        agent, _ = sign_in_staff(staff, TENANT, "sam@acme.test")
        yield BotDesk(app, sessions, agent, tenant_id)
