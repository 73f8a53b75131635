"""Replies in a conversation that came from a retailer's mailbox leave through that mailbox's SMTP
submission server (so they pass the retailer's own SPF and land in its Sent mail where the provider
keeps it); the reply itself is built, referenced and DKIM-signed exactly as for the relay."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from trustdesk.mailboxes.connect import MailboxConnectError, submit
from trustdesk.mailboxes.oauth import fresh_credentials
from trustdesk.mailboxes.registry import open_credentials, smtp_endpoint
from trustdesk.mailboxes.spec import Endpoint
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import MailboxRow, MailRecord


@dataclass(frozen=True)
class SubmissionRoute:
    mailbox: str  # public id, for logs
    address: str
    endpoint: Endpoint
    username: str
    secret: str
    auth_kind: str
    # A mailbox whose OAuth2 access token the desk renews: where to renew it (mailboxes.oauth).
    mailbox_id: int = 0
    renews: bool = False
    sessions: sessionmaker[Session] | None = field(default=None, compare=False)
    box: SecretBox | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        return f"SubmissionRoute({self.mailbox}, {self.endpoint.host}:{self.endpoint.port} {self.endpoint.security})"


def submission_route(
    session: Session, tenant_id: int | None, conversation_id: int, box: SecretBox
) -> SubmissionRoute | None:
    """The mailbox the conversation's latest inbound mail was fetched from, when it can send (else None:
    the desk's relay is used)."""
    mailbox_id = session.scalar(
        select(MailRecord.mailbox_id)
        .where(MailRecord.conversation_id == conversation_id, MailRecord.direction == "inbound")
        .order_by(MailRecord.id.desc())
        .limit(1)
    )
    if mailbox_id is None:
        return None
    row = session.get(MailboxRow, mailbox_id)
    if row is None or row.tenant_id != tenant_id or not row.enabled:
        return None
    endpoint = smtp_endpoint(row)
    if endpoint is None:
        return None
    credentials = open_credentials(box, row)
    return SubmissionRoute(
        row.public_id,
        row.address,
        endpoint,
        row.smtp_username or row.username,
        credentials.for_smtp,
        row.auth_kind,
        mailbox_id=row.id,
        renews=bool(row.oauth_refresh),
        sessions=sessionmaker(bind=session.get_bind(), expire_on_commit=False, autoflush=False),
        box=box,
    )


def send_through(
    route: SubmissionRoute, raw: bytes, sender: str, recipient: str, *, ca_file: str | None
) -> None:
    """Submit one reply; MailboxConnectError (permanent or not) when it cannot be sent.

    A renewed OAuth2 token is fetched first when due, and once more when the server refuses it."""
    if sender != route.address:
        raise MailboxConnectError(
            "send",
            f"the reply's sender {sender} is not the mailbox's address {route.address}",
            permanent=True,
        )
    secret = route.secret
    sessions, box = route.sessions, route.box
    renewing = route.renews and sessions is not None and box is not None

    def renewed(rejected: str | None) -> str:
        assert sessions is not None and box is not None
        return fresh_credentials(sessions, route.mailbox_id, box, ca_file=ca_file, rejected=rejected).for_smtp

    if renewing:
        secret = renewed(None)
    try:
        submit(
            raw, sender, [recipient], route.endpoint, route.username, secret, route.auth_kind, ca_file=ca_file
        )
    except MailboxConnectError as exc:
        if not (renewing and exc.stage == "auth"):
            raise
        secret = renewed(secret)  # refused before its expiry (revoked): renew once and send again
        submit(
            raw, sender, [recipient], route.endpoint, route.username, secret, route.auth_kind, ca_file=ca_file
        )
