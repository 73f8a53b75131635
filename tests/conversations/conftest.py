from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.conversations.servers import private_redis  # noqa: F401  (fixture)
from tests.foundation.factory import SignedIn, add_orders, make_tenant, make_user, order_row, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.conversations import Author, AuthorKind
from trustdesk.conversations import Desk as PipelineDesk
from trustdesk.store.db import make_session_factory
from trustdesk.store.models import User
from trustdesk.web.app import create_app


@dataclass
class Desk:
    """A running app (lifespan started: bus and job worker live) with one retailer and two agents."""

    app: object
    sessions: sessionmaker[Session]
    agent: SignedIn
    other_agent: SignedIn
    tenant_id: int

    def customer(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")  # type: ignore[arg-type]


@pytest.fixture
def sessions(migrated_engine):  # type: ignore[no-untyped-def]
    return make_session_factory(migrated_engine)


@pytest.fixture
def desk(migrated_engine, database_url, settings_factory, sessions) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    app = create_app(settings_factory(database_url), engine=migrated_engine)
    with sessions() as s:
        tenant = make_tenant(s, "acme")
        make_user(s, tenant, "sam@acme.test", Role.AGENT)
        make_user(s, tenant, "kim@acme.test", Role.AGENT)
        make_user(s, tenant, "pat@example.test", Role.CUSTOMER)
        add_orders(s, tenant, [order_row("A-1001", "pat@example.test")])
        s.commit()
        tenant_id = tenant.id
    with (
        TestClient(app, base_url="http://testserver") as first,
        TestClient(app, base_url="http://testserver") as second,
    ):
        agent, _ = sign_in_staff(first, "acme", "sam@acme.test")
        other, _ = sign_in_staff(second, "acme", "kim@acme.test")
        yield Desk(app, sessions, agent, other, tenant_id)


def start_chat(
    client: TestClient, message: str | None = "Hello, where is my order?", **extra: object
) -> dict:
    body: dict[str, object] = {"name": "Pat", **extra}
    if message is not None:
        body["message"] = message
    r = client.post("/api/v1/public/acme/chat/conversations", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def bearer(started: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {started['access_token']}"}


@pytest.fixture
def pipeline(desk: Desk) -> PipelineDesk:
    """The pipeline's desk over the test app's database, without a bus (nothing live)."""
    return PipelineDesk(desk.sessions)


def agent_author(desk: Desk) -> Author:
    """The agent sam@acme.test as a message author."""
    with desk.sessions() as s:
        user = s.scalar(select(User).where(User.email == "sam@acme.test"))
        assert user is not None
        return Author(AuthorKind.AGENT, user_id=user.id, name=user.display_name)
