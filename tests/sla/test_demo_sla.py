"""The demo seeds an SLA policy, tags, priorities and clocks for both retailers, deterministically."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from trustdesk.demo.loader import load_demo
from trustdesk.sla.service import clock_view, load_policy
from trustdesk.store.db import make_session_factory
from trustdesk.store.models import Conversation, ConversationTag, SlaClock, Tenant, utcnow

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_demo_retailers_get_policies_labels_and_breaches(migrated_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with make_session_factory(migrated_engine)() as s:
        load_demo(s, tmp_path / "credentials.jsonl")
        s.commit()
        now = utcnow()
        for slug, zone in (("acme", "Europe/Berlin"), ("northwind", "Europe/Amsterdam")):
            tenant = s.scalar(select(Tenant).where(Tenant.slug == slug))
            assert tenant is not None
            policy = load_policy(s, tenant.id)
            assert policy is not None and policy.calendar.timezone == zone
            assert policy.calendar.holidays and policy.rule_for("urgent", "chat") is not None
            priorities = set(
                s.scalars(select(Conversation.priority).where(Conversation.tenant_id == tenant.id)).all()
            )
            assert {"normal", "high"} <= priorities
            tagged = s.scalar(
                select(func.count())
                .select_from(ConversationTag)
                .where(ConversationTag.tenant_id == tenant.id)
            )
            assert tagged and tagged > 5
            clocks = s.scalar(
                select(func.count()).select_from(SlaClock).where(SlaClock.tenant_id == tenant.id)
            )
            conversations = s.scalar(
                select(func.count(Conversation.id)).where(Conversation.tenant_id == tenant.id)
            )
            assert clocks == conversations
            breached = s.scalar(
                select(func.count())
                .select_from(SlaClock)
                .where(SlaClock.tenant_id == tenant.id, SlaClock.first_response_met.is_(False))
            )
            assert breached is not None
            # Whatever the hour, the queue shows one breached, one near and one on-time chat waiting.
            levels = [
                clock_view(clock, policy, now)["level"]  # type: ignore[index]
                for clock in s.scalars(
                    select(SlaClock)
                    .join(Conversation)
                    .where(Conversation.tenant_id == tenant.id, Conversation.status == "new")
                )
            ]
            assert {"breached", "near", "ok"} <= set(levels)
