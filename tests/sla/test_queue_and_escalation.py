"""The queue shows breach and near-breach and sorts by due time; the sweep escalates a breach once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from tests.sla.conftest import Desk, policy_body

from trustdesk.jobs import queue as job_queue
from trustdesk.sla.service import SWEEP_JOB, attainment, sweep
from trustdesk.store.models import AuditEvent, Conversation, Job, SlaClock, User, utcnow


def _set_policy(desk: Desk, **changes: object) -> None:
    r = desk.admin.client.put("/api/v1/sla/policy", json=policy_body(**changes), headers=desk.admin.headers())
    assert r.status_code == 200, r.text


def test_queue_levels_and_sort_by_due(desk: Desk) -> None:
    _set_policy(desk)  # normal: first response in 60 minutes, round the clock; near at 80 %
    breached, near, fresh = desk.start_chat(), desk.start_chat(), desk.start_chat()
    desk.age(breached, 75)
    desk.age(near, 50)
    desk.age(fresh, 5)
    rows = desk.agent.client.get("/api/v1/conversations?view=new").json()
    levels = {c["id"]: c["sla"]["level"] for c in rows}
    assert levels == {breached: "breached", near: "near", fresh: "ok"}
    by_id = {c["id"]: c["sla"] for c in rows}
    assert by_id[near]["target"] == "first_response"
    assert 9 * 60 <= by_id[near]["business_seconds_left"] <= 10 * 60
    assert by_id[breached]["business_seconds_left"] < 0
    # Sorting by due time uses the swept clocks: sweep, then the most urgent comes first.
    with desk.sessions() as s:
        result, _ = sweep(s, desk.tenant_id)
        s.commit()
    assert result.refreshed == 3
    ordered = [c["id"] for c in desk.agent.client.get("/api/v1/conversations?view=new&sort=due").json()]
    assert ordered == [breached, near, fresh]
    by_activity = [c["id"] for c in desk.agent.client.get("/api/v1/conversations?view=new").json()]
    assert by_activity == [fresh, near, breached]
    # Urgent has a 10-minute first-response target: the fresh one is now due in 5 minutes, before `near`.
    desk.agent.client.post(
        f"/api/v1/conversations/{fresh}/labels", json={"priority": "urgent"}, headers=desk.agent.headers()
    )
    ordered = [c["id"] for c in desk.agent.client.get("/api/v1/conversations?view=new&sort=due").json()]
    assert ordered == [breached, fresh, near]
    # Another retailer's queue shows none of it.
    assert desk.outsider.client.get("/api/v1/conversations?view=all").json() == []


def test_an_answer_stops_the_first_response_clock(desk: Desk) -> None:
    _set_policy(desk)
    conv = desk.start_chat()
    desk.age(conv, 30)
    r = desk.agent.client.post(
        f"/api/v1/conversations/{conv}/messages",
        json={"body": "Hello, I'm on it."},
        headers=desk.agent.headers(),
    )
    assert r.status_code == 200, r.text
    sla = desk.agent.client.get(f"/api/v1/conversations/{conv}").json()["conversation"]["sla"]
    # Answered in time; the resolution clock now waits on the customer: nothing due.
    assert sla["level"] == "none" and sla["due_at"] is None
    with desk.sessions() as s:
        sweep(s, desk.tenant_id)
        s.commit()
        clock = s.scalar(select(SlaClock).join(Conversation).where(Conversation.public_id == conv))
        assert clock is not None and clock.first_response_met is True


def test_breach_escalates_once_reassigns_and_is_audited(desk: Desk) -> None:
    with desk.sessions() as s:
        kim = s.scalar(select(User).where(User.email == "kim@acme.test"))
        assert kim is not None
        kim_id = kim.id
    _set_policy(desk, escalation={"assign_to_user_id": kim_id, "notify": True})
    late, fine = desk.start_chat(), desk.start_chat()
    desk.age(late, 61)
    with desk.sessions() as s:
        result, events = sweep(s, desk.tenant_id)
        s.commit()
    assert result.escalated == 1
    assert events and events[0][1]["conversation"]["id"] == late
    assert events[0][1]["conversation"]["sla_escalation"] == {
        "target": "first_response",
        "reassigned_to": kim_id,
    }
    with desk.sessions() as s:
        conv = s.scalar(select(Conversation).where(Conversation.public_id == late))
        assert conv is not None and conv.assignee_user_id == kim_id and conv.status == "open"
        other = s.scalar(select(Conversation).where(Conversation.public_id == fine))
        assert other is not None and other.assignee_user_id is None
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "sla.escalated")).all()
        assert [(a.target, a.actor, a.details["target"], a.details["to_user"]) for a in audit] == [
            (f"conversation:{late}", "system:sla", "first_response", kim_id)
        ]
        clock = s.get(SlaClock, conv.id)
        assert clock is not None and clock.breached_at is not None and clock.escalated_at is not None
    # The next sweeps do not escalate the same breach again.
    with desk.sessions() as s:
        again, _ = sweep(s, desk.tenant_id)
        s.commit()
    assert again.escalated == 0
    # The escalation shows in the queue row.
    row = next(c for c in desk.agent.client.get("/api/v1/conversations?view=all").json() if c["id"] == late)
    assert row["sla"]["level"] == "breached" and row["assignee"]["id"] == kim_id


def test_the_sweep_job_runs_through_the_job_system_and_requeues_itself(desk: Desk) -> None:
    from trustdesk.jobs import Worker
    from trustdesk.runtime import default_handlers

    _set_policy(desk)
    conv = desk.start_chat()
    desk.age(conv, 90)
    with desk.sessions() as s:
        pending = s.scalars(select(Job).where(Job.kind == SWEEP_JOB, Job.status == job_queue.PENDING)).all()
        assert [j.tenant_id for j in pending] == [desk.tenant_id]
    worker = Worker(desk.sessions, default_handlers())
    assert worker.run_once() == 1
    with desk.sessions() as s:
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "sla.escalated")) is not None
        nxt = s.scalars(select(Job).where(Job.kind == SWEEP_JOB, Job.status == job_queue.PENDING)).all()
        assert len(nxt) == 1 and nxt[0].next_attempt_at > utcnow() + timedelta(seconds=10)


def test_attainment_counts_met_and_missed(desk: Desk) -> None:
    _set_policy(desk)
    met, missed = desk.start_chat(), desk.start_chat()
    desk.age(missed, 90)
    desk.agent.client.post(
        f"/api/v1/conversations/{met}/messages", json={"body": "On it."}, headers=desk.agent.headers()
    )
    with desk.sessions() as s:
        sweep(s, desk.tenant_id)
        s.commit()
        counts = attainment(s, desk.tenant_id, utcnow() - timedelta(days=1), utcnow() + timedelta(minutes=1))
    assert counts["first_response"] == {"met": 1, "missed": 1, "running": 0}
    api = desk.agent.client.get("/api/v1/sla/attainment").json()
    assert api["first_response"]["rate"] == 0.5
    assert desk.outsider.client.get("/api/v1/sla/attainment").json()["first_response"]["met"] == 0
