"""Four-eyes changes to a tenant's official channels: one admin requests, a second, independent and
established admin decides (accounts.four_eyes); every admin is told of each step (admin notices)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trustdesk.accounts.admin_grants import party
from trustdesk.accounts.admin_notices import notify_admins
from trustdesk.accounts.four_eyes import DEFAULT_COOL_OFF, decision_refusal
from trustdesk.audit.log import record
from trustdesk.store.models import ChannelChange, OfficialChannelRow, RegistryState, Tenant, User, utcnow
from trustdesk.verify import ChannelKind, ContactInputError, make_channel

ACTIONS = ("add", "remove", "edit")
CHANNELS_CONSOLE = "/console/channels"
MAX_PENDING_PER_TENANT = 200


class ChangeError(ValueError):
    """A channel change cannot be requested or decided as asked; the message is safe to show."""


@dataclass(frozen=True)
class ChannelInput:
    kind: str
    value: str
    purpose: str = ""
    country: str = ""
    platform: str = ""
    label: str = ""


def normalised_payload(tenant: Tenant, data: ChannelInput) -> dict[str, Any]:
    """Validate and normalise what the admin typed, exactly as it will be stored."""
    try:
        kind = ChannelKind(data.kind)
    except ValueError:
        raise ChangeError(
            f"unknown channel kind {data.kind!r}; use one of {', '.join(k.value for k in ChannelKind)}"
        ) from None
    try:
        channel = make_channel(
            tenant.slug,
            tenant.name,
            kind,
            data.value,
            purpose=data.purpose.strip()[:80],
            country=data.country.strip().upper()[:2],
            platform=data.platform.strip().lower()[:40],
            label=data.label.strip()[:120],
        )
    except ContactInputError as exc:
        raise ChangeError(str(exc)) from None
    return {
        "kind": channel.kind.value,
        "value": channel.value,
        "purpose": channel.purpose,
        "country": channel.country,
        "platform": channel.platform,
        "label": channel.label,
    }


def bump_registry_version(session: Session) -> None:
    """Tell every instance to reload its registry index."""
    updated = session.execute(
        update(RegistryState).where(RegistryState.id == 1).values(version=RegistryState.version + 1)
    )
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        session.add(RegistryState(id=1, version=1))
        session.flush()


def _find_existing(session: Session, tenant_id: int, payload: dict[str, Any]) -> OfficialChannelRow | None:
    return session.scalar(
        select(OfficialChannelRow).where(
            OfficialChannelRow.tenant_id == tenant_id,
            OfficialChannelRow.kind == payload["kind"],
            OfficialChannelRow.platform == payload["platform"],
            OfficialChannelRow.value == payload["value"],
        )
    )


def request_change(
    session: Session,
    tenant: Tenant,
    requester: User,
    action: str,
    *,
    data: ChannelInput | None = None,
    channel_id: int | None = None,
    note: str = "",
    ip: str | None = None,
    notify: bool = True,
) -> ChannelChange:
    """Record a pending change; nothing changes in the registry until a second admin approves.
    Every admin is told (`notify`: off only for seeding a registry, see seed_channels)."""
    if action not in ACTIONS:
        raise ChangeError("action must be add, remove or edit")
    pending = session.scalars(
        select(ChannelChange.id).where(
            ChannelChange.tenant_id == tenant.id, ChannelChange.status == "pending"
        )
    ).all()
    if len(pending) >= MAX_PENDING_PER_TENANT:
        raise ChangeError("too many pending changes; decide some before requesting more")
    payload: dict[str, Any] = {}
    target: OfficialChannelRow | None = None
    if action in ("remove", "edit"):
        if channel_id is None:
            raise ChangeError(f"{action} needs the channel id")
        target = session.scalar(
            select(OfficialChannelRow).where(
                OfficialChannelRow.tenant_id == tenant.id, OfficialChannelRow.id == channel_id
            )
        )
        if target is None:
            raise ChangeError("no such channel")
    if action in ("add", "edit"):
        if data is None:
            raise ChangeError(f"{action} needs the channel details")
        payload = normalised_payload(tenant, data)
        existing = _find_existing(session, tenant.id, payload)
        if existing is not None and (action == "add" or existing.id != channel_id):
            raise ChangeError("this channel is already official")
    change = ChannelChange(
        tenant_id=tenant.id,
        action=action,
        channel_id=target.id if target else None,
        payload=payload,
        status="pending",
        requested_by_id=requester.id,
        note=note.strip()[:1000],
    )
    session.add(change)
    session.flush()
    described = payload or {"kind": target.kind, "value": target.value} if target else payload
    record(
        session,
        "channel.change_requested",
        actor=f"{requester.role}:{requester.email}",
        tenant_id=tenant.id,
        target=f"channel_change:{change.id}",
        details={"action": action, "channel": described},
        ip=ip,
    )
    if notify:
        notify_admins(
            session,
            tenant,
            f"Channel change requested: {action} {_describe(described)}",
            [
                f"{requester.email} asked to {action} the official channel {_describe(described)}.",
                *([f"Their note: {change.note}"] if change.note else []),
                "Nothing changes until another established admin approves it.",
            ],
            CHANNELS_CONSOLE,
        )
    return change


def _describe(channel: dict[str, Any]) -> str:
    return f"{channel.get('kind', 'channel')} {channel.get('value', '#' + str(channel.get('id', '?')))}"[:200]


def decide_change(
    session: Session,
    tenant: Tenant,
    change_id: int,
    decider: User,
    *,
    approve: bool,
    ip: str | None = None,
    cool_off: timedelta = DEFAULT_COOL_OFF,
    now: datetime | None = None,
    notify: bool = True,
) -> ChannelChange:
    """Approve (and apply) or reject a pending change.

    The four-eyes rules (accounts.four_eyes) decide who may: never the requester, nor an account
    the requester created or promoted (or that created or promoted the requester), nor an admin
    younger in its role than `cool_off`. A refusal raises ChangeError and is audited
    (channel.self_approval_refused / channel.decision_refused); the caller commits that record.
    """
    change = session.scalar(
        select(ChannelChange)
        .where(ChannelChange.tenant_id == tenant.id, ChannelChange.id == change_id)
        .with_for_update()
    )
    if change is None:
        raise ChangeError("no such change request")
    if change.status != "pending":
        raise ChangeError(f"this change was already {change.status}")
    actor = f"{decider.role}:{decider.email}"
    requester = session.get(User, change.requested_by_id)
    if requester is None:
        raise ChangeError("no such change request")
    moment = now or utcnow()
    refusal = decision_refusal(party(requester), party(decider), now=moment, cool_off=cool_off)
    if refusal is not None:
        record(
            session,
            "channel.self_approval_refused" if requester.id == decider.id else "channel.decision_refused",
            actor=actor,
            tenant_id=tenant.id,
            target=f"channel_change:{change.id}",
            details={"decision": "approve" if approve else "reject", "reason": refusal},
            ip=ip,
        )
        raise ChangeError(refusal)
    change.decided_by_id = decider.id
    change.decided_at = moment
    channel = change.payload or {"id": change.channel_id}
    if approve:
        _apply(session, tenant, change)
        change.status = "approved"
        bump_registry_version(session)
    else:
        change.status = "rejected"
    record(
        session,
        "channel.change_approved" if approve else "channel.change_rejected",
        actor=actor,
        tenant_id=tenant.id,
        target=f"channel_change:{change.id}",
        details={"action": change.action, "channel": channel} if approve else {},
        ip=ip,
    )
    if notify:
        verb = "approved" if approve else "rejected"
        notify_admins(
            session,
            tenant,
            f"Channel change {verb}: {change.action} {_describe(channel)}",
            [
                f"{decider.email} {verb} the request by {requester.email} to {change.action} "
                f"the official channel {_describe(channel)}.",
                "It is now in effect: verification answers accordingly."
                if approve
                else "Nothing was changed.",
            ],
            CHANNELS_CONSOLE,
        )
    return change


def _apply(session: Session, tenant: Tenant, change: ChannelChange) -> None:
    payload = change.payload
    if change.action == "add":
        if _find_existing(session, tenant.id, payload) is not None:
            raise ChangeError("this channel became official in the meantime")
        session.add(OfficialChannelRow(tenant_id=tenant.id, **payload))
        session.flush()
        return
    target = session.get(OfficialChannelRow, change.channel_id) if change.channel_id else None
    if target is None or target.tenant_id != tenant.id:
        raise ChangeError("the channel no longer exists")
    if change.action == "remove":
        session.delete(target)
    else:
        for key, value in payload.items():
            setattr(target, key, value)
    session.flush()


def cancel_change(
    session: Session, tenant: Tenant, change_id: int, user: User, *, ip: str | None = None
) -> ChannelChange:
    change = session.scalar(
        select(ChannelChange).where(ChannelChange.tenant_id == tenant.id, ChannelChange.id == change_id)
    )
    if change is None or change.status != "pending":
        raise ChangeError("no such pending change request")
    if change.requested_by_id != user.id:
        raise ChangeError("only the requester can withdraw a change")
    change.status = "cancelled"
    change.decided_at = utcnow()
    record(
        session,
        "channel.change_cancelled",
        actor=f"{user.role}:{user.email}",
        tenant_id=tenant.id,
        target=f"channel_change:{change.id}",
        ip=ip,
    )
    return change


def seed_channels(
    session: Session, tenant: Tenant, requester: User, approver: User, items: list[ChannelInput]
) -> int:
    """Add channels through the same four-eyes path (used by the demo): request, then a second,
    established admin approves. No notices: this seeds a registry before anyone works on it."""
    added = 0
    for item in items:
        change = request_change(
            session, tenant, requester, "add", data=item, note="initial registry", notify=False
        )
        decide_change(session, tenant, change.id, approver, approve=True, notify=False)
        added += 1
    return added
