"""SLA over the store: the retailer's policy (audited), each conversation's clocks, and the sweep job
that keeps clocks fresh and escalates breaches.

Clocks are computed by the pure `sla.clock.evaluate` from a conversation's public turns and kept in
`sla_clocks` (for sorting the queue by due time, escalation and attainment). A clock is refreshed
when an agent changes the conversation's labels and by the `sla.sweep` job for every conversation
whose `updated_at` moved since (a message, an assignment, a resolution): the queue reads due times
at most one sweep late (SWEEP_SECONDS), and a breach escalates within a sweep of its due time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission, has_permission
from trustdesk.audit.log import record
from trustdesk.bus import agent_topic, conversation_topic, queue_topic
from trustdesk.jobs import enqueue
from trustdesk.jobs.queue import PENDING, RUNNING
from trustdesk.sla.clock import CUSTOMER, RETAILER, Clocks, Timeline, Turn, evaluate
from trustdesk.sla.policy import PolicyError, SlaPolicy, Target
from trustdesk.store.models import Conversation, Job, Message, SlaClock, SlaPolicyRow, User, utcnow

log = logging.getLogger("trustdesk.sla")

SWEEP_JOB = "sla.sweep"
SWEEP_SECONDS = 30.0
SWEEP_BATCH = 500
BREACH_EVENT = "conversation.sla_breached"
_STALE = datetime(1970, 1, 1, tzinfo=UTC)


# --- the policy ----------------------------------------------------------------------------------


def load_policy(session: Session, tenant_id: int) -> SlaPolicy | None:
    """The retailer's policy, or None when it has none (no clocks run)."""
    row = session.scalar(select(SlaPolicyRow).where(SlaPolicyRow.tenant_id == tenant_id))
    if row is None or not row.enabled:
        return None
    try:
        return SlaPolicy.from_dict(row.policy)
    except PolicyError:  # stored policies are checked on the way in; a corrupt one measures nothing
        log.warning("stored SLA policy unusable", extra={"tenant_id": tenant_id})
        return None


def policy_row(session: Session, tenant_id: int) -> SlaPolicyRow | None:
    return session.scalar(select(SlaPolicyRow).where(SlaPolicyRow.tenant_id == tenant_id))


def save_policy(
    session: Session, tenant_id: int, raw: dict[str, Any], *, actor: str, ip: str | None = None
) -> SlaPolicy:
    """Check and store the retailer's policy (audited `sla.policy_changed` with before and after); every
    open conversation's clock is recomputed by the next sweep, which is queued now."""
    policy = SlaPolicy.from_dict(raw)
    user_id = policy.escalation.assign_to_user_id
    if user_id is not None:
        user = session.get(User, user_id)
        if (
            user is None
            or user.tenant_id != tenant_id
            or not user.is_active
            or not has_permission(user.role, Permission.HANDLE_CONVERSATIONS)
        ):
            raise PolicyError("escalation.assign_to_user_id: not an active agent of this retailer")
    row = policy_row(session, tenant_id)
    before = row.policy if row is not None else None
    after = policy.to_dict()
    if row is None:
        row = SlaPolicyRow(tenant_id=tenant_id, policy=after, enabled=True)
        session.add(row)
    row.policy, row.enabled, row.updated_by, row.updated_at = after, True, actor[:200], utcnow()
    record(
        session,
        "sla.policy_changed",
        actor=actor,
        tenant_id=tenant_id,
        target="sla:policy",
        details={"before": before, "after": after},
        ip=ip,
    )
    mark_stale(session, tenant_id)
    ensure_sweep(session, tenant_id)
    return policy


def mark_stale(session: Session, tenant_id: int) -> None:
    """Have the next sweep recompute every clock of the retailer's unresolved conversations."""
    unresolved = select(Conversation.id).where(
        Conversation.tenant_id == tenant_id, Conversation.status != "resolved"
    )
    session.execute(
        update(SlaClock)
        .where(SlaClock.tenant_id == tenant_id, SlaClock.conversation_id.in_(unresolved))
        .values(computed_at=_STALE)
    )


def ensure_sweep(session: Session, tenant_id: int, delay_seconds: float = 0.0) -> None:
    """Queue the retailer's sweep unless one is already waiting (the sweep re-queues itself)."""
    waiting = session.scalar(
        select(Job.id).where(
            Job.kind == SWEEP_JOB, Job.tenant_id == tenant_id, Job.status.in_((PENDING, RUNNING))
        )
    )
    if waiting is None:
        enqueue(
            session, SWEEP_JOB, {"tenant_id": tenant_id}, tenant_id=tenant_id, delay_seconds=delay_seconds
        )


# --- clocks ----------------------------------------------------------------------------------------


def timeline(session: Session, conv: Conversation) -> Timeline:
    """The conversation's public turns: customer messages and agents' answers (bot and notices aside)."""
    rows = session.execute(
        select(Message.author_kind, Message.created_at)
        .where(
            Message.conversation_id == conv.id,
            Message.visibility == "public",
            Message.author_kind.in_(("customer", "agent")),
        )
        .order_by(Message.seq)
    )
    turns = [Turn(at, CUSTOMER if kind == "customer" else RETAILER) for kind, at in rows]
    return Timeline(conv.created_at, conv.priority or "normal", conv.channel, turns, conv.resolved_at)


def compute(session: Session, conv: Conversation, policy: SlaPolicy, now: datetime | None = None) -> Clocks:
    return evaluate(policy, timeline(session, conv), now or utcnow())


def refresh_clock(
    session: Session, conv: Conversation, policy: SlaPolicy | None = None, now: datetime | None = None
) -> SlaClock | None:
    """Recompute and store the conversation's clock row (None and no row when no policy applies)."""
    policy = policy or load_policy(session, conv.tenant_id)
    row = session.get(SlaClock, conv.id)
    if policy is None:
        if row is not None:
            session.delete(row)
        return None
    if row is None:
        row = SlaClock(conversation_id=conv.id, tenant_id=conv.tenant_id)
        session.add(row)
    return fill_clock(row, session, conv, policy, now or utcnow())


def fill_clock(
    row: SlaClock, session: Session, conv: Conversation, policy: SlaPolicy, now: datetime
) -> SlaClock:
    """Write the conversation's clocks as of `now` into `row` (stored or transient)."""
    # The change it reflects, not the time of computing: a write racing the sweep leaves it stale.
    return apply_clocks(row, compute(session, conv, policy, now), conv.updated_at)


def apply_clocks(row: Any, clocks: Clocks, computed_at: datetime) -> Any:
    """Set the `sla_clocks` columns of `row` (a clock row, or any object with those attributes) from
    evaluated clocks."""
    current = clocks.current
    first = clocks.get(Target.FIRST_RESPONSE)
    resolution = clocks.get(Target.RESOLUTION)
    row.target = current.target.value if current else None
    row.started_at = current.started_at if current else None
    row.warn_at = current.warn_at if current else None
    row.due_at = current.due_at if current else None
    row.first_response_due_at = first.due_at if first else None
    row.first_response_met = (not first.breached) if first and not first.running else None
    row.resolution_due_at = resolution.due_at if resolution else None
    row.resolution_met = (not resolution.breached) if resolution and not resolution.running else None
    row.next_response_turns = clocks.next_response_turns
    row.next_response_breaches = clocks.next_response_breaches
    row.breached_at = clocks.first_breach_at
    row.computed_at = computed_at
    return row


def clock_view(row: SlaClock | None, policy: SlaPolicy | None, now: datetime) -> dict[str, Any] | None:
    """What the queue shows: the running target, its due time, business time left, and the level
    ("ok", "near", "breached"; "none" when nothing runs)."""
    if row is None or policy is None:
        return None
    level = "none"
    remaining: float | None = None
    if row.due_at is not None:
        if now >= row.due_at:
            level = "breached"
            remaining = -policy.calendar.seconds_between(row.due_at, now)
        else:
            level = "near" if row.warn_at is not None and now >= row.warn_at else "ok"
            remaining = policy.calendar.seconds_between(now, row.due_at)
    return {
        "target": row.target,
        "due_at": row.due_at.isoformat() if row.due_at else None,
        "level": level,
        "business_seconds_left": int(remaining) if remaining is not None else None,
        "breached_before": row.breached_at is not None and level != "breached",
        "escalated_at": row.escalated_at.isoformat() if row.escalated_at else None,
    }


# --- the sweep -------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    refreshed: int = 0
    escalated: int = 0


def sweep(
    session: Session, tenant_id: int, *, now: datetime | None = None, batch: int = SWEEP_BATCH
) -> tuple[SweepResult, list[tuple[list[str], dict[str, Any]]]]:
    """Refresh stale clocks of one retailer, then escalate breaches not yet escalated. Returns the
    counts and the bus events to publish after the caller commits."""
    from trustdesk.conversations.views import conversation_dict
    from trustdesk.webhooks import enqueue_event

    now = now or utcnow()
    result = SweepResult()
    events: list[tuple[list[str], dict[str, Any]]] = []
    policy = load_policy(session, tenant_id)
    if policy is None:
        return result, events
    stale = session.execute(
        select(Conversation, SlaClock)
        .outerjoin(SlaClock, SlaClock.conversation_id == Conversation.id)
        .where(
            Conversation.tenant_id == tenant_id,
            or_(SlaClock.conversation_id.is_(None), SlaClock.computed_at < Conversation.updated_at),
        )
        .order_by(Conversation.updated_at.desc())
        .limit(batch)
    ).all()
    for conv, clock in stale:
        if clock is None:  # loaded with its conversation: no look-up per row
            clock = SlaClock(conversation_id=conv.id, tenant_id=tenant_id)
            session.add(clock)
        fill_clock(clock, session, conv, policy, now)
        result.refreshed += 1
    session.flush()

    due = session.execute(
        select(SlaClock, Conversation)
        .join(Conversation, Conversation.id == SlaClock.conversation_id)
        .where(
            SlaClock.tenant_id == tenant_id,
            SlaClock.due_at.is_not(None),
            SlaClock.due_at <= now,
            Conversation.status != "resolved",
            Conversation.bot_active.is_(False),
        )
        .limit(batch)
    ).all()
    escalation = policy.escalation
    for clock, conv in due:
        key = f"{clock.target}@{clock.due_at.isoformat() if clock.due_at else ''}"[:64]
        if clock.escalated_key == key:
            continue
        clock.escalated_key, clock.escalated_at = key, now
        if clock.breached_at is None or (clock.due_at is not None and clock.due_at < clock.breached_at):
            clock.breached_at = clock.due_at
        previous = conv.assignee_user_id
        reassigned = None
        if escalation.assign_to_user_id is not None and previous != escalation.assign_to_user_id:
            target_user = session.get(User, escalation.assign_to_user_id)
            if target_user is not None and target_user.tenant_id == tenant_id and target_user.is_active:
                conv.assignee_user_id = target_user.id
                conv.bot_active = False
                if conv.status == "new":
                    conv.status = "open"
                conv.updated_at = now
                reassigned = target_user.id
        record(
            session,
            "sla.escalated",
            actor="system:sla",
            tenant_id=tenant_id,
            target=f"conversation:{conv.public_id}",
            details={
                "target": clock.target,
                "due_at": clock.due_at.isoformat() if clock.due_at else None,
                "from_user": previous,
                "to_user": reassigned,
                "notified": escalation.notify,
            },
        )
        assignee = session.get(User, conv.assignee_user_id) if conv.assignee_user_id else None
        summary = conversation_dict(conv, assignee)
        summary["sla"] = clock_view(clock, policy, now)
        summary["sla_escalation"] = {"target": clock.target, "reassigned_to": reassigned}
        if escalation.notify:
            enqueue_event(
                session,
                tenant_id,
                BREACH_EVENT,
                {"conversation": {"id": conv.public_id, "reference": conv.reference}, "target": clock.target,
                 "due_at": clock.due_at.isoformat() if clock.due_at else None},
            )  # fmt: skip
        if escalation.notify or reassigned is not None:
            topics = [queue_topic(tenant_id), conversation_topic(conv.id)]
            topics += [agent_topic(a) for a in {previous, conv.assignee_user_id} if a is not None]
            events.append((topics, {"type": "conversation", "conversation": summary}))
        result.escalated += 1
    return result, events


def run_sweep_job(context: Any) -> None:
    """The `sla.sweep` job: sweep one retailer, then queue the next sweep while it has a policy."""
    tenant_id = int(context.payload["tenant_id"])
    with context.sessions() as session:
        result, events = sweep(session, tenant_id)
        if policy_row(session, tenant_id) is not None:
            # The job itself is still running: queue the next one directly. A full batch means more
            # clocks are stale (a new policy, a backlog): go on at once.
            delay = 0.0 if result.refreshed >= SWEEP_BATCH else SWEEP_SECONDS
            enqueue(session, SWEEP_JOB, {"tenant_id": tenant_id}, tenant_id=tenant_id, delay_seconds=delay)
        session.commit()
    desk = context.services.get("desk")
    if desk is not None:
        for topics, event in events:
            desk.publish(topics, event)
    if result.escalated:
        log.info("sla sweep", extra={"tenant_id": tenant_id, "escalated": result.escalated})


def attainment(
    session: Session, tenant_id: int, since: datetime, until: datetime, *, now: datetime | None = None
) -> dict[str, dict[str, int]]:
    """SLA attainment of conversations created in [since, until): per target, how many met it, missed it
    (an overdue running clock counts as missed) and are still running (paused clocks not counted).
    One aggregate query over `sla_clocks` and conversation timestamps; for the dashboard."""
    now = now or utcnow()

    def counts(met: Any, due: Any) -> list[Any]:
        return [
            func.coalesce(func.sum(case((met.is_(True), 1), else_=0)), 0),
            func.coalesce(
                func.sum(case((or_(met.is_(False), and_(met.is_(None), due <= now)), 1), else_=0)), 0
            ),
            func.coalesce(func.sum(case((and_(met.is_(None), due > now), 1), else_=0)), 0),
        ]

    row = session.execute(
        select(
            *counts(SlaClock.first_response_met, SlaClock.first_response_due_at),
            *counts(SlaClock.resolution_met, SlaClock.resolution_due_at),
            func.coalesce(func.sum(SlaClock.next_response_turns - SlaClock.next_response_breaches), 0),
            func.coalesce(func.sum(SlaClock.next_response_breaches), 0),
        )
        .join(Conversation, Conversation.id == SlaClock.conversation_id)
        .where(
            SlaClock.tenant_id == tenant_id, Conversation.created_at >= since, Conversation.created_at < until
        )
    ).one()
    values = [int(v) for v in row]
    return {
        "first_response": dict(zip(("met", "missed", "running"), values[0:3], strict=True)),
        "next_response": {"met": values[6], "missed": values[7], "running": 0},
        "resolution": dict(zip(("met", "missed", "running"), values[3:6], strict=True)),
    }
