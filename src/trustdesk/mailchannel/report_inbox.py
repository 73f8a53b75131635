"""A retailer's report address: forwarded suspicious mail is checked and reported, and the forwarder
gets the verdict by mail.

    forwarded mail -> the original (attached or inline) -> "was this really from us?" check
    -> not genuine: a suspicious-activity report (guarded, grouped into campaigns like any other)
    -> an answer to the forwarder (a durable job; only when their domain authenticates the forward)

Nothing of the forwarded mail is stored but what the reports engine keeps (guard-redacted).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trustdesk.audit.log import record as audit
from trustdesk.authenticity.canonical import prepare, segment_starts
from trustdesk.authenticity.model import MessageVerdict
from trustdesk.authenticity.service import compose_email, run_check
from trustdesk.channels.index import RegistryCache
from trustdesk.config import get_settings
from trustdesk.guard import scan
from trustdesk.guard.language import identify
from trustdesk.i18n import N_, words
from trustdesk.jobs import JobContext, PermanentJobError, enqueue
from trustdesk.mail import AuthResults, ParsedMail, Resolver
from trustdesk.mail.headers import HeaderRefused, header_text
from trustdesk.mail.relay import Relay, RelayRefused, deliver
from trustdesk.mailchannel.addresses import normalise_address, without_tag
from trustdesk.mailchannel.compose import safe_header_address
from trustdesk.mailchannel.forwarded import (
    automatic_reason,
    defang_text,
    forwarded_message,
    is_report_purpose,
    may_answer,
)
from trustdesk.ratelimit import Limit, MemoryRateLimiter, RateLimiter
from trustdesk.reports.errors import ReportError
from trustdesk.reports.intake import ReportInput, submit_report
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import MailReportReceipt, OfficialChannelRow, Tenant
from trustdesk.tenancy.language_settings import tenant_languages

log = logging.getLogger("trustdesk.mail")

ANSWER_JOB = "mail.report_answer"
# At most this many answers to one forwarder address (per retailer): a DMARC-passing sender can
# otherwise make the desk send the retailer's signed mail as often as it likes.
ANSWERS_PER_FORWARDER = Limit(5, 24 * 3600)
# RFC 3834: what we send is an automatic answer, so other responders must not answer it in turn.
ANSWER_HEADERS = (("Auto-Submitted", "auto-replied"),)
ANSWER_SUBJECT = N_("{name}: what we found in the message you forwarded")
REPORT_PATH = "/t/{slug}/report"

_VERDICT_LINES = {
    MessageVerdict.GENUINE: N_("This message really was sent by {name}."),
    MessageVerdict.ALTERED: N_(
        "This message started as one of ours, but someone changed it. Do not act on it."
    ),
    MessageVerdict.NOT_FROM_US: N_(
        "This message was not sent by {name}. Do not click its links, call its numbers or give it any details."
    ),
    MessageVerdict.CANNOT_TELL: N_(
        "We cannot confirm that {name} sent this message, so please treat it with care."
    ),
}


def answer_language(tenant: Tenant, forwarder_text: str) -> str:
    """The language of the answer: the one the forwarder wrote their note in when the retailer offers
    it, else the retailer's default (a bare forward says nothing about its sender's language)."""
    offered = tenant_languages(tenant)
    prepared = prepare(forwarder_text)
    starts = segment_starts(prepared)
    note = prepared[: starts[0]] if starts else prepared  # their own words, not the forwarded message's
    guess = identify(note, None, offered.default) if note.strip() else None
    if guess is not None and guess.source == "detected" and guess.code in offered.offered:
        return guess.code
    return offered.default


@dataclass(frozen=True)
class ReportReceipt:
    """What became of one forwarded mail."""

    tenant_id: int
    verdict: str
    report_reference: str | None
    answered: bool


def answer_text(
    tenant_name: str,
    verdict: MessageVerdict,
    explanation: str,
    next_steps: list[str],
    report_reference: str | None,
    suspicious_contacts: list[str],
    lang: str | None = None,
) -> str:
    """The plain-language answer mailed to the forwarder, in ``lang``; the suspicious contacts it quotes
    are defanged so that our own mail never carries a clickable link to the criminals."""
    w = words(lang)
    lines = [
        w.gettext("Thank you for forwarding this message to us."),
        "",
        w.gettext(_VERDICT_LINES[verdict], name=tenant_name),
        "",
        explanation.strip(),
    ]
    if next_steps:
        lines += ["", w.gettext("What to do next:")] + [f"- {step}" for step in next_steps]
    if report_reference:
        lines += [
            "",
            w.gettext(
                "We recorded your report as {reference}; our security team reviews every report.",
                reference=report_reference,
            ),
        ]
    never = w.gettext(
        "{name} will never ask you for a password, a full card number or a one-time code.", name=tenant_name
    )
    lines += ["", never]
    return defang_text("\n".join(lines), suspicious_contacts)


def receipt_key(forwarder: str, message_id: str | None) -> str | None:
    """Who forwarded which mail, as a digest: a sending server's retry carries both unchanged.
    None without a Message-ID (then a retry cannot be told from a second forward)."""
    if not message_id:
        return None
    return hashlib.sha256(f"{forwarder}\0{message_id.strip().lower()}".encode()).hexdigest()


def _earlier_receipt(session: Session, tenant_id: int, key: str | None) -> ReportReceipt | None:
    if key is None:
        return None
    row = session.scalar(
        select(MailReportReceipt).where(
            MailReportReceipt.tenant_id == tenant_id, MailReportReceipt.mail_key == key
        )
    )
    # Answered is False: the answer of the first time was queued then and is not sent again.
    return None if row is None else ReportReceipt(tenant_id, row.verdict, row.report_reference, False)


def report_addresses(session: Session, tenant_id: int) -> list[str]:
    """The retailer's official e-mail addresses that take forwarded suspicious mail."""
    rows = session.execute(
        select(OfficialChannelRow.value, OfficialChannelRow.purpose).where(
            OfficialChannelRow.tenant_id == tenant_id, OfficialChannelRow.kind == "email"
        )
    ).all()
    return sorted({normalise_address(value) for value, purpose in rows if is_report_purpose(purpose or "")})


class ReportInbox:
    """Knows the report addresses and takes forwarded mail for them (thread-safe)."""

    def __init__(
        self,
        sessions: Any,
        *,
        resolver: Resolver | None,
        settings: Any = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.sessions = sessions
        self.limiter = limiter or MemoryRateLimiter()
        self.resolver = resolver
        self.settings = settings or get_settings()
        self.registry = RegistryCache()
        self.box = SecretBox(self.settings.encryption_key or "")

    def is_report_address(self, tenant_id: int, recipient: str) -> bool:
        with self.sessions() as session:
            address = normalise_address(recipient)
            found = bool({address, without_tag(address)} & set(report_addresses(session, tenant_id)))
            session.rollback()
        return found

    def accept(
        self, tenant_id: int, recipient: str, raw: bytes, parsed: ParsedMail, auth: AuthResults | None
    ) -> ReportReceipt:
        """Check the forwarded original, report it unless genuine, and queue the answer."""
        forwarded = forwarded_message(parsed, raw)
        own_address = without_tag(normalise_address(recipient))  # answers come from the address itself
        forwarder = normalise_address(parsed.from_.address) if parsed.from_ is not None else ""
        base = str(self.settings.public_base_url).rstrip("/")
        key = receipt_key(forwarder, parsed.message_id)
        with self.sessions() as session:
            tenant = session.get(Tenant, tenant_id)
            if tenant is None:
                raise LookupError("unknown retailer")
            earlier = _earlier_receipt(session, tenant_id, key)
            if earlier is not None:
                log.info(
                    "forward already handled; the sender's retry changes nothing",
                    extra={"tenant_id": tenant_id},
                )
                return earlier
            not_answered = self._why_not_answer(session, tenant_id, parsed, auth, forwarder)
            answer = not_answered is None
            registry = self.registry.get(session)
            # The intake stamped the mail it received, not an original attached to it (a claim).
            stamped = forwarded.how == "inline"
            lang = answer_language(tenant, parsed.text_plain[:2000])
            check = run_check(
                session,
                forwarded.original,
                tenant=tenant,
                registry=registry,
                resolver=self.resolver,
                settings=self.settings,
                report_path=REPORT_PATH,
                stamped_by_intake=stamped,
                lang=lang,
            )
            report_reference: str | None = None
            if check.verdict != MessageVerdict.GENUINE:
                try:
                    result = submit_report(
                        session,
                        tenant,
                        ReportInput(
                            eml=forwarded.original,
                            channel="email",
                            reporter_contact=forwarder,
                            stamped_by_intake=stamped,
                        ),
                        registry=registry,
                    )
                except ReportError as exc:
                    log.info("forwarded mail not reportable", extra={"reason": str(exc)[:200]})
                else:
                    # The status token is not mailed: it would sit in the job queue until sent.
                    report_reference = result.report.reference
            audit(
                session,
                "report.received_by_mail",
                actor="system:mail",
                tenant_id=tenant.id,
                target=f"report:{report_reference}" if report_reference else "mail",
                details={
                    "verdict": check.verdict.value,
                    "forward": forwarded.how,
                    "answered": answer,
                    "not_answered": not_answered or "",
                    "sender_authenticated": may_answer(auth),
                },
            )
            if answer:
                # The answer may quote contacts from the forward: it passes the guard like anything we send.
                suspicious = [
                    str(c.get("contact") or "")
                    for c in check.contacts
                    if c.get("verdict") != "official" and c.get("kind") in ("url", "domain", "email")
                ]
                text = answer_text(
                    tenant.name,
                    check.verdict,
                    check.explanation,
                    check.next_steps,
                    report_reference,
                    suspicious,
                    lang,
                )
                text = scan(text, "inbound", brand=tenant.name).redacted
                # A fixed subject: echoing the forward's would put text of the sender's choosing into a
                # header the retailer signs, ready to be replayed to others (DKIM replay).
                subject = words(lang).gettext(ANSWER_SUBJECT, name=header_text(tenant.name, 80))
                try:
                    _, mail = compose_email(
                        session,
                        tenant,
                        self.box,
                        text=text,
                        from_address=own_address,
                        to_address=forwarder,
                        subject=subject,
                        public_base_url=base,
                        extra_headers=ANSWER_HEADERS,
                        lang=lang,
                    )
                except HeaderRefused as exc:
                    # The answer's headers did not read back exactly as intended: never signed, never sent.
                    audit(
                        session,
                        "mail.report_answer_not_sent",
                        actor="system:mail",
                        tenant_id=tenant.id,
                        target=f"report:{report_reference}" if report_reference else "mail",
                        details={"reason": str(exc)[:300]},
                    )
                else:
                    enqueue(
                        session,
                        ANSWER_JOB,
                        {
                            "sender": own_address,
                            "recipient": forwarder,
                            "mail": base64.b64encode(mail).decode(),
                        },
                        tenant_id=tenant.id,
                    )
            if key is not None:
                session.add(
                    MailReportReceipt(
                        tenant_id=tenant.id,
                        mail_key=key,
                        verdict=check.verdict.value,
                        report_reference=report_reference,
                        answered=answer,
                    )
                )
            try:
                session.commit()
            except IntegrityError:
                # The same forward, handled at the same moment over another connection: its outcome stands.
                session.rollback()
                earlier = _earlier_receipt(session, tenant_id, key)
                if earlier is None:
                    raise
                return earlier
        return ReportReceipt(tenant_id, check.verdict.value, report_reference, answer)

    def _why_not_answer(
        self, session: Session, tenant_id: int, parsed: ParsedMail, auth: AuthResults | None, forwarder: str
    ) -> str | None:
        """Why the forwarder gets no answer (None: answer): forged or unauthenticated, a bounce,
        automatic or bulk mail, one of this desk's own addresses (a loop), or too many answers."""
        if not forwarder or "@" not in forwarder:
            return "no-sender"
        if not may_answer(auth):
            return "not-authenticated"
        if not safe_header_address(forwarder):
            return "unusual-address"  # could not be written into the answer's To header safely
        if auth is not None and not auth.mail_from.strip().strip("<>").strip():
            return "bounce"  # null reverse path: a delivery status notification
        automatic = automatic_reason(parsed)
        if automatic is not None:
            return automatic
        candidates = {forwarder, without_tag(forwarder)}
        own = session.scalar(
            select(func.count(OfficialChannelRow.id)).where(
                OfficialChannelRow.kind == "email", func.lower(OfficialChannelRow.value).in_(candidates)
            )
        )
        if own:
            return "own-address"
        decision = self.limiter.hit("report-answer", f"{tenant_id}:{forwarder}", ANSWERS_PER_FORWARDER)
        if not decision.allowed:
            log.info("report answer skipped: too many for one forwarder", extra={"tenant_id": tenant_id})
            return "rate-limited"
        return None


def send_report_answer(context: JobContext) -> None:
    """The "mail.report_answer" job: hand the already signed answer to the relay."""
    settings = context.services.get("settings") or get_settings()
    relay = context.services.get("mail_relay") or Relay.from_settings(settings)
    if relay is None:
        raise PermanentJobError(
            "no SMTP relay is configured (TRUSTDESK_SMTP_RELAY_HOST); the answer was not sent"
        )
    payload = context.payload
    try:
        deliver(base64.b64decode(payload["mail"]), str(payload["sender"]), str(payload["recipient"]), relay)
    except RelayRefused as exc:
        raise PermanentJobError(str(exc)) from None
