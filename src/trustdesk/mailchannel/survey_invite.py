"""Job "csat.invite": the survey mail for a resolved e-mail conversation.

Built and sent like an agent's reply (mailchannel.sender): from the support address the customer
wrote to, threaded under their mail, DKIM-signed with the retailer's key, through the relay or the
retailer's own mailbox. Its text (with the signed links) is recorded by `record_outbound` first, so
the mail carries a public reference and the "was this really from us?" check answers `genuine` for
it and `altered` for a copy whose links were changed. Issuing the link is audited. The Message-ID
and reference are reserved before the first attempt; a retry rebuilds the very same mail.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record as audit
from trustdesk.authenticity.outbound import footer_line
from trustdesk.authenticity.service import record_outbound
from trustdesk.i18n import words
from trustdesk.jobs import JobContext, PermanentJobError
from trustdesk.mail.headers import HeaderRefused
from trustdesk.mailchannel.compose import Reply, build_reply, safe_header_address
from trustdesk.mailchannel.sender import (
    dispatch,
    job_services,
    mark_sent,
    refuse_mail,
    signed,
    threaded_outbound,
)
from trustdesk.satisfaction.survey import QUESTION, SCORE_LABELS, SCORES, link_key, survey_url
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import Conversation, MailRecord, SatisfactionSurvey, Tenant

log = logging.getLogger("trustdesk.satisfaction")


def invite_subject(lang: str, brand: str, reference: str) -> str:
    """The subject, with the conversation's token so a reply to the mail finds its way back."""
    return (
        words(lang).gettext("How did we do? Your conversation with {brand}", brand=brand) + f" [#{reference}]"
    )


def invite_text(lang: str, *, brand: str, name: str, reference: str, url: str) -> str:
    """The survey mail's text in the customer's language: the question and one link per answer."""
    w = words(lang)
    lines = [
        w.gettext("Hello {name},", name=name) if name else w.gettext("Hello,"),
        "",
        w.gettext(
            "Your conversation {reference} with {brand} has been resolved.", reference=reference, brand=brand
        ),
        w.gettext(QUESTION),
        w.gettext("Choose your answer (you can add a comment on the next page):"),
        "",
    ]
    for score in reversed(SCORES):
        lines.append(f"{score} - {w.gettext(SCORE_LABELS[score])}: {url}?score={score}")
    lines += [
        "",
        w.gettext(
            "You can answer once, within 14 days. We will never ask for a password or card details in a survey."
        ),
    ]
    return "\n".join(lines)


def _refuse(session: Session, tenant_id: int | None, conv: Conversation | None, reason: str) -> NoReturn:
    refuse_mail(session, "csat.invite_not_sent", tenant_id, conv, reason)


def prepare(
    session: Session, tenant_id: int | None, conversation_id: int, settings: Any, box: SecretBox
) -> tuple[int, str, str, bytes] | None:
    """Reserve (or reload) the survey mail and build it signed: (record id, from, to, bytes); None when
    there is nothing (more) to send."""
    conv = session.get(Conversation, conversation_id)
    if conv is None or conv.tenant_id != tenant_id:
        raise PermanentJobError("the conversation no longer exists")
    tenant = session.get(Tenant, conv.tenant_id)
    survey = session.scalar(select(SatisfactionSurvey).where(SatisfactionSurvey.conversation_id == conv.id))
    if tenant is None or survey is None:
        raise PermanentJobError("the survey no longer exists")
    if survey.answered_at is not None and survey.mail_message_id is None:
        return None  # answered before the mail went out (another way): no need to ask
    if not conv.customer_email or not safe_header_address(conv.customer_email):
        _refuse(
            session, tenant.id, conv, "the customer's address cannot be written safely into a mail header"
        )
    base_url = str(getattr(settings, "public_base_url", "") or "")
    token = link_key(settings).sign(tenant.slug, conv.public_id, survey.expires_at)
    text = invite_text(
        survey.language,
        brand=tenant.name,
        name=conv.customer_name,
        reference=conv.reference,
        url=survey_url(base_url, tenant.slug, token),
    )
    mail: MailRecord | None = None
    if survey.mail_message_id is not None:
        mail = session.scalar(
            select(MailRecord).where(
                MailRecord.tenant_id == tenant.id,
                MailRecord.header_message_id == survey.mail_message_id,
                MailRecord.direction == "outbound",
            )
        )
        if mail is not None and mail.status == "sent":
            return None
    if mail is None:
        mail = threaded_outbound(
            session, tenant, conv, None, lambda reason: _refuse(session, tenant.id, conv, reason)
        )
        sent = record_outbound(
            session,
            tenant,
            channel="email",
            text=text,
            conversation_id=conv.id,
            recipient=conv.customer_email,
            settings=settings,
        )
        session.add(mail)
        survey.mail_reference = sent.reference
        survey.mail_message_id = mail.header_message_id
        audit(
            session,
            "csat.link_issued",
            actor="system:csat",
            tenant_id=tenant.id,
            target=f"conversation:{conv.public_id}",
            details={
                "channel": "email",
                "reference": sent.reference,
                "expires_at": survey.expires_at.isoformat(),
            },
        )
        session.commit()  # the reference, Message-ID and link are fixed before the first attempt
    try:
        raw = build_reply(
            Reply(
                from_name=tenant.name,
                from_address=mail.from_address,
                to_name=conv.customer_name,
                to_address=mail.to_address,
                subject=invite_subject(survey.language, tenant.name, conv.reference),
                text=text,
                footer=footer_line(str(survey.mail_reference), base_url, tenant.slug),
                reference=str(survey.mail_reference),
                message_id=mail.header_message_id,
                in_reply_to=mail.in_reply_to,
                references=tuple(mail.references or ()),
                date=survey.offered_at,
                automatic=True,
            )
        )
    except HeaderRefused as exc:
        _refuse(session, tenant.id, conv, f"the survey mail's headers failed the check before signing: {exc}")
    return mail.id, mail.from_address, mail.to_address, signed(session, box, tenant, raw, mail.from_address)


def send_invite(context: JobContext) -> None:
    """The "csat.invite" job handler."""
    from trustdesk.mailboxes.outbound import submission_route

    settings, box, relay = job_services(context)
    conversation_id = int(context.payload.get("conversation_id", 0))
    with context.sessions() as session:
        route = submission_route(session, context.job.tenant_id, conversation_id, box)
        if relay is None and route is None:
            _refuse(
                session,
                context.job.tenant_id,
                session.get(Conversation, conversation_id),
                "no SMTP relay is configured (TRUSTDESK_SMTP_RELAY_HOST); the survey was not e-mailed",
            )
        prepared = prepare(session, context.job.tenant_id, conversation_id, settings, box)
        session.rollback()
    if prepared is None:
        return
    record_id, sender, recipient, raw = prepared
    dispatch(route, relay, raw, sender, recipient, settings)
    mark_sent(context, record_id)
    log.info("survey e-mailed", extra={"job_id": context.job.id, "mail_record": record_id})
