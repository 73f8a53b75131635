"""The database side of authenticity: record outbound messages, look references up, tenant DKIM keys.

The conversations pipeline calls `record_outbound` for every outbound agent/bot message and
notification, inside its own transaction, and appends the returned footer (e-mail) or shows
the reference on hover (chat).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record as audit
from trustdesk.authenticity.check import check_message
from trustdesk.authenticity.fingerprint import FingerprintKey, fingerprint_text
from trustdesk.authenticity.model import (
    DkimPublicKey,
    Envelope,
    Lookup,
    MessageCheck,
    StoredMessage,
    TenantIdentity,
)
from trustdesk.authenticity.outbound import build_email, check_url, footer_line
from trustdesk.authenticity.references import new_reference
from trustdesk.config import Settings, get_settings
from trustdesk.mail import Resolver, generate_dkim_keypair
from trustdesk.mail.headers import HeaderRefused
from trustdesk.reports.evidence import TrustPolicy
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import DkimKey, OfficialChannelRow, SentMessage, Tenant
from trustdesk.verify import Registry

CHANNELS = ("email", "chat", "sms", "notification")


@dataclass(frozen=True)
class SentRecord:
    """What the sender adds to an outbound message: the reference, the e-mail footer line, the check page."""

    reference: str
    footer: str
    check_url: str


def fingerprint_key(settings: Settings | None = None) -> FingerprintKey:
    """The deployment's fingerprint key, derived from the newest settings secret; it carries the keys
    of older secrets (after a rotation) so earlier fingerprints still verify."""
    from trustdesk.signing_keys import fingerprint_ring

    settings = settings or get_settings()
    return fingerprint_ring(settings.secret_key)


def record_outbound(
    session: Session,
    tenant: Tenant,
    *,
    channel: str,
    text: str,
    conversation_id: int | None = None,
    message_id: int | None = None,
    recipient: str | None = None,
    settings: Settings | None = None,
    key: FingerprintKey | None = None,
    public_base_url: str | None = None,
    lang: str | None = None,
) -> SentRecord:
    """Give one outbound message (already guard-redacted text, without footer) a reference and store its fingerprint.

    Runs inside the caller's transaction (flushes, does not commit). ``channel`` is one of
    email, chat, sms, notification; ``recipient`` (an address or number) is stored only as a keyed hash.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
    if key is None or public_base_url is None:
        # Pass the app's settings (app.state.trustdesk.settings): the check page derives its key from them.
        settings = settings or get_settings()
        key = key or fingerprint_key(settings)
        public_base_url = public_base_url or settings.public_base_url
    fingerprint = fingerprint_text(key, tenant.slug, text)
    reference = new_reference()
    while session.scalar(select(SentMessage.id).where(SentMessage.reference == reference)) is not None:
        reference = new_reference()  # 2^45 references: a collision is rare, but never reuse one
    session.add(
        SentMessage(
            tenant_id=tenant.id,
            reference=reference,
            channel=channel,
            fingerprint=fingerprint.value,
            key_id=fingerprint.key_id,
            token_count=fingerprint.token_count,
            critical_digests=[list(pair) for pair in fingerprint.critical],
            recipient_hash=key.mac("recipient", tenant.slug, recipient.strip().lower())
            if recipient
            else None,
            conversation_id=conversation_id,
            message_id=message_id,
            created_at=datetime.now(UTC),
        )
    )
    session.flush()
    return SentRecord(
        reference,
        footer_line(reference, public_base_url, tenant.slug, lang),
        check_url(public_base_url, tenant.slug),
    )


# ---------------------------------------------------------------------------- identities and lookups


def tenant_identity(
    session: Session, tenant: Tenant, *, public_base_url: str = "", report_url: str = ""
) -> TenantIdentity:
    """The checker's view of a tenant: own domains (primary, websites, sending domains) and live DKIM keys."""
    domains = {tenant.primary_domain.lower()}
    for kind, value in session.execute(
        select(OfficialChannelRow.kind, OfficialChannelRow.value).where(
            OfficialChannelRow.tenant_id == tenant.id
        )
    ):
        if kind in ("domain", "sending_domain"):
            domains.add(value.lower())
        elif kind == "email" and "@" in value:
            domains.add(value.rpartition("@")[2].lower())
    keys = tuple(
        DkimPublicKey(row.domain, row.selector, row.public_key)
        for row in session.scalars(
            select(DkimKey)
            .where(DkimKey.tenant_id == tenant.id, DkimKey.retired_at.is_(None))
            .order_by(DkimKey.id)
        )
    )
    return TenantIdentity(
        slug=tenant.slug,
        name=tenant.name,
        domains=tuple(sorted(domains)),
        dkim_keys=keys,
        check_url=check_url(public_base_url, tenant.slug) if public_base_url else "",
        report_url=report_url,
    )


def make_lookup(
    session: Session, *, public_base_url: str = "", report_url_for: dict[str, str] | None = None
) -> Lookup:
    """A reference -> StoredMessage function over the database (identities cached per call site)."""
    identities: dict[int, TenantIdentity] = {}

    def lookup(reference: str) -> StoredMessage | None:
        row = session.scalar(select(SentMessage).where(SentMessage.reference == reference))
        if row is None:
            return None
        if row.tenant_id not in identities:
            tenant = session.get(Tenant, row.tenant_id)
            if tenant is None:
                return None
            report = (report_url_for or {}).get(tenant.slug, "")
            identities[row.tenant_id] = tenant_identity(
                session, tenant, public_base_url=public_base_url, report_url=report
            )
        return StoredMessage(
            reference=row.reference,
            tenant=identities[row.tenant_id],
            channel=row.channel,
            created_at=row.created_at,
            fingerprint=row.fingerprint,
            token_count=row.token_count,
            critical=tuple((str(k), str(d)) for k, d in row.critical_digests),
            key_id=row.key_id,
        )

    return lookup


def run_check(
    session: Session,
    data: bytes | str,
    *,
    tenant: Tenant | None,
    registry: Registry,
    resolver: Resolver | None,
    settings: Settings | None = None,
    reference: str | None = None,
    envelope: Envelope | None = None,
    report_path: str | None = None,
    lang: str | None = None,
    stamped_by_intake: bool = False,
) -> MessageCheck:
    """check_message over the database: references, tenant identities and DKIM keys come from the store.
    ``lang``: the language of the explanation and next steps (English without one).

    ``report_path`` (e.g. "/t/{slug}/report") becomes the "report it" link when the page exists.
    """
    settings = settings or get_settings()
    base = settings.public_base_url.rstrip("/")

    def report_url(slug: str) -> str:
        return base + report_path.format(slug=slug) if report_path else ""

    def identity(slug: str) -> TenantIdentity | None:
        row = session.scalar(select(Tenant).where(Tenant.slug == slug))
        if row is None:
            return None
        return tenant_identity(session, row, public_base_url=base, report_url=report_url(slug))

    slugs = [tenant.slug] if tenant else list(registry.tenants())
    return check_message(
        data,
        tenant=identity(tenant.slug) if tenant else None,
        registry=registry,
        resolver=resolver,
        lookup=make_lookup(session, public_base_url=base, report_url_for={s: report_url(s) for s in slugs}),
        key=fingerprint_key(settings),
        reference=reference,
        envelope=envelope,
        tenants=identity,
        # The desk's own authserv-id only in mail its intake received and stamped (see desk_trust).
        trust=TrustPolicy.of(
            settings.trusted_authserv_id_list() if stamped_by_intake else settings.upload_authserv_id_list()
        ),
        lang=lang,
    )


# ---------------------------------------------------------------------------- DKIM keys

_SELECTOR = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def active_dkim_key(session: Session, tenant: Tenant, domain: str | None = None) -> DkimKey | None:
    """The newest live DKIM key of a tenant (for one domain, default its primary domain)."""
    domain = (domain or tenant.primary_domain).lower()
    return session.scalar(
        select(DkimKey)
        .where(DkimKey.tenant_id == tenant.id, DkimKey.domain == domain, DkimKey.retired_at.is_(None))
        .order_by(DkimKey.id.desc())
        .limit(1)
    )


def create_dkim_key(
    session: Session,
    tenant: Tenant,
    box: SecretBox,
    *,
    actor: str,
    domain: str | None = None,
    selector: str | None = None,
    bits: int = 2048,
    ip: str | None = None,
) -> DkimKey:
    """Generate and store a new DKIM key (private half sealed with the SecretBox); audited."""
    domain = (domain or tenant.primary_domain).strip().rstrip(".").lower()
    now = datetime.now(UTC)
    selector = (selector or f"td{now:%Y%m}").strip().lower()
    if not _SELECTOR.match(selector):
        raise ValueError(f"{selector!r} is not a valid DKIM selector (letters, digits and hyphens)")
    taken = session.scalar(
        select(DkimKey.id).where(
            DkimKey.tenant_id == tenant.id, DkimKey.domain == domain, DkimKey.selector == selector
        )
    )
    if taken is not None:
        raise ValueError(f"{tenant.slug} already has a key with selector {selector!r} for {domain}")
    pair = generate_dkim_keypair(bits)
    row = DkimKey(
        tenant_id=tenant.id,
        domain=domain,
        selector=selector,
        private_key_encrypted=box.seal(pair.private_key_pem.decode("ascii")),
        public_key=pair.public_key_b64,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        "dkim.key_created",
        actor=actor,
        tenant_id=tenant.id,
        target=f"{selector}._domainkey.{domain}",
        details={"bits": bits, "selector": selector, "domain": domain},
        ip=ip,
    )
    return row


def dkim_private_key(box: SecretBox, row: DkimKey) -> bytes:
    """The PEM private key of a stored DKIM key (for signing only; never log it)."""
    return box.open(row.private_key_encrypted).encode("ascii")


def compose_email(
    session: Session,
    tenant: Tenant,
    box: SecretBox,
    *,
    text: str,
    from_address: str,
    to_address: str,
    subject: str,
    conversation_id: int | None = None,
    message_id: int | None = None,
    key: FingerprintKey | None = None,
    public_base_url: str | None = None,
    extra_headers: tuple[tuple[str, str], ...] = (),
    lang: str | None = None,
) -> tuple[SentRecord, bytes]:
    """Record an outbound e-mail and build it: reference header, footer, text + HTML, DKIM-signed with the tenant's key.

    HeaderRefused (mail.headers) when a header cannot be written exactly as intended; then
    nothing is recorded either (the record lives in a savepoint until the mail is built)."""
    savepoint = session.begin_nested()
    try:
        sent = record_outbound(
            session,
            tenant,
            channel="email",
            text=text,
            conversation_id=conversation_id,
            message_id=message_id,
            recipient=to_address,
            key=key,
            public_base_url=public_base_url,
            lang=lang,
        )
        signing = active_dkim_key(session, tenant)
        raw = build_email(
            text=text,
            footer=sent.footer,
            reference=sent.reference,
            from_address=from_address,
            to_address=to_address,
            subject=subject,
            dkim_domain=signing.domain if signing else None,
            dkim_selector=signing.selector if signing else None,
            dkim_private_key_pem=dkim_private_key(box, signing) if signing else None,
            extra_headers=extra_headers,
        )
    except HeaderRefused:
        savepoint.rollback()
        raise
    savepoint.commit()
    return sent, raw
