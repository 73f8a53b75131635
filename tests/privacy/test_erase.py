"""Erasure (GDPR art. 17): nothing of the person is left in the tenant, the rest is untouched,
a dry run changes nothing, the tombstone names nobody and the audit chain still verifies."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from tests.privacy.conftest import CHAT_TEXT, EMAIL, MAIL_TEXT, NAME, ORDER, OTHER_EMAIL, Seeded, seed

from support.store_dump import all_rows
from trustdesk.audit.log import verify_chain
from trustdesk.privacy.caches import cache_key_patterns, existing_keys
from trustdesk.privacy.erasure import purge_outside_database
from trustdesk.privacy.service import NobodyFound, erase, export
from trustdesk.privacy.subject import subject_key
from trustdesk.store.db import make_engine
from trustdesk.store.models import AuditEvent, Base, Conversation, Customer, Order, PrivacyErasure, Tenant

NEEDLES = [EMAIL, NAME, "5550123", CHAT_TEXT, MAIL_TEXT, "Lindenweg", "me again about the boots"]


def tenant_rows(url: str, tenant_id: int) -> str:
    """Every row of every table that belongs to this tenant or to none (shared tables)."""
    engine = make_engine(url)
    chunks = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"')).mappings():
                if row.get("tenant_id") in (tenant_id, None):
                    chunks.append(repr(tuple(row.values())))
    engine.dispose()
    return "\n".join(chunks).lower()


def attachment_files(seeded: Seeded) -> list[Path]:
    root = seeded.world.settings.attachments_dir / str(seeded.acme)
    return sorted(p for p in root.rglob("*") if p.is_file())


def run_erase(seeded: Seeded, *, dry_run: bool = False):  # type: ignore[no-untyped-def]
    with seeded.world.sessions() as s:
        tenant = s.get(Tenant, seeded.acme)
        assert tenant is not None
        result = erase(s, tenant, EMAIL, seeded.deps(), actor="admin:boss@acme-shop.com", dry_run=dry_run)
        if dry_run:
            s.rollback()
        else:
            s.commit()
    purge_outside_database(result, seeded.redis, engine := make_engine(seeded.world.database_url))
    engine.dispose()
    return result


def test_nothing_of_the_person_is_left_in_the_tenant(seeded: Seeded) -> None:
    url = seeded.world.database_url
    before = tenant_rows(url, seeded.acme)
    assert all(n.lower() in before for n in NEEDLES)
    assert len(attachment_files(seeded)) == 1
    result = run_erase(seeded)
    assert result.counts["conversations"] == 3 and result.counts["attachment_files"] == 1
    assert result.counts["mentions"] == 1 and result.counts["reports"] == 1
    after = tenant_rows(url, seeded.acme)
    left = [n for n in NEEDLES if n.lower() in after]
    assert not left, left
    assert attachment_files(seeded) == []
    with pytest.raises(NobodyFound):
        with seeded.world.sessions() as s:
            tenant = s.get(Tenant, seeded.acme)
            assert tenant is not None
            export(s, tenant, EMAIL, seeded.deps(), actor="test")


def test_the_sqlite_file_keeps_no_trace(seeded: Seeded) -> None:
    files = seeded.world.database_files()
    if not files:
        pytest.skip("PostgreSQL: deleted tuples are not in a dump; VACUUM reclaims them")
    assert any(EMAIL.encode() in data for data in files.values())
    run_erase(seeded)
    for name, data in seeded.world.database_files().items():
        # The other retailer keeps its own customer with this address: look for Acme's texts instead.
        for needle in (CHAT_TEXT, MAIL_TEXT, "Lindenweg", "5550123"):
            assert needle.encode() not in data, (name, needle)


def test_bookkeeping_and_everyone_else_stay(seeded: Seeded) -> None:
    run_erase(seeded)
    with seeded.world.sessions() as s:
        order = s.scalar(select(Order).where(Order.tenant_id == seeded.acme, Order.number == ORDER))
        assert order is not None and order.total_cents == 5990 and len(order.items) == 1
        assert order.shipping_address == {} and order.tracking_number is None
        owner = s.get(Customer, order.customer_id)
        assert (
            owner is not None
            and owner.email.endswith("@erased.invalid")
            and not owner.name
            and not owner.phone
        )
        other = s.scalar(select(Customer).where(Customer.email == OTHER_EMAIL))
        assert other is not None and other.name == "Sam Other"
        note = s.scalar(
            select(Conversation).where(
                Conversation.tenant_id == seeded.acme, Conversation.customer_email == OTHER_EMAIL
            )
        )
        assert note is not None
        # The other retailer's customer with the same address is not this retailer's to erase.
        globex = s.scalars(select(Conversation).where(Conversation.tenant_id == seeded.globex)).all()
        assert [c.customer_email for c in globex] == [EMAIL]
        assert s.scalar(select(Customer).where(Customer.tenant_id == seeded.globex, Customer.email == EMAIL))
    all_text = all_rows(seeded.world.database_url)
    assert "[erased]" in all_text and "Same courier as" in all_text


def test_a_dry_run_changes_nothing_and_counts_what_goes(seeded: Seeded) -> None:
    url = seeded.world.database_url
    before = all_rows(url)
    files = attachment_files(seeded)
    plan = run_erase(seeded, dry_run=True)
    assert all_rows(url) == before and attachment_files(seeded) == files
    assert plan.dry_run and plan.tombstone_id is None
    done = run_erase(seeded)
    assert done.counts == plan.counts


def test_the_tombstone_names_nobody_and_recognises_a_repeat(seeded: Seeded) -> None:
    result = run_erase(seeded)
    with seeded.world.sessions() as s:
        stone = s.get(PrivacyErasure, result.tombstone_id)
        assert stone is not None and stone.tenant_id == seeded.acme
        assert stone.counts == result.counts and stone.erased_by == "admin:boss@acme-shop.com"
        assert stone.subject_key == subject_key(seeded.world.settings.secret_key or "", "acme", EMAIL)
        assert EMAIL not in stone.subject_key
        shown = repr((stone.subject_key, stone.counts, stone.erased_by)).lower()
        assert not [n for n in NEEDLES if n.lower() in shown]


def test_the_audit_chain_verifies_after_an_erasure_and_holds_no_personal_data(seeded: Seeded) -> None:
    run_erase(seeded)
    with seeded.world.sessions() as s:
        report = verify_chain(s)
        assert report.intact and report.entries > 0
        events = s.scalars(select(AuditEvent).where(AuditEvent.tenant_id == seeded.acme)).all()
        dumped = " ".join(repr((e.actor, e.target, e.details)) for e in events).lower()
        assert not [n for n in NEEDLES if n.lower() in dumped]
        assert any(e.action == "privacy.erased" for e in events)


def test_redis_keys_of_the_person_go(world, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        for key in existing_keys(client, cache_key_patterns(world.tenants["acme"], "acme", EMAIL, [])):
            client.delete(key)  # left by an earlier run
        seeded = seed(world, redis=client)
        with world.sessions() as s:
            pairs = [
                (c.id, c.public_id)
                for c in s.scalars(
                    select(Conversation).where(Conversation.public_id.in_(seeded.conversations))
                )
            ]
        patterns = cache_key_patterns(seeded.acme, "acme", EMAIL, pairs)
        assert len(existing_keys(client, patterns)) == 3
        result = run_erase(seeded)
        assert result.counts["cache_keys"] == 3
        assert existing_keys(client, patterns) == []
    finally:
        client.close()
