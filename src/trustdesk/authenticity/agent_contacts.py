"""Verifiable agents: an agent announces a contact outside the chat, with a one-time code the customer can check.

The code is never stored: it is derived from the deployment key and the contact's random id,
so the agent's console and the customer's account page can both show it, and only a keyed
hash is kept for checking. Checks are single use, expire, lock after `MAX_FAILED_CHECKS`
misses, and every check is audited (never with the code).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record as audit
from trustdesk.authenticity.fingerprint import FingerprintKey
from trustdesk.i18n import words
from trustdesk.store.models import AgentContact, Customer, OfficialChannelRow, Order, Tenant, User
from trustdesk.verify import ChannelKind, normalize_channel_value
from trustdesk.verify.explain import possessive

CODE_DIGITS = 6
MAX_FAILED_CHECKS = 5
DEFAULT_MINUTES = 30
MAX_MINUTES = 24 * 60
CHANNELS = {"phone": ChannelKind.PHONE, "sms": ChannelKind.PHONE, "email": ChannelKind.EMAIL}


class ContactError(ValueError):
    """The contact cannot be opened; the message says why."""


class CodeOutcome(StrEnum):
    """What a code check found."""

    VALID = "valid"
    WRONG_CODE = "wrong_code"
    EXPIRED = "expired"
    ALREADY_USED = "already_used"
    LOCKED = "locked"
    NO_CONTACT = "no_contact"


def contact_code(key: FingerprintKey, public_id: str) -> str:
    """The contact's one-time code (six digits), derived, never stored."""
    number = int(key.mac("agent-contact-code", public_id)[:15], 16)
    return str(number % 10**CODE_DIGITS).zfill(CODE_DIGITS)


def _code_hash(key: FingerprintKey, public_id: str, code: str) -> str:
    return key.mac("agent-contact-check", public_id, code)


def _now() -> datetime:
    return datetime.now(UTC)


def open_contact(
    session: Session,
    tenant: Tenant,
    agent: User,
    *,
    customer: Customer,
    channel: str,
    official_contact: str,
    key: FingerprintKey,
    order_number: str | None = None,
    minutes: int = DEFAULT_MINUTES,
    ip: str | None = None,
) -> tuple[AgentContact, str]:
    """Open a contact for a customer; returns the row and the code the agent will say. Audited."""
    if customer.tenant_id != tenant.id or agent.tenant_id != tenant.id:
        raise ContactError("the customer and the agent must belong to this retailer")
    kind = CHANNELS.get(channel)
    if kind is None:
        raise ContactError(f"channel must be one of {', '.join(sorted(CHANNELS))}")
    if not 1 <= minutes <= MAX_MINUTES:
        raise ContactError(f"a contact lasts between 1 and {MAX_MINUTES} minutes")
    try:
        value, _, _ = normalize_channel_value(kind, official_contact)
    except ValueError as exc:
        raise ContactError(f"{official_contact!r} is not a valid {kind.value}: {exc}") from None
    official = session.scalar(
        select(OfficialChannelRow.id).where(
            OfficialChannelRow.tenant_id == tenant.id,
            OfficialChannelRow.kind == kind.value,
            OfficialChannelRow.value == value,
        )
    )
    if official is None:
        raise ContactError(
            f"{official_contact} is not one of {possessive(tenant.name)} official {kind.value} channels"
        )
    if order_number is not None:
        owned = session.scalar(
            select(Order.id).where(
                Order.tenant_id == tenant.id, Order.number == order_number, Order.customer_id == customer.id
            )
        )
        if owned is None:
            raise ContactError("that order does not belong to this customer")
    now = _now()
    public_id = secrets.token_urlsafe(16)
    code = contact_code(key, public_id)
    row = AgentContact(
        tenant_id=tenant.id,
        public_id=public_id,
        agent_user_id=agent.id,
        customer_id=customer.id,
        order_number=order_number,
        channel=channel,
        official_contact=value,
        code_hash=_code_hash(key, public_id, code),
        expires_at=now + timedelta(minutes=minutes),
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        "agent_contact.opened",
        actor=f"{agent.role}:{agent.email}",
        tenant_id=tenant.id,
        target=public_id,
        details={"customer_id": customer.id, "channel": channel, "minutes": minutes},
        ip=ip,
    )
    return row, code


def describe(session: Session, row: AgentContact, key: FingerprintKey, *, with_code: bool) -> dict[str, Any]:
    """A contact as the customer's account page (with_code) or a public answer (without) shows it."""
    agent = session.get(User, row.agent_user_id)
    data: dict[str, Any] = {
        "id": row.public_id,
        "agent": agent.display_name if agent else "",
        "agent_number": agent.agent_number if agent else None,
        "channel": row.channel,
        "official_contact": row.official_contact,
        "order_number": row.order_number,
        "expires_at": row.expires_at.isoformat(),
    }
    if with_code:
        data["code"] = contact_code(key, row.public_id)
    return data


def live_contacts(session: Session, tenant: Tenant, customer: Customer) -> list[AgentContact]:
    """The customer's contacts that have not expired, been used, revoked or locked."""
    return list(
        session.scalars(
            select(AgentContact)
            .where(
                AgentContact.tenant_id == tenant.id,
                AgentContact.customer_id == customer.id,
                AgentContact.expires_at > _now(),
                AgentContact.used_at.is_(None),
                AgentContact.revoked_at.is_(None),
                AgentContact.locked_at.is_(None),
            )
            .order_by(AgentContact.created_at.desc())
        )
    )


def contacts_for_customer(
    session: Session, tenant: Tenant, customer: Customer, key: FingerprintKey
) -> list[dict[str, Any]]:
    """What the signed-in customer's account page lists: who, which channel, from where, until when, the code."""
    return [describe(session, row, key, with_code=True) for row in live_contacts(session, tenant, customer)]


@dataclass(frozen=True)
class CodeCheck:
    """The answer to "is the person contacting me really from the retailer?"."""

    outcome: CodeOutcome
    explanation: str
    contact: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"outcome": self.outcome.value, "explanation": self.explanation, "contact": self.contact}


def check_code(
    session: Session,
    tenant: Tenant,
    *,
    order_number: str,
    email: str,
    code: str,
    key: FingerprintKey,
    ip: str | None = None,
    lang: str | None = None,
) -> CodeCheck:
    """Check a code given by someone claiming to be an agent, with the order number and e-mail. Audited.
    The explanation is written in ``lang`` (English without one).

    The caller's transaction must be committed afterwards (failed checks count towards lockout).
    """
    w = words(lang)
    name = tenant.name
    not_us = w.gettext(
        "Nobody from {name} is contacting you about this order right now. Whoever is calling or writing "
        "is not {name}: end the conversation and do not share anything.",
        name=name,
    )
    customer = session.scalar(
        select(Customer)
        .join(Order, Order.customer_id == Customer.id)
        .where(
            Customer.tenant_id == tenant.id,
            func.lower(Customer.email) == email.strip().lower(),
            Order.tenant_id == tenant.id,
            Order.number == order_number.strip(),
        )
    )
    rows: list[AgentContact] = []
    if customer is not None:
        rows = list(
            session.scalars(
                select(AgentContact)
                .where(AgentContact.tenant_id == tenant.id, AgentContact.customer_id == customer.id)
                .order_by(AgentContact.created_at.desc())
                .limit(20)
            )
        )
        rows = [r for r in rows if r.order_number in (None, order_number.strip())]
    given = "".join(ch for ch in code if ch.isdigit())[: CODE_DIGITS + 2]
    now = _now()
    outcome, match = CodeOutcome.NO_CONTACT, None
    for row in rows:
        if hmac.compare_digest(row.code_hash, _code_hash(key, row.public_id, given)):
            match = row
            break
    if match is not None:
        if match.locked_at is not None or match.revoked_at is not None:
            outcome = CodeOutcome.LOCKED
        elif match.used_at is not None:
            outcome = CodeOutcome.ALREADY_USED
        elif match.expires_at <= now:
            outcome = CodeOutcome.EXPIRED
        else:
            outcome = CodeOutcome.VALID
            match.used_at = now
    else:
        live = [r for r in rows if r.expires_at > now and r.used_at is None and r.revoked_at is None]
        if any(r.locked_at is not None for r in live):
            outcome = CodeOutcome.LOCKED
        elif live:
            outcome = CodeOutcome.WRONG_CODE
            for row in live:
                row.failed_checks += 1
                if row.failed_checks >= MAX_FAILED_CHECKS:
                    row.locked_at = now
    audit(
        session,
        "agent_contact.checked",
        actor="public",
        tenant_id=tenant.id,
        target=match.public_id if match else "",
        details={"outcome": outcome.value, "order_number": order_number.strip()[:64]},
        ip=ip,
    )
    session.flush()
    texts = {
        CodeOutcome.VALID: w.gettext(
            "Yes: this is a {name} agent contacting you as announced on your account page.", name=name
        ),
        CodeOutcome.WRONG_CODE: w.gettext(
            "That code is wrong. A real {name} agent can tell you the code shown on your account page.",
            name=name,
        )
        + " "
        + not_us,
        CodeOutcome.EXPIRED: w.gettext("That code has expired.") + " " + not_us,
        CodeOutcome.ALREADY_USED: w.gettext("That code was already checked and cannot be used again.")
        + " "
        + not_us,
        CodeOutcome.LOCKED: w.gettext("Too many wrong codes were tried for this contact, so it is locked.")
        + " "
        + not_us,
        CodeOutcome.NO_CONTACT: not_us,
    }
    contact = (
        describe(session, match, key, with_code=False) if match and outcome is CodeOutcome.VALID else None
    )
    return CodeCheck(outcome, texts[outcome], contact)
