"""A stranger learns nothing about an order: without the right number AND e-mail, every reply is the
reply the same message gets from a shop with no orders at all (property test over the store-backed
retailer: only the tenant whose orders are looked up differs)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker
from tests.foundation.factory import add_orders, make_tenant

from trustdesk.bot.context import BotContext
from trustdesk.bot.engine import BotEngine
from trustdesk.bot.registry import default_model
from trustdesk.bot.slots import same_order_number
from trustdesk.bot.state import ConversationState
from trustdesk.botdesk.knowledge import TenantKnowledge
from trustdesk.botdesk.profile import tenant_profile
from trustdesk.botdesk.retailer import StoreRetailer
from trustdesk.channels.index import RegistryCache
from trustdesk.ratelimit import MemoryRateLimiter
from trustdesk.store.db import make_session_factory
from trustdesk.store.models import Tenant

from .conftest import ORDERS, PAT, enable_bot

OWNERS = {row["order_number"]: row["customer_email"] for row in ORDERS}
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@dataclass
class Shops:
    sessions: sessionmaker[Session]
    acme: Tenant
    empty_id: int  # a retailer with the same help articles and no orders at all
    limiter: MemoryRateLimiter = field(default_factory=MemoryRateLimiter)


@pytest.fixture
def shop(migrated_engine) -> Iterator[Shops]:  # type: ignore[no-untyped-def]
    writer = make_session_factory(migrated_engine)
    with writer() as s:
        tenant = make_tenant(s, "acme")
        enable_bot(s, tenant)
        add_orders(s, tenant, ORDERS)
        empty = make_tenant(s, "empty")
        enable_bot(s, empty)
        s.commit()
        s.expunge(tenant)
        empty_id = empty.id
    yield Shops(writer, tenant, empty_id)


def retailer_for(shop: Shops, limiter: MemoryRateLimiter, *, tenant_id: int | None = None) -> StoreRetailer:
    knowledge = TenantKnowledge()
    tid = tenant_id or shop.acme.id
    return StoreRetailer(
        tenant_id=tid,
        tenant_slug="acme",
        return_window_days=30,
        sessions=shop.sessions,
        readers=shop.sessions,
        help_url="/t/acme/help",
        limiter=limiter,
        registry=RegistryCache().get,
        knowledge=lambda s: knowledge.get(s, tid),
        conversation_id=1,
        client="stranger",
    )


def ask(
    engine: BotEngine, retailer: StoreRetailer, tenant: Tenant, number: str, email: str
) -> tuple[str, ...]:
    # Both shops speak as Acme: only the orders behind the retailer differ.
    ctx = BotContext(tenant=tenant_profile(tenant, None), retailer=retailer, now=NOW)
    state = ConversationState(disclosed=True)
    first = engine.respond(state, f"Where is my order {number}? My e-mail is {email}", ctx)
    return first.replies


NUMBERS = st.one_of(
    st.sampled_from(["A-1001", "A-1002", "A-1003", "a1002", "#A-1003", "A-1004", "B-1001"]),
    st.from_regex(r"[A-Z]{1,3}-?[0-9]{4,8}", fullmatch=True),
)
EMAILS = st.one_of(
    st.sampled_from([PAT, "lee@example.test", "PAT@EXAMPLE.TEST", "pat@example.tes", "pat@examp1e.test"]),
    st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,15}@[a-z0-9-]{1,12}\.(com|net|org|test)", fullmatch=True),
)


def test_the_owner_with_both_proofs_gets_the_order(shop) -> None:  # type: ignore[no-untyped-def]
    engine = BotEngine(default_model())
    replies = ask(engine, retailer_for(shop, MemoryRateLimiter()), shop.acme, "A-1002", "PAT@example.test")
    assert "Order A-1002" in " ".join(replies)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=NUMBERS, email=EMAILS, shared_budget=st.booleans())
def test_without_both_proofs_the_reply_is_the_unknown_order_reply(  # type: ignore[no-untyped-def]
    shop, number: str, email: str, shared_budget: bool
) -> None:
    owner = next((e for n, e in OWNERS.items() if same_order_number(n, number)), None)
    assume(owner is None or owner.lower() != email.lower())
    engine = BotEngine(default_model())
    # With a fresh budget the orders are really searched; the shared one soon runs out: either way
    # the answer is the one a shop without orders gives.
    nothing = retailer_for(shop, MemoryRateLimiter(), tenant_id=shop.empty_id)
    unknown = ask(engine, nothing, shop.acme, number, email)
    limiter = shop.limiter if shared_budget else MemoryRateLimiter()
    guessed = ask(engine, retailer_for(shop, limiter), shop.acme, number, email)
    assert guessed == unknown
    text = " ".join(guessed)
    for secret in ("Socks", "Rain jacket", "Trail boots", "UPS", "1Z999", "delivered", "shipped", "prepared"):
        assert secret not in text
