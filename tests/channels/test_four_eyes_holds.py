"""Four-eyes that one admin cannot defeat: an admin they create or promote is never their second pair
of eyes, a new admin needs an established admin's approval, young admins decide nothing until the
cool-off has passed, and every admin is told of new admins and channel changes by mail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import PASSWORD, make_user, sign_in_staff
from tests.mailchannel.conftest import Sink

from trustdesk.accounts.admin_notices import ADMIN_NOTICE_JOB, send_admin_notice
from trustdesk.accounts.permissions import Role
from trustdesk.jobs import Worker
from trustdesk.mail.relay import Relay
from trustdesk.store.models import AuditEvent, Job, Tenant, User
from trustdesk.web.app import create_app

NEW_ADMIN = "helper@acme.test"
ATTACKER_PHONE = "+1 800 555 0199"


def request_add(admin: Any, value: str = ATTACKER_PHONE) -> int:
    r = admin.client.post(
        "/api/v1/channels/changes",
        json={"action": "add", "kind": "phone", "value": value, "purpose": "support", "country": "US"},
        headers=admin.headers(),
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def decide(admin: Any, path: str, verdict: str) -> Any:
    return admin.client.post(f"{path}/{verdict}", headers=admin.headers())


def actions(sessions: Any, action: str) -> list[AuditEvent]:
    with sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_admin_cannot_mint_a_second_admin_to_approve_their_own_change(app, sessions, signed_in) -> None:  # type: ignore[no-untyped-def]
    """The issue's attack: one admin session creates an admin with a password of its choice, signs
    in with it and approves its own channel change. The new admin is only a request; even once
    another admin approves it, it can never decide its creator's changes."""
    admin1, admin2 = signed_in("admin1@acme.test"), signed_in("admin2@acme.test")
    change_id = request_add(admin1)
    created = admin1.client.post(
        "/api/v1/staff",
        json={"email": NEW_ADMIN, "display_name": "Helper", "role": "admin", "password": PASSWORD},
        headers=admin1.headers(),
    )
    assert created.status_code == 202, created.text
    assert created.json()["is_active"] is False and created.json()["pending_admin_request"]
    grant_id = created.json()["pending_admin_request"]
    login = TestClient(app).post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": NEW_ADMIN, "password": PASSWORD}
    )
    assert login.status_code == 401  # inactive until a second admin approves
    # The requester cannot approve their own request.
    refused = decide(admin1, f"/api/v1/staff/admin-requests/{grant_id}", "approve")
    assert refused.status_code == 409 and "second admin" in refused.json()["error"]["message"]
    # An established, independent admin approves: the account becomes an admin...
    approved = decide(admin2, f"/api/v1/staff/admin-requests/{grant_id}", "approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    helper, _ = sign_in_staff(TestClient(app), "acme", NEW_ADMIN)
    # ...but never the second pair of eyes for the admin who created it, neither way round.
    for verdict in ("approve", "reject"):
        r = decide(helper, f"/api/v1/channels/changes/{change_id}", verdict)
        assert r.status_code == 409, r.text
        assert "created or promoted" in r.json()["error"]["message"]
    own_change = request_add(helper, "+1 800 555 0111")
    r = decide(admin1, f"/api/v1/channels/changes/{own_change}", "approve")
    assert r.status_code == 409 and "created or promoted" in r.json()["error"]["message"]
    assert admin1.client.get("/api/v1/channels").json() == []
    refusals = actions(sessions, "channel.decision_refused")
    assert len(refusals) == 3 and all("created or promoted" in e.details["reason"] for e in refusals)
    assert len(actions(sessions, "staff.admin_requested")) == 1
    assert len(actions(sessions, "staff.admin_approved")) == 1


def test_a_promotion_to_admin_needs_a_second_admin_and_binds_the_promoter(app, sessions, signed_in) -> None:  # type: ignore[no-untyped-def]
    admin1, admin2 = signed_in("admin1@acme.test"), signed_in("admin2@acme.test")
    with sessions() as s:
        agent_id = s.scalar(select(User.id).where(User.email == "agent@acme.test"))
    r = admin1.client.put(f"/api/v1/staff/{agent_id}/role", json={"role": "admin"}, headers=admin1.headers())
    assert r.status_code == 202 and r.json()["role"] == "agent"
    grant_id = r.json()["pending_admin_request"]
    again = admin1.client.put(
        f"/api/v1/staff/{agent_id}/role", json={"role": "admin"}, headers=admin1.headers()
    )
    assert again.status_code == 409  # one request at a time
    meanwhile = admin1.client.put(
        f"/api/v1/staff/{agent_id}/role", json={"role": "security"}, headers=admin1.headers()
    )
    assert meanwhile.status_code == 409 and "waiting for approval" in meanwhile.json()["error"]["message"]
    assert decide(admin2, f"/api/v1/staff/admin-requests/{grant_id}", "approve").status_code == 200
    with sessions() as s:
        promoted = s.get(User, agent_id)
        assert promoted is not None and promoted.role == "admin" and promoted.promoted_by_id == admin1.user_id
    promoted_client, _ = sign_in_staff(TestClient(app), "acme", "agent@acme.test")
    change_id = request_add(admin1)
    r = decide(promoted_client, f"/api/v1/channels/changes/{change_id}", "approve")
    assert r.status_code == 409 and "created or promoted" in r.json()["error"]["message"]
    assert decide(admin2, f"/api/v1/channels/changes/{change_id}", "approve").status_code == 200


def test_admins_younger_than_the_cool_off_decide_nothing(app, sessions, shop, signed_in) -> None:  # type: ignore[no-untyped-def]
    """An admin account an operator created an hour ago: not yet established (default 72 hours)."""
    with sessions() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        young = make_user(s, tenant, "newcomer@acme.test", Role.ADMIN, established=False)  # type: ignore[arg-type]
        young.created_at = young.created_at - timedelta(hours=1)
        s.commit()
        young_id = young.id
    admin1 = signed_in("admin1@acme.test")
    newcomer = signed_in("newcomer@acme.test")
    change_id = request_add(admin1)
    for verdict in ("approve", "reject"):
        r = decide(newcomer, f"/api/v1/channels/changes/{change_id}", verdict)
        assert r.status_code == 409 and "72-hour cool-off" in r.json()["error"]["message"]
    (grant_id,) = [
        admin1.client.post(
            "/api/v1/staff",
            json={"email": NEW_ADMIN, "display_name": "Helper", "role": "admin", "password": PASSWORD},
            headers=admin1.headers(),
        ).json()["pending_admin_request"]
    ]
    r = decide(newcomer, f"/api/v1/staff/admin-requests/{grant_id}", "approve")
    assert r.status_code == 409 and "cool-off" in r.json()["error"]["message"]
    assert len(actions(sessions, "staff.admin_decision_refused")) == 1
    with sessions() as s:
        aged = s.get(User, young_id)
        assert aged is not None
        aged.created_at = aged.created_at - timedelta(hours=72)
        s.commit()
    assert decide(newcomer, f"/api/v1/channels/changes/{change_id}", "approve").status_code == 200


def test_the_cool_off_is_a_setting(migrated_engine, database_url, settings_factory, sessions, shop) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        make_user(s, tenant, "newcomer@acme.test", Role.ADMIN, established=False)  # type: ignore[arg-type]
        s.commit()
    app = create_app(settings_factory(database_url, admin_cool_off_hours=0), engine=migrated_engine)
    admin1, _ = sign_in_staff(TestClient(app), "acme", "admin1@acme.test")
    newcomer, _ = sign_in_staff(TestClient(app), "acme", "newcomer@acme.test")
    assert decide(newcomer, f"/api/v1/channels/changes/{request_add(admin1)}", "approve").status_code == 200


def test_every_admin_is_told_of_admin_requests_and_channel_changes(app, sessions, signed_in) -> None:  # type: ignore[no-untyped-def]
    import email
    from email.policy import default as default_policy

    admin1, admin2 = signed_in("admin1@acme.test"), signed_in("admin2@acme.test")
    change_id = request_add(admin1)
    decide(admin2, f"/api/v1/channels/changes/{change_id}", "reject")
    admin1.client.post(
        "/api/v1/staff",
        json={"email": NEW_ADMIN, "display_name": "Helper", "role": "admin", "password": PASSWORD},
        headers=admin1.headers(),
    )
    sink = Sink().start()
    try:
        state = app.state.trustdesk
        relay = Relay("127.0.0.1", sink.port, starttls=False, username=None, timeout=5)
        worker = Worker(
            state.sessions,
            {ADMIN_NOTICE_JOB: send_admin_notice},
            {"settings": state.settings, "mail_relay": relay},
        )
        while worker.run_once():
            pass
        sink.wait(6)
    finally:
        sink.stop()
    received: dict[str, list[str]] = {}
    for _, recipients, raw in sink.messages:
        message = email.message_from_bytes(raw, policy=default_policy)
        (recipient,) = recipients
        assert message["To"].addresses[0].addr_spec == recipient
        received.setdefault(recipient, []).append(str(message["Subject"]))
    # Both active admins (the requester too: their session might not be theirs); not the pending one.
    assert set(received) == {"admin1@acme.test", "admin2@acme.test"}
    for subjects in received.values():
        assert any("Channel change requested: add phone +18005550199" in s for s in subjects)
        assert any("Channel change rejected" in s for s in subjects)
        assert any(f"Admin requested for {NEW_ADMIN}" in s for s in subjects)
    with sessions() as s:
        assert {j.status for j in s.scalars(select(Job).where(Job.kind == ADMIN_NOTICE_JOB))} == {"done"}


def test_without_a_relay_the_notice_is_dead_lettered_and_audited(app, sessions, signed_in) -> None:  # type: ignore[no-untyped-def]
    admin1 = signed_in("admin1@acme.test")
    request_add(admin1)
    state = app.state.trustdesk
    worker = Worker(state.sessions, {ADMIN_NOTICE_JOB: send_admin_notice}, {"settings": state.settings})
    while worker.run_once():
        pass
    with sessions() as s:
        jobs = s.scalars(select(Job).where(Job.kind == ADMIN_NOTICE_JOB)).all()
    assert len(jobs) == 2 and {j.status for j in jobs} == {"dead"}
    assert len(actions(sessions, "staff.admin_notice_not_sent")) == 2


def test_console_staff_page_lists_and_decides_admin_requests(app, sessions, signed_in) -> None:  # type: ignore[no-untyped-def]
    admin1, admin2 = signed_in("admin1@acme.test"), signed_in("admin2@acme.test")
    grant_id = admin1.client.post(
        "/api/v1/staff",
        json={"email": NEW_ADMIN, "display_name": "Helper", "role": "admin", "password": PASSWORD},
        headers=admin1.headers(),
    ).json()["pending_admin_request"]
    mine = admin1.client.get("/console/staff").text
    assert NEW_ADMIN in mine and "Withdraw" in mine and "Approve" not in mine
    page = admin2.client.get("/console/staff").text
    assert NEW_ADMIN in page and "Approve" in page
    own = admin1.client.post(
        f"/console/staff/admin-requests/{grant_id}/decide",
        data={"csrf_token": admin1.csrf, "decision": "approve"},
        follow_redirects=False,
    )
    assert own.status_code == 422 and "second admin" in own.text
    done = admin2.client.post(
        f"/console/staff/admin-requests/{grant_id}/decide",
        data={"csrf_token": admin2.csrf, "decision": "approve"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with sessions() as s:
        helper = s.scalar(select(User).where(User.email == NEW_ADMIN))
        assert helper is not None and helper.is_active and helper.role == "admin"


@pytest.mark.parametrize("role", ["agent", "security"])
def test_other_staff_accounts_are_created_at_once(signed_in, role: str) -> None:  # type: ignore[no-untyped-def]
    admin1 = signed_in("admin1@acme.test")
    r = admin1.client.post(
        "/api/v1/staff",
        json={"email": f"new-{role}@acme.test", "display_name": "New", "role": role, "password": PASSWORD},
        headers=admin1.headers(),
    )
    assert (
        r.status_code == 201 and r.json()["is_active"] is True and r.json()["pending_admin_request"] is None
    )


def test_the_demo_admins_are_established_and_seeded_the_registry_through_four_eyes(
    sessions, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from trustdesk.accounts.admin_grants import party
    from trustdesk.accounts.four_eyes import decision_refusal
    from trustdesk.demo.loader import load_demo
    from trustdesk.store.models import ChannelChange, utcnow

    with sessions() as s:
        load_demo(s, tmp_path / "credentials.jsonl")
        s.commit()
        acme = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        admins = s.scalars(
            select(User).where(User.tenant_id == acme.id, User.role == "admin").order_by(User.id)
        ).all()  # type: ignore[union-attr]
        changes = s.scalars(select(ChannelChange).where(ChannelChange.tenant_id == acme.id)).all()  # type: ignore[union-attr]
        assert len(admins) == 2 and changes
        assert {(c.status, c.requested_by_id, c.decided_by_id) for c in changes} == {
            ("approved", admins[0].id, admins[1].id)
        }
        assert decision_refusal(party(admins[0]), party(admins[1]), now=utcnow()) is None
        assert s.scalar(select(Job.id).where(Job.kind == ADMIN_NOTICE_JOB)) is None  # seeding tells no one
