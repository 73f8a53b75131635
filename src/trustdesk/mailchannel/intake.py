"""Inbound mail into conversations: parse, authenticate, find the retailer and the thread, keep the
attachments, then hand the text to the one pipeline (the guard redacts secrets before storage).

Why one module: MailIntake is one sequence (parse, authenticate, thread, keep, hand over) whose steps share the delivery in progress.

Nothing of the raw message is stored: not the .eml, not the body before the guard. The subject,
the sender's display name and attachment names pass the guard too.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record as audit
from trustdesk.authenticity.service import tenant_identity
from trustdesk.conversations.domain import Author, AuthorKind, Channel, InvalidMessage, normalise_body
from trustdesk.conversations.pipeline import CustomerRef, Desk, post_message, start_conversation
from trustdesk.guard import ScanResult, scan
from trustdesk.mail import (
    AuthResults,
    DmarcResult,
    MailLimits,
    MailParseError,
    MailTooLargeError,
    ParsedMail,
    Resolver,
    authenticate,
    is_spoofing_own_domain,
    parse_message,
)
from trustdesk.mail.impersonation import display_name_impersonation
from trustdesk.mail.stamp import stamp_authentication_results
from trustdesk.mailchannel.addresses import AddressBook, normalise_address
from trustdesk.mailchannel.content import malformed_reason, message_text
from trustdesk.mailchannel.documents import check_document, document_format, sniffed_text
from trustdesk.mailchannel.threads import (
    MAX_REFERENCES,
    KnownMail,
    ThreadKeys,
    choose_thread,
    clean_message_id,
)
from trustdesk.mailchannel.views import mail_info
from trustdesk.store.attachments import AttachmentStore
from trustdesk.store.models import (
    Conversation,
    MailAttachment,
    MailRecord,
    Message,
    OfficialChannelRow,
    Tenant,
)
from trustdesk.tenancy.guard_policy import get_policy

log = logging.getLogger("trustdesk.mail")

ADDRESS_BOOK_TTL_SECONDS = 10.0


@dataclass(frozen=True)
class Envelope:
    """What the SMTP session said: who connected, HELO, MAIL FROM and the accepted recipients.

    For mail fetched from a retailer's mailbox (trustdesk.mailboxes) the same facts as the mailbox
    provider recorded them (its newest Received hop, Return-Path), and the mailbox's row id.
    """

    client_ip: str
    helo: str
    mail_from: str
    recipients: tuple[str, ...]
    mailbox_id: int | None = None


class MailRefused(Exception):
    """The mail is not taken; `reply` is the SMTP answer (permanent 5xx: the sender must not retry)."""

    def __init__(self, code: int, enhanced: str, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.enhanced = enhanced
        self.text = text

    @property
    def reply(self) -> str:
        return f"{self.code} {self.enhanced} {self.text}"


@dataclass(frozen=True)
class Delivered:
    """One retailer's copy of an accepted mail."""

    tenant_id: int
    conversation_id: str  # public id
    reference: str
    seq: int
    new_conversation: bool
    duplicate: bool
    spoofing: bool
    rule: str


def resolver_from_setting(value: str | None, *, timeout: float = 2.0) -> Resolver:
    """A Resolver for "IP[:PORT], ..." (one port for all; unset: the system's resolver)."""
    if not value or not value.strip():
        return Resolver(timeout=timeout, cache=True)
    hosts: list[str] = []
    port = 53
    for item in value.split(","):
        item = item.strip()
        if item.startswith("["):  # [IPv6]:PORT
            host, _, rest = item[1:].partition("]")
            if rest.startswith(":"):
                port = int(rest[1:])
        elif item.count(":") == 1:
            host, _, port_text = item.partition(":")
            port = int(port_text)
        else:
            host = item
        hosts.append(host)
    return Resolver(hosts, port=port, timeout=timeout, cache=True)


class MailIntake:
    """Takes one received mail into the desk (thread-safe; the SMTP listener calls it from worker threads)."""

    def __init__(
        self,
        desk: Desk,
        *,
        attachments: AttachmentStore,
        resolver: Resolver | None,
        limits: MailLimits | None = None,
    ) -> None:
        self.desk = desk
        self.attachments = attachments
        self.resolver = resolver
        self.limits = limits or MailLimits()
        self._book: tuple[float, AddressBook] | None = None
        self._own_domains: dict[int, tuple[float, tuple[str, ...]]] = {}
        self._book_lock = threading.Lock()
        # The retailers' report addresses (mailchannel.report_inbox.ReportInbox), when wired.
        self.reports: Any = None

    # ---- recipients

    def address_book(self) -> AddressBook:
        """The official support addresses of every retailer (re-read every few seconds)."""
        now = time.monotonic()
        cached = self._book
        if cached is not None and now - cached[0] < ADDRESS_BOOK_TTL_SECONDS:
            return cached[1]
        with self._book_lock, self.desk.sessions() as session:
            rows = session.execute(
                select(OfficialChannelRow.tenant_id, OfficialChannelRow.value).where(
                    OfficialChannelRow.kind == "email"
                )
            ).all()
            domains = session.execute(select(Tenant.id, Tenant.primary_domain)).all()
            session.rollback()
        book = AddressBook.from_rows(
            ((int(t), str(v)) for t, v in rows), primary_domains={int(t): str(d) for t, d in domains}
        )
        self._book = (now, book)
        return book

    def forget_addresses(self) -> None:
        self._book = None

    def tenant_for(self, recipient: str) -> int | None:
        return self.address_book().tenant_for(recipient)

    def check_size(self, size: int) -> None:
        if size > self.limits.max_message_bytes:
            raise MailRefused(
                552,
                "5.3.4",
                f"message too big: {size} bytes; the limit is {self.limits.max_message_bytes} bytes",
            )

    # ---- one mail

    def accept(self, raw: bytes, envelope: Envelope) -> list[Delivered]:
        """Take the mail in for every retailer among its recipients; MailRefused when it cannot be."""
        self.check_size(len(raw))
        try:
            parsed = parse_message(raw, self.limits)
        except MailTooLargeError as exc:
            raise MailRefused(552, "5.3.4", f"message too big: {exc}") from None
        except MailParseError as exc:
            raise MailRefused(554, "5.6.0", f"malformed message: {exc}") from None
        problem = malformed_reason(parsed)
        if problem is not None:
            raise MailRefused(554, "5.6.0", f"malformed message: {problem}")
        book = self.address_book()
        tenants: dict[int, str] = {}
        for recipient in envelope.recipients:
            tenant_id = book.tenant_for(recipient)
            if tenant_id is not None and tenant_id not in tenants:
                tenants[tenant_id] = normalise_address(recipient)
        if not tenants:
            raise MailRefused(550, "5.1.1", "no recipient is a support address of a retailer on this desk")
        auth = self._authenticate(parsed, envelope)
        reports = self.reports
        to_report = [
            (tenant_id, rcpt)
            for tenant_id, rcpt in tenants.items()
            if reports is not None and reports.is_report_address(tenant_id, rcpt)
        ]
        # Support mail first: a failure there answers 451 and the sender retries the whole mail, and a
        # resend is recognised by its Message-ID; filing reports last keeps that retry from reporting twice.
        delivered = [
            self._deliver(tenant_id, rcpt, parsed, auth, envelope)
            for tenant_id, rcpt in tenants.items()
            if (tenant_id, rcpt) not in to_report
        ]
        if to_report:
            raw = self._stamped(raw, auth)
        for tenant_id, rcpt in to_report:
            # Forwarded suspicious mail: checked and reported, not a support conversation.
            reports.accept(tenant_id, rcpt, raw, parsed, auth)  # type: ignore[union-attr]
        return delivered

    def _stamped(self, raw: bytes, auth: AuthResults | None) -> bytes:
        """``raw`` as the judge may read it: headers that claim the desk's own authserv-id removed (the
        sender wrote them) and, when it checked the mail, the desk's own results on top."""
        settings = self.desk.settings
        ids = settings.trusted_authserv_id_list() if settings is not None else []
        if not ids:
            return raw
        results = auth.authentication_results_header(ids[0]) if auth is not None else None
        return stamp_authentication_results(raw, ids[0], results)

    def _authenticate(self, parsed: ParsedMail, envelope: Envelope) -> AuthResults | None:
        if self.resolver is None:
            return None
        try:
            return authenticate(parsed, envelope.client_ip, envelope.helo, envelope.mail_from, self.resolver)
        except Exception as exc:  # noqa: BLE001 - evidence we cannot evaluate is "unchecked", not a lost mail
            log.warning("mail authentication failed", extra={"error": type(exc).__name__})
            return None

    def _deliver(
        self, tenant_id: int, recipient: str, parsed: ParsedMail, auth: AuthResults | None, envelope: Envelope
    ) -> Delivered:
        desk = self.desk
        sender = normalise_address(parsed.from_.address)  # type: ignore[union-attr]  # checked by malformed_reason
        keys = ThreadKeys.of(
            parsed.message_id,
            parsed.in_reply_to,
            parsed.references,
            parsed.subject,
            sender,
            sender_trusted=auth is None or auth.dmarc.result != DmarcResult.FAIL,
        )
        with desk.sessions() as session:
            tenant = session.get(Tenant, tenant_id)
            if tenant is None:
                raise MailRefused(550, "5.1.1", f"<{recipient}>: no such retailer")
            brand = desk.brand(session, tenant_id)
            policy = get_policy(session, tenant_id)
            own_domains = self._domains_of(session, tenant)
            choice = choose_thread(
                keys, self._known(session, tenant_id, keys), self._token(session, tenant_id, keys)
            )
            conversation = (
                session.get(Conversation, choice.conversation_id) if choice.conversation_id else None
            )
            conversation_public = conversation.public_id if conversation is not None else None
            session.rollback()

        def guarded(text: str, limit: int) -> str:
            return (
                scan(text[: limit * 4], "inbound", policy, brand=brand).redacted[:limit]
                if text.strip()
                else ""
            )

        spoofing = auth is not None and is_spoofing_own_domain(auth, own_domains)
        impersonation = (
            display_name_impersonation(parsed.from_.display_name, parsed.from_.address, own_domains, brand)
            if parsed.from_ is not None
            else None
        )
        subject = guarded(parsed.subject, 300)
        name = guarded(parsed.from_.display_name if parsed.from_ else "", 200) or sender
        files = self._keep_attachments(
            tenant_id, parsed, guarded, lambda text: scan(text, "inbound", policy, brand=brand)
        )
        body = message_text(parsed, len(files))
        try:
            normalise_body(body)
        except InvalidMessage:  # e.g. nothing but control characters: still a mail we took
            body = "(e-mail without readable text)"
        identity = keys.message_id or hashlib.sha256(parsed.raw).hexdigest()
        mail_key = "mail-" + hashlib.sha256(f"{tenant_id}:{sender}:{identity}".encode()).hexdigest()[:40]

        new = conversation_public is None
        if conversation_public is None:
            started = start_conversation(
                desk, tenant_id, CustomerRef(name=name, email=sender), channel=Channel.EMAIL, subject=subject
            )
            conversation_public = started.conversation["id"]

        def store(session: Session, conv: Conversation, seq: int) -> dict[str, Any]:
            message_row = session.scalar(
                select(Message.id).where(Message.conversation_id == conv.id, Message.seq == seq)
            )
            mail = MailRecord(
                tenant_id=tenant_id,
                conversation_id=conv.id,
                message_id=message_row,
                direction="inbound",
                status="received",
                header_message_id=keys.message_id or f"td-none.{secrets.token_hex(12)}@trustdesk.invalid",
                in_reply_to=clean_message_id(parsed.in_reply_to),
                references=[r for r in (clean_message_id(x) for x in parsed.references) if r][
                    -MAX_REFERENCES:
                ],
                from_address=sender[:320],
                to_address=recipient[:320],
                client_ip=envelope.client_ip[:45] or None,
                helo=envelope.helo[:255] or None,
                mail_from=envelope.mail_from[:320] or None,
                auth=auth.as_dict() if auth is not None else None,
                spoofing=spoofing,
                impersonation=impersonation,
                mailbox_id=envelope.mailbox_id,
            )
            session.add(mail)
            session.flush()
            rows = [
                MailAttachment(
                    tenant_id=tenant_id,
                    public_id=secrets.token_urlsafe(18),
                    mail_id=mail.id,
                    conversation_id=conv.id,
                    **fields,
                )
                for fields in files
            ]
            session.add_all(rows)
            if spoofing:
                audit(
                    session,
                    "mail.spoofed_own_domain",
                    # The domain only, as for impersonation below: audit entries hold no customer address.
                    actor=f"mail:@{sender.rpartition('@')[2]}"[:200],
                    tenant_id=tenant_id,
                    target=f"conversation:{conv.public_id}",
                    details={
                        "from_domain": auth.from_domain if auth else "",
                        **(auth.summary() if auth else {}),
                        "client_ip": envelope.client_ip,
                    },
                    ip=envelope.client_ip or None,
                )
            if impersonation is not None:
                audit(
                    session,
                    "mail.display_name_impersonation",
                    # The sender's domain only: the address may be a customer's, and audit entries
                    # cannot be erased (docs/architecture.md, "Privacy").
                    actor=f"mail:@{sender.rpartition('@')[2]}"[:200],
                    tenant_id=tenant_id,
                    target=f"conversation:{conv.public_id}",
                    details={
                        "reason": impersonation,
                        "from_domain": sender.rpartition("@")[2],
                        **(auth.summary() if auth else {}),
                        "client_ip": envelope.client_ip,
                    },
                    ip=envelope.client_ip or None,
                )
            session.flush()
            return {"mail": mail_info(mail, rows, conv.public_id)}

        posted = post_message(
            desk,
            tenant_id,
            conversation_public,
            Author(AuthorKind.CUSTOMER, name=name),
            body,
            client_msg_id=mail_key,
            actor=f"mail:@{sender.rpartition('@')[2]}"[:200],  # a blocked mail's audit entry: no address
            ip=envelope.client_ip or None,
            on_store=store,
        )
        return Delivered(
            tenant_id=tenant_id,
            conversation_id=conversation_public,
            reference=posted.conversation["reference"],
            seq=int(posted.message["seq"]),
            new_conversation=new,
            duplicate=posted.duplicate,
            spoofing=spoofing,
            rule=choice.rule,
        )

    def _domains_of(self, session: Session, tenant: Tenant) -> tuple[str, ...]:
        """The retailer's own domains (primary, websites, support addresses), re-read every few seconds."""
        now = time.monotonic()
        cached = self._own_domains.get(tenant.id)
        if cached is not None and now - cached[0] < ADDRESS_BOOK_TTL_SECONDS:
            return cached[1]
        domains = tenant_identity(session, tenant).domains
        self._own_domains[tenant.id] = (now, domains)
        return domains

    @staticmethod
    def _known(session: Session, tenant_id: int, keys: ThreadKeys) -> list[KnownMail]:
        ids = keys.lookup_ids
        if not ids:
            return []
        rows = session.execute(
            select(
                MailRecord.conversation_id,
                MailRecord.header_message_id,
                MailRecord.direction,
                MailRecord.from_address,
            )
            .where(MailRecord.tenant_id == tenant_id, MailRecord.header_message_id.in_(ids))
            .order_by(MailRecord.id.desc())
        ).all()
        return [KnownMail(int(c), str(h), str(d), normalise_address(str(f))) for c, h, d, f in rows]

    @staticmethod
    def _token(session: Session, tenant_id: int, keys: ThreadKeys) -> tuple[int, str | None] | None:
        if keys.reference is None:
            return None
        row = session.execute(
            select(Conversation.id, Conversation.customer_email).where(
                Conversation.tenant_id == tenant_id,
                Conversation.reference == keys.reference,
                Conversation.channel == Channel.EMAIL.value,
            )
        ).first()
        if row is None:
            return None
        return int(row[0]), normalise_address(row[1]) if row[1] else None

    def _keep_attachments(
        self, tenant_id: int, parsed: ParsedMail, guarded: Any, check: Callable[[str], ScanResult]
    ) -> list[dict[str, Any]]:
        """Write accepted attachments to files; refused ones are listed with the reason, without a file.

        `check` is the guard with this retailer's policy; every attachment passes `guard_attachment`:
        a text attachment is stored with its secrets removed, a forwarded message (message/rfc822,
        .eml) only as its guarded text, so no raw mail with secrets lands on disk. PDFs, office
        documents (Office Open XML, OpenDocument) and ZIP archives are read (mailchannel.documents)
        and kept as sent only when the guard finds nothing to redact in them; one holding a secret,
        or one that cannot be checked (encrypted, unreadable, over the limits), is withheld and
        listed with the reason. Images are kept as sent: nothing reads the text in a picture.
        """
        kept: list[dict[str, Any]] = []
        for attachment in parsed.attachments:
            content = attachment.content
            refused = attachment.refused
            filename = attachment.filename
            content_type = attachment.content_type.lower()
            note = attachment.detected_type
            if content is not None and refused is None:
                try:
                    content, filename, content_type, note = guard_attachment(
                        content, filename, content_type, note, check, self.limits
                    )
                except ValueError as exc:
                    content, refused = None, str(exc)
            stored = content is not None and refused is None
            digest = attachment.sha256
            if stored:
                digest = self.attachments.save(tenant_id, content)  # type: ignore[arg-type]
            kept.append(
                {
                    "filename": guarded(filename, 255) or "attachment",
                    "content_type": content_type[:127],
                    "detected_type": (note or None) and note[:40],  # type: ignore[index]
                    "size": len(content) if stored and content is not None else attachment.size,
                    "sha256": digest,
                    "stored": stored,
                    "refused": (refused or None) and refused[:200],  # type: ignore[index]
                }
            )
        return kept


TEXT_EXTENSIONS = frozenset(
    {"txt", "csv", "tsv", "log", "md", "json", "xml", "html", "htm", "ics", "vcf", "rtf"}
)
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/csv", "application/rtf")
MAX_GUARDED_TEXT_CHARS = 1_000_000


def _decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


_SNIFF_BYTES = 8192
# A header section at the very start (two or more "Name: value" fields): an RFC 5322 message.
_MAIL_HEAD = re.compile(r"\A(?:[!-9;-~]{1,76}:[^\n]*\n(?:[ \t][^\n]*\n)*){2,}")
_MAIL_FIELD = re.compile(
    r"^(from|received|message-id|mime-version|return-path):", re.IGNORECASE | re.MULTILINE
)


def looks_like_mail(text: str) -> bool:
    """Whether text starts with a mail's header section (an .eml under any name)."""
    head = _MAIL_HEAD.match(text[:_SNIFF_BYTES].replace("\r\n", "\n"))
    return head is not None and _MAIL_FIELD.search(head.group(0)) is not None


def _mail_as_text(content: bytes, limits: MailLimits) -> str:
    inner = parse_message(content, limits)
    header = "\n".join(
        f"{name}: {value}"
        for name, value in (
            ("From", ", ".join(str(a) for a in inner.from_addresses)),
            ("To", ", ".join(str(a) for a in inner.to)),
            ("Date", inner.date.isoformat() if inner.date else ""),
            ("Subject", inner.subject),
        )
        if value
    )
    return (header + "\n\n" + inner.text)[:MAX_GUARDED_TEXT_CHARS]


def guard_attachment(
    content: bytes,
    filename: str,
    content_type: str,
    note: str | None,
    check: Callable[[str], ScanResult],
    limits: MailLimits,
) -> tuple[bytes, str, str, str | None]:
    """What of one attachment may be stored: (bytes, filename, type, note); ValueError when nothing may be.

    `check` scans a text with the retailer's guard policy (inbound). By kind, recognised by the
    bytes, not by the name or declared type:

    - a mail (message/rfc822 or global, .eml, or text starting with a mail's header section): only
      its guarded text is stored, as .txt;
    - a PDF, an office document (docx/xlsx/pptx, odt/ods/odp) or a ZIP archive: its text is read
      (`mailchannel.documents`: pages, form fields, comments, nested documents and archives) and the
      file is kept as sent only when the guard would redact nothing in it. With a secret it is
      withheld ("withheld: the PDF contained a payment card number; ask the customer to send it
      without the secret": the kind of secret, never the value); one that cannot be checked
      (encrypted, unreadable, over the limits, a zip bomb) is withheld with the reason as well;
    - text (whatever its name, e.g. a text file called "scan.pdf"): stored with secrets removed;
    - anything else (images: no OCR; legacy .doc/.xls, RAR, 7z) is kept as sent.
    """
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    as_text = sniffed_text(content) if note in (None, "script") else None
    is_mail = content_type in ("message/rfc822", "message/global") or extension == "eml"
    if not is_mail and as_text is not None and looks_like_mail(as_text):
        try:
            parse_message(content, limits)
            is_mail = True
        except MailParseError:
            is_mail = False
    if is_mail:
        try:
            text = _mail_as_text(content, limits)
        except MailParseError as exc:
            raise ValueError(f"forwarded message not kept: {exc}") from None
        name = filename if filename.lower().endswith(".txt") else f"{filename}.txt"
        return check(text).redacted.encode("utf-8"), name, "text/plain", "forwarded mail as text, guarded"
    document = document_format(content, filename, content_type, note)
    if document is not None:
        check_document(content, document, check)  # ValueError: withheld, with the reason
        return content, filename, content_type, note
    declared_text = content_type.startswith(TEXT_TYPES) or extension in TEXT_EXTENSIONS
    if declared_text or as_text is not None:
        text = as_text if as_text is not None else _decode_text(content)
        if len(text) > MAX_GUARDED_TEXT_CHARS:
            raise ValueError("text attachment too long to check for secrets; not kept")
        redacted = check(text).redacted
        if redacted != text:
            return redacted.encode("utf-8"), filename, content_type, "text; secrets removed"
    return content, filename, content_type, note
