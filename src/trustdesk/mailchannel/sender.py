"""Job handler "mail.send": an agent's public reply in an e-mail conversation, sent through the relay.

The pipeline enqueues the job in the reply's own transaction. The handler reserves the mail's
Message-ID before the first attempt (a retry resends the very same mail, so the receiver can
drop a duplicate), builds multipart/alternative text + HTML with In-Reply-To/References, the
conversation reference in the subject and the message's public reference (header and footer),
DKIM-signs it with the retailer's key for the From domain when there is one, and hands it to
the relay with aiosmtplib (or, for a conversation fetched from the retailer's own mailbox, to that
mailbox's SMTP submission server: trustdesk.mailboxes.outbound). Refusals (5xx) dead-letter at once; everything else is retried with
backoff by the job worker, dead-lettered after the configured attempts. The relay password is
never logged or stored in a job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NoReturn

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trustdesk.audit.log import record as audit
from trustdesk.authenticity.outbound import footer_line
from trustdesk.authenticity.service import active_dkim_key, dkim_private_key
from trustdesk.jobs import JobContext, PermanentJobError
from trustdesk.mail import organizational_domain
from trustdesk.mail.headers import HeaderRefused, valid_msg_id
from trustdesk.mail.relay import Relay, RelayRefused, deliver
from trustdesk.mailchannel.addresses import domain_owners, normalise_address, on_foreign_domain
from trustdesk.mailchannel.compose import Reply, build_reply, new_message_id, safe_header_address, sign_reply
from trustdesk.mailchannel.threads import reply_references, reply_subject
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import Conversation, MailRecord, Message, OfficialChannelRow, Tenant, utcnow

log = logging.getLogger("trustdesk.mail")


def official_addresses(session: Session, tenant: Tenant) -> list[str]:
    """The retailer's official e-mail addresses, support ones first: what the desk may send from.
    Never one on another retailer's primary domain: each retailer's admins type in their own list,
    and the desk's relay may be in that other domain's SPF record (the mail would pass DMARC)."""
    owners = domain_owners(
        {int(t): str(d) for t, d in session.execute(select(Tenant.id, Tenant.primary_domain))}
    )
    return [
        normalise_address(value)
        for (value,) in session.execute(
            select(OfficialChannelRow.value)
            .where(OfficialChannelRow.tenant_id == tenant.id, OfficialChannelRow.kind == "email")
            .order_by((OfficialChannelRow.purpose == "support").desc(), OfficialChannelRow.id)
        )
        if not on_foreign_domain(value, tenant.id, owners)
    ]


def support_address(session: Session, tenant: Tenant, conv: Conversation) -> str | None:
    """Which official address the reply comes from: the one the customer wrote to, else the first support one."""
    official = official_addresses(session, tenant)
    last_in = session.scalar(
        select(MailRecord.to_address)
        .where(MailRecord.conversation_id == conv.id, MailRecord.direction == "inbound")
        .order_by(MailRecord.id.desc())
        .limit(1)
    )
    if last_in and normalise_address(last_in) in official:
        return normalise_address(last_in)
    return official[0] if official else None


def _signing_key(session: Session, tenant: Tenant, from_domain: str) -> Any:
    """The tenant's live DKIM key for the From domain, else for its organisational domain (aligned)."""
    key = active_dkim_key(session, tenant, from_domain)
    if key is None and organizational_domain(from_domain) != from_domain:
        key = active_dkim_key(session, tenant, organizational_domain(from_domain))
    return key


def refuse_mail(
    session: Session, action: str, tenant_id: int | None, conv: Conversation | None, reason: str
) -> NoReturn:
    """Audit why a mail to the customer is not sent (`action`), then dead-letter its job with the reason."""
    audit(
        session,
        action,
        actor="system:mail",
        tenant_id=tenant_id,
        target=f"conversation:{conv.public_id}" if conv is not None else "",
        details={"reason": reason},
    )
    session.commit()
    raise PermanentJobError(reason)


def _refuse(session: Session, tenant_id: int | None, conv: Conversation | None, reason: str) -> NoReturn:
    refuse_mail(session, "mail.reply_not_sent", tenant_id, conv, reason)


def threaded_outbound(
    session: Session,
    tenant: Tenant,
    conv: Conversation,
    message_id: int | None,
    refuse: Callable[[str], NoReturn],
) -> MailRecord:
    """A new outbound mail record (not yet added): from the support address, threaded under the
    customer's last mail, with a fresh Message-ID. No support address: `refuse` (it raises)."""
    sender = support_address(session, tenant, conv)
    if sender is None:
        refuse("the retailer has no official support e-mail address to send from")
    parent = session.scalar(
        select(MailRecord)
        .where(MailRecord.conversation_id == conv.id, MailRecord.direction == "inbound")
        .order_by(MailRecord.id.desc())
        .limit(1)
    )
    return MailRecord(
        tenant_id=tenant.id,
        conversation_id=conv.id,
        message_id=message_id,
        direction="outbound",
        status="sending",
        header_message_id=new_message_id(str(sender).rpartition("@")[2]),
        # Only valid msg-ids: intake stores no others, but rows from before it checked may hold any.
        in_reply_to=(
            parent.header_message_id
            if parent is not None and valid_msg_id(parent.header_message_id)
            else None
        ),
        references=[
            r
            for r in (
                reply_references(parent.header_message_id, parent.references or [])
                if parent is not None
                else ()
            )
            if valid_msg_id(r)
        ],
        from_address=str(sender),
        to_address=str(conv.customer_email)[:320],
    )


def signed(session: Session, box: SecretBox, tenant: Tenant, raw: bytes, from_address: str) -> bytes:
    """The mail DKIM-signed with the retailer's key for the From domain (or its organisational one), if any."""
    key = _signing_key(session, tenant, from_address.rpartition("@")[2])
    if key is None:
        return raw
    return sign_reply(
        raw, domain=key.domain, selector=key.selector, private_key_pem=dkim_private_key(box, key)
    )


def job_services(context: JobContext) -> tuple[Any, SecretBox, Relay | None]:
    """The settings, secret box and relay a mail job sends with (tests hand in their own)."""
    from trustdesk.config import get_settings

    settings = context.services.get("settings") or get_settings()
    box = context.services.get("box") or SecretBox(settings.encryption_key or "")
    return settings, box, context.services.get("mail_relay") or Relay.from_settings(settings)


def dispatch(route: Any, relay: Relay | None, raw: bytes, sender: str, recipient: str, settings: Any) -> None:
    """Hand the mail to the retailer's own mailbox (its SMTP submission) when there is a route, else to the
    relay. A mailbox's refusal is final, its other failures are retried; the relay's errors pass through."""
    from trustdesk.mailboxes.connect import MailboxConnectError
    from trustdesk.mailboxes.outbound import send_through

    if route is not None:
        try:
            send_through(route, raw, sender, recipient, ca_file=getattr(settings, "mailbox_ca_file", None))
        except MailboxConnectError as exc:
            if exc.permanent:
                raise PermanentJobError(exc.message) from None
            raise RuntimeError(exc.message) from None
    else:
        deliver(raw, sender, recipient, relay)  # type: ignore[arg-type]


def mark_sent(context: JobContext, record_id: int) -> None:
    with context.sessions() as session:
        session.execute(
            update(MailRecord).where(MailRecord.id == record_id).values(status="sent", sent_at=utcnow())
        )
        session.commit()


def prepare(
    session: Session, tenant_id: int | None, payload: dict[str, Any], settings: Any, box: SecretBox
) -> tuple[MailRecord, bytes] | None:
    """Reserve (or reload) the outbound mail record and build the signed mail; None when already sent."""
    conv = session.get(Conversation, int(payload["conversation_id"]))
    if conv is None or conv.tenant_id != tenant_id:
        raise PermanentJobError("the conversation no longer exists")
    tenant = session.get(Tenant, conv.tenant_id)
    message = session.scalar(
        select(Message).where(Message.conversation_id == conv.id, Message.seq == int(payload["seq"]))
    )
    if tenant is None or message is None:
        raise PermanentJobError("the message no longer exists")
    if not conv.customer_email:
        _refuse(session, tenant.id, conv, "the conversation has no customer e-mail address")
    if not message.reference:
        _refuse(session, tenant.id, conv, "the message has no public reference")
    record = session.scalar(select(MailRecord).where(MailRecord.message_id == message.id))
    if record is not None and record.status == "sent":
        return None
    if record is None:
        record = threaded_outbound(
            session, tenant, conv, message.id, lambda reason: _refuse(session, tenant.id, conv, reason)
        )
        session.add(record)
        session.commit()  # the Message-ID is fixed before the first attempt
    base_url = str(getattr(settings, "public_base_url", "") or "")
    if not safe_header_address(record.to_address):
        _refuse(
            session, tenant.id, conv, "the customer's address cannot be written safely into a mail header"
        )
    try:
        raw = build_reply(
            Reply(
                from_name=tenant.name,
                from_address=record.from_address,
                to_name=conv.customer_name,
                to_address=record.to_address,
                subject=reply_subject(conv.subject, conv.reference),
                text=message.body,
                # In the conversation's language: the footer is the line a worried customer acts on.
                footer=footer_line(str(message.reference), base_url, tenant.slug, conv.language),
                reference=str(message.reference),
                message_id=record.header_message_id,
                in_reply_to=record.in_reply_to,
                references=tuple(record.references or ()),
                date=message.created_at,
                automatic=message.author_kind == "bot",
            )
        )
    except HeaderRefused as exc:
        # Not one header may be other than intended in a mail the retailer signs: not sent, audited.
        _refuse(session, tenant.id, conv, f"the reply's headers failed the check before signing: {exc}")
    return record, signed(session, box, tenant, raw, record.from_address)


def send_reply(context: JobContext) -> None:
    """The "mail.send" job handler."""
    from trustdesk.mailboxes.outbound import submission_route

    settings, box, relay = job_services(context)
    with context.sessions() as session:
        # A conversation fetched from the retailer's own mailbox is answered through its SMTP submission.
        route = submission_route(
            session, context.job.tenant_id, int(context.payload.get("conversation_id", 0)), box
        )
        if relay is None and route is None:
            conv = session.get(Conversation, int(context.payload.get("conversation_id", 0)))
            _refuse(
                session,
                context.job.tenant_id,
                conv,
                "no SMTP relay is configured (TRUSTDESK_SMTP_RELAY_HOST); the reply was not e-mailed",
            )
        prepared = prepare(session, context.job.tenant_id, context.payload, settings, box)
        if prepared is None:
            return
        record, raw = prepared
        record_id, sender, recipient = record.id, record.from_address, record.to_address
        session.rollback()
    try:
        dispatch(route, relay, raw, sender, recipient, settings)
    except RelayRefused as exc:
        raise PermanentJobError(str(exc)) from None
    mark_sent(context, record_id)
    log.info("reply e-mailed", extra={"job_id": context.job.id, "mail_record": record_id})
