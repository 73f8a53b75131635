"""Renewing a mailbox's OAuth2 access token (RFC 6749 section 6, the refresh grant).

Google's and Microsoft's access tokens live about an hour. A mailbox connected with a refresh
token (plus the provider's token endpoint and the client it was issued to) gets a new access
token when the stored one expires within RENEW_BEFORE, and again when the server refuses the
sign-in with it (revoked early, or a clock disagreement):

    ensure_access_token(session, row) -> fresh enough? the stored token
        -> else POST grant_type=refresh_token to the token endpoint -> the new token sealed on the row

A failed renewal is recorded on the row (last_error) and audited as mailbox.token_refresh_failed
with the endpoint's error code only; no token, secret or provider text is ever logged or audited.
The caller's session holds the row (FOR UPDATE on PostgreSQL, the write lock on SQLite) while
renewing, so two processes never spend a rotating refresh token at once.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from trustdesk.audit.log import record as audit
from trustdesk.mailboxes.connect import MailboxConnectError, tls_context
from trustdesk.mailboxes.spec import Credentials, OAuthClient
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import MailboxRow, utcnow

log = logging.getLogger("trustdesk.mailboxes")

RENEW_BEFORE = timedelta(minutes=5)  # renew a token that expires sooner than this
DEFAULT_LIFETIME = timedelta(hours=1)  # when the endpoint does not say (expires_in is optional)
_ERROR_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")
# Answers that mean the refresh token or the client is no good: retrying unchanged cannot help.
PERMANENT_ERRORS = frozenset(
    {"invalid_grant", "invalid_client", "unauthorized_client", "unsupported_grant_type"}
)


class TokenRefreshError(MailboxConnectError):
    """The token endpoint did not renew the access token; `code` is its OAuth2 error code (or a
    stage of ours: unreachable, bad_response)."""

    def __init__(self, message: str, *, code: str, status: int | None, permanent: bool) -> None:
        super().__init__("auth", message, permanent=permanent)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class Granted:
    access_token: str
    expires_in: timedelta
    refresh_token: str | None  # a rotated refresh token, when the provider sends one

    def __repr__(self) -> str:
        return f"Granted(<hidden>, expires_in={self.expires_in})"


def request_token(client: OAuthClient, *, ca_file: str | None = None, timeout: float = 15.0) -> Granted:
    """One refresh grant against the client's token endpoint; TokenRefreshError when it fails."""
    host = urlsplit(client.token_url).hostname or client.token_url
    form = {
        "grant_type": "refresh_token",
        "refresh_token": client.refresh_token,
        "client_id": client.client_id,
    }
    if client.client_secret:
        form["client_secret"] = client.client_secret  # client_secret_post: Google and Microsoft take it
    if client.scope:
        form["scope"] = client.scope
    try:
        response = httpx.post(
            client.token_url,
            data=form,
            headers={"Accept": "application/json"},
            timeout=timeout,
            verify=tls_context(ca_file),
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        raise TokenRefreshError(
            f"the token endpoint {host} cannot be reached to renew the access token ({type(exc).__name__})",
            code="unreachable",
            status=None,
            permanent=False,
        ) from None
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        data = {}
    token = data.get("access_token")
    if response.status_code == 200 and isinstance(token, str) and token and "\n" not in token:
        try:
            lifetime = timedelta(seconds=max(30, min(int(data.get("expires_in") or 0) or 3600, 86400)))
        except (TypeError, ValueError):
            lifetime = DEFAULT_LIFETIME
        rotated = data.get("refresh_token")
        return Granted(token, lifetime, rotated if isinstance(rotated, str) and rotated else None)
    error = data.get("error")
    code = error if isinstance(error, str) and _ERROR_CODE.match(error) else "bad_response"
    permanent = code in PERMANENT_ERRORS
    advice = (
        "; connect the mailbox again with a new refresh token"
        if code == "invalid_grant"
        else "; check the client id and secret"
        if code in {"invalid_client", "unauthorized_client"}
        else ""
    )
    raise TokenRefreshError(
        f"the token endpoint {host} refused to renew the access token: {code} (HTTP {response.status_code}){advice}",
        code=code,
        status=response.status_code,
        permanent=permanent,
    )


def renewal_due_at(expires: datetime | None, refreshed: datetime | None) -> datetime | None:
    """When a token is renewed: RENEW_BEFORE its expiry, or a quarter of its lifetime before for a
    short-lived one (so a session is not renewed in a loop); None when its expiry is unknown."""
    if expires is None:
        return None
    margin = RENEW_BEFORE if refreshed is None else min(RENEW_BEFORE, (expires - refreshed) / 4)
    return expires - margin


def needs_renewal(row: MailboxRow, now: datetime | None = None) -> bool:
    """True when the stored access token is missing, of unknown age, or due for renewal."""
    if not row.oauth_refresh:
        return False
    due = renewal_due_at(row.token_expires_at, row.token_refreshed_at)
    return due is None or due <= (now or utcnow())


def ensure_access_token(
    session: Session,
    row: MailboxRow,
    box: SecretBox,
    *,
    ca_file: str | None,
    rejected: str | None = None,
    actor: str = "system:mailboxes",
) -> Credentials:
    """The mailbox's credentials with an access token fit to sign in with (caller commits).

    `rejected`: the token a server just refused; it is renewed unless another process already did.
    A failed renewal is audited and kept as the row's last_error before TokenRefreshError is raised.
    """
    from trustdesk.mailboxes.registry import open_credentials, seal_credentials

    credentials = open_credentials(box, row)
    client = credentials.oauth
    if not row.oauth_refresh or client is None:
        return credentials
    if rejected is not None and credentials.imap and credentials.imap != rejected:
        return credentials  # renewed meanwhile by another session
    if rejected is None and credentials.imap and not needs_renewal(row):
        return credentials
    try:
        granted = request_token(client, ca_file=ca_file)
    except TokenRefreshError as exc:
        log.warning(
            "mailbox access token not renewed",
            extra={"mailbox": row.public_id, "code": exc.code, "status": exc.status},
        )
        if row.last_error != exc.message[:500]:  # one entry per distinct failure, not one per retry
            audit(
                session,
                "mailbox.token_refresh_failed",
                actor=actor,
                tenant_id=row.tenant_id,
                target=f"mailbox:{row.public_id}",
                details={"error": exc.code, "status": exc.status, "permanent": exc.permanent},
            )
        row.last_error = exc.message[:500]
        row.updated_at = utcnow()
        session.flush()
        raise
    now = utcnow()
    if granted.refresh_token is not None:
        client = replace(client, refresh_token=granted.refresh_token)
    renewed = Credentials(granted.access_token, None, client)
    row.secret_sealed = seal_credentials(box, renewed)
    row.token_expires_at = now + granted.expires_in
    row.token_refreshed_at = now
    row.updated_at = now
    session.flush()
    log.info(
        "mailbox access token renewed",
        extra={"mailbox": row.public_id, "rotated": granted.refresh_token is not None},
    )
    return renewed


@contextmanager
def _locked(sessions: sessionmaker[Session], mailbox_id: int) -> Iterator[tuple[Session, MailboxRow | None]]:
    with sessions() as session:
        query = select(MailboxRow).where(MailboxRow.id == mailbox_id)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        yield session, session.scalar(query)


def fresh_credentials(
    sessions: sessionmaker[Session],
    mailbox_id: int,
    box: SecretBox,
    *,
    ca_file: str | None,
    rejected: str | None = None,
) -> Credentials:
    """ensure_access_token in a transaction of its own (the mailbox worker, the reply jobs); commits
    the renewed token, or the audited failure before raising it."""
    with _locked(sessions, mailbox_id) as (session, row):
        if row is None:
            raise MailboxConnectError("mailbox", "the mailbox was removed", permanent=True)
        try:
            credentials = ensure_access_token(session, row, box, ca_file=ca_file, rejected=rejected)
        except TokenRefreshError:
            session.commit()
            raise
        session.commit()
        return credentials
