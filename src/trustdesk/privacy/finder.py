"""Finding everything one tenant holds about one person (storage: reads only).

Everything is collected by e-mail address, within ONE tenant; a phone or order number first leads
to the customers' addresses (`addresses_for`). Conversations are found by the customer record, by
the address typed when the chat started, and by the browser (visitor id) of one of those, since an
anonymous chat from the same browser is the same person.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from trustdesk.accounts.permissions import Role
from trustdesk.privacy.subject import Lookup, LookupKind, normalise_email, phone_digits, same_phone
from trustdesk.store.models import (
    AgentContact,
    Conversation,
    Customer,
    Job,
    MailAttachment,
    MailRecord,
    Message,
    Order,
    Report,
    ReturnAuthorisationRow,
    SentMessage,
    User,
)


@dataclass
class Subject:
    """The rows (by id) that hold one person's data in one tenant, and the strings that name them."""

    tenant_id: int
    email: str
    names: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)  # as stored, for cutting them out of text
    customer_ids: list[int] = field(default_factory=list)
    account_ids: list[int] = field(default_factory=list)
    conversation_ids: list[int] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)
    mail_ids: list[int] = field(default_factory=list)
    attachment_ids: list[int] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)
    return_ids: list[int] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)
    sent_message_ids: list[int] = field(default_factory=list)
    agent_contact_ids: list[int] = field(default_factory=list)
    job_ids: list[int] = field(default_factory=list)
    mention_message_ids: list[int] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(
            self.customer_ids
            or self.account_ids
            or self.conversation_ids
            or self.report_ids
            or self.sent_message_ids
        )

    def counts(self) -> dict[str, int]:
        """Rows found per kind (files and cache keys are counted by the erasure, which checks them)."""
        return {
            "customers": len(self.customer_ids),
            "accounts": len(self.account_ids),
            "conversations": len(self.conversation_ids),
            "messages": len(self.message_ids),
            "mail": len(self.mail_ids),
            "attachments": len(self.attachment_ids),
            "attachment_files": 0,
            "orders": len(self.order_ids),
            "returns": len(self.return_ids),
            "reports": len(self.report_ids),
            "sent_messages": len(self.sent_message_ids),
            "agent_contacts": len(self.agent_contact_ids),
            "jobs": len(self.job_ids),
            "mentions": len(self.mention_message_ids),
            "cache_keys": 0,
        }

    def needles(self) -> list[str]:
        """The strings cut out of text that is about someone else: the address and the phone numbers."""
        return [self.email, *sorted(self.phones)]


def addresses_for(session: Session, tenant_id: int, lookup: Lookup) -> list[str]:
    """The e-mail addresses a search leads to: the address itself, or the customers with that phone
    or order number (sorted, lower-case)."""
    if lookup.kind is LookupKind.EMAIL:
        return [lookup.value]
    if lookup.kind is LookupKind.ORDER:
        rows = session.scalars(
            select(Customer.email)
            .join(Order, Order.customer_id == Customer.id)
            .where(Order.tenant_id == tenant_id, Order.number == lookup.value)
        )
        return sorted({e.lower() for e in rows})
    customers = session.execute(
        select(Customer.email, Customer.phone).where(
            Customer.tenant_id == tenant_id, Customer.phone.is_not(None)
        )
    )
    return sorted({email.lower() for email, phone in customers if same_phone(phone, lookup.value)})


def _ids(session: Session, query) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(set(session.scalars(query)))


def find_subject(
    session: Session, tenant_id: int, email: str, *, recipient_hashes: Sequence[str] = ()
) -> Subject:
    """Everything tenant `tenant_id` holds about the person with this address (nothing of any other tenant).

    `recipient_hashes` are the keyed hashes `sent_messages` keep of the address (authenticity key; one
    per configured secret key, as rows sent before a rotation carry the older key's hash)."""
    email = normalise_email(email)
    s = Subject(tenant_id=tenant_id, email=email)
    customers = session.scalars(
        select(Customer).where(Customer.tenant_id == tenant_id, func.lower(Customer.email) == email)
    ).all()
    s.customer_ids = sorted(c.id for c in customers)
    s.names |= {c.name for c in customers if c.name}
    s.phones |= {c.phone for c in customers if c.phone}
    linked_users = {c.user_id for c in customers if c.user_id is not None}
    accounts = session.scalars(
        select(User).where(
            User.tenant_id == tenant_id,
            User.role == Role.CUSTOMER.value,
            or_(func.lower(User.email) == email, User.id.in_(linked_users)),
        )
    ).all()
    s.account_ids = sorted(u.id for u in accounts)
    s.names |= {u.display_name for u in accounts if u.display_name}

    by_person = or_(
        func.lower(Conversation.customer_email) == email,
        Conversation.customer_id.in_(s.customer_ids),
    )
    visitors = set(
        session.scalars(
            select(Conversation.visitor_id).where(
                Conversation.tenant_id == tenant_id, by_person, Conversation.visitor_id.is_not(None)
            )
        )
    )
    conversations = session.execute(
        select(Conversation.id, Conversation.customer_name).where(
            Conversation.tenant_id == tenant_id,
            or_(by_person, Conversation.visitor_id.in_(visitors)) if visitors else by_person,
        )
    ).all()
    s.conversation_ids = sorted(cid for cid, _ in conversations)
    s.names |= {name for _, name in conversations if name}
    conv_ids = s.conversation_ids
    s.message_ids = _ids(
        session,
        select(Message.id).where(Message.tenant_id == tenant_id, Message.conversation_id.in_(conv_ids)),
    )
    s.mail_ids = _ids(
        session,
        select(MailRecord.id).where(
            MailRecord.tenant_id == tenant_id, MailRecord.conversation_id.in_(conv_ids)
        ),
    )
    s.attachment_ids = _ids(
        session,
        select(MailAttachment.id).where(
            MailAttachment.tenant_id == tenant_id, MailAttachment.conversation_id.in_(conv_ids)
        ),
    )
    s.order_ids = _ids(
        session, select(Order.id).where(Order.tenant_id == tenant_id, Order.customer_id.in_(s.customer_ids))
    )
    s.return_ids = _ids(
        session,
        select(ReturnAuthorisationRow.id).where(
            ReturnAuthorisationRow.tenant_id == tenant_id, ReturnAuthorisationRow.order_id.in_(s.order_ids)
        ),
    )
    contacts = session.execute(
        select(Report.id, Report.reporter_contact).where(
            Report.tenant_id == tenant_id, Report.reporter_contact.is_not(None)
        )
    ).all()
    s.report_ids = sorted(
        rid
        for rid, contact in contacts
        if contact
        and (contact.strip().lower() == email or any(same_phone(contact, phone_digits(p)) for p in s.phones))
    )
    sent: list[ColumnElement[bool]] = [SentMessage.conversation_id.in_(conv_ids)]
    if recipient_hashes:
        sent.append(SentMessage.recipient_hash.in_(list(recipient_hashes)))
    s.sent_message_ids = _ids(
        session, select(SentMessage.id).where(SentMessage.tenant_id == tenant_id, or_(*sent))
    )
    s.agent_contact_ids = _ids(
        session,
        select(AgentContact.id).where(
            AgentContact.tenant_id == tenant_id, AgentContact.customer_id.in_(s.customer_ids)
        ),
    )
    s.job_ids = _job_ids(session, tenant_id, email, set(conv_ids), s.account_ids)
    mention = [func.lower(Message.body).contains(email)]
    mention += [Message.body.contains(p) for p in s.phones]
    s.mention_message_ids = _ids(
        session,
        select(Message.id).where(
            Message.tenant_id == tenant_id, ~Message.conversation_id.in_(conv_ids), or_(*mention)
        ),
    )
    return s


def _job_ids(
    session: Session, tenant_id: int, email: str, conv_ids: set[int], user_ids: list[int]
) -> list[int]:
    """Jobs that name the person: by address anywhere in the payload, or by conversation or account id."""
    found = []
    rows = session.execute(select(Job.id, Job.payload).where(Job.tenant_id == tenant_id))
    for job_id, payload in rows:
        payload = payload or {}
        if (
            payload.get("conversation_id") in conv_ids
            or payload.get("user_id") in user_ids
            or email in json.dumps(payload, ensure_ascii=False).lower()
        ):
            found.append(job_id)
    return sorted(found)
