"""Connected mailboxes in the database: add, list, find, remove, test; every change audited.

A mailbox must hold one of the retailer's own official e-mail addresses: intake files its mail
under that retailer, and replies leave from that address. Secrets are sealed with the deployment
key before they reach a row and are never returned, logged or put in an audit entry.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trustdesk.audit.log import record as audit
from trustdesk.mailboxes.connect import MailboxConnectError, close_imap, open_imap, submit
from trustdesk.mailboxes.connect import select as select_folder
from trustdesk.mailboxes.spec import Credentials, Endpoint, MailboxInputError, MailboxSpec, OAuthClient
from trustdesk.mailchannel.sender import official_addresses
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import MailboxRow, Tenant, utcnow


class MailboxNotFound(LookupError):
    """No such mailbox for this retailer (another retailer's mailbox is "not found" too)."""


def add_mailbox(
    session: Session,
    tenant: Tenant,
    spec: MailboxSpec,
    box: SecretBox,
    *,
    actor: str,
    user_id: int | None = None,
    ip: str | None = None,
) -> MailboxRow:
    """Store a new mailbox for `tenant` (caller commits); MailboxInputError when it cannot be."""
    if spec.address not in official_addresses(session, tenant):
        raise MailboxInputError(
            "address",
            f"{spec.address} is not an official e-mail address of {tenant.name}; "
            "add it as an official e-mail channel first (mail fetched from it is filed under that address)",
        )
    existing = session.scalar(
        select(MailboxRow.id).where(MailboxRow.tenant_id == tenant.id, MailboxRow.address == spec.address)
    )
    if existing is not None:
        raise MailboxInputError(
            "address", f"a mailbox for {spec.address} is already connected; remove it first"
        )
    row = MailboxRow(
        tenant_id=tenant.id,
        public_id="mbx_" + secrets.token_urlsafe(12),
        address=spec.address,
        enabled=True,
        auth_kind=spec.auth_kind,
        username=spec.username,
        secret_sealed=seal_credentials(box, spec.credentials),
        oauth_refresh=spec.credentials.oauth is not None,
        imap_host=spec.imap.host,
        imap_port=spec.imap.port,
        imap_security=spec.imap.security,
        folder=spec.folder,
        after_intake=spec.after_intake,
        move_to=spec.move_to,
        smtp_host=spec.smtp.host if spec.smtp else None,
        smtp_port=spec.smtp.port if spec.smtp else None,
        smtp_security=spec.smtp.security if spec.smtp else None,
        smtp_username=spec.smtp_username,
        last_uid=0,
        fetched_total=0,
        created_by_id=user_id,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise MailboxInputError("address", f"a mailbox for {spec.address} is already connected") from None
    audit(
        session,
        "mailbox.added",
        actor=actor,
        tenant_id=tenant.id,
        target=f"mailbox:{row.public_id}",
        details=_settings_summary(row),
        ip=ip,
    )
    return row


def list_mailboxes(session: Session, tenant_id: int) -> list[MailboxRow]:
    return list(
        session.scalars(select(MailboxRow).where(MailboxRow.tenant_id == tenant_id).order_by(MailboxRow.id))
    )


def find_mailbox(session: Session, tenant_id: int, ref: str) -> MailboxRow:
    """By public id or by address, within one retailer only."""
    row = session.scalar(
        select(MailboxRow).where(
            MailboxRow.tenant_id == tenant_id,
            (MailboxRow.public_id == ref) | (MailboxRow.address == ref.strip().lower()),
        )
    )
    if row is None:
        raise MailboxNotFound(ref)
    return row


def remove_mailbox(
    session: Session, tenant_id: int, ref: str, *, actor: str, ip: str | None = None
) -> MailboxRow:
    """Delete the mailbox and its sealed secret (caller commits); mail already taken in stays."""
    row = find_mailbox(session, tenant_id, ref)
    audit(
        session,
        "mailbox.removed",
        actor=actor,
        tenant_id=tenant_id,
        target=f"mailbox:{row.public_id}",
        details={"address": row.address, "fetched_total": int(row.fetched_total)},
        ip=ip,
    )
    session.delete(row)
    session.flush()
    return row


def seal_credentials(box: SecretBox, credentials: Credentials) -> str:
    data: dict[str, Any] = {"imap": credentials.imap, "smtp": credentials.smtp}
    if credentials.oauth is not None:
        client = credentials.oauth
        data["oauth"] = {
            "token_url": client.token_url,
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "refresh_token": client.refresh_token,
            "scope": client.scope,
        }
    return box.seal(json.dumps(data))


def open_credentials(box: SecretBox, row: MailboxRow) -> Credentials:
    data = json.loads(box.open(row.secret_sealed))
    oauth = data.get("oauth")
    client = (
        OAuthClient(
            token_url=str(oauth["token_url"]),
            client_id=str(oauth["client_id"]),
            refresh_token=str(oauth["refresh_token"]),
            client_secret=oauth.get("client_secret"),
            scope=oauth.get("scope"),
        )
        if isinstance(oauth, dict)
        else None
    )
    return Credentials(str(data["imap"]), data.get("smtp"), client)


def imap_endpoint(row: MailboxRow) -> Endpoint:
    return Endpoint(row.imap_host, int(row.imap_port), row.imap_security)


def smtp_endpoint(row: MailboxRow) -> Endpoint | None:
    if not row.smtp_host or not row.smtp_port or not row.smtp_security:
        return None
    return Endpoint(row.smtp_host, int(row.smtp_port), row.smtp_security)


def _settings_summary(row: MailboxRow) -> dict[str, Any]:
    return {
        "address": row.address,
        "auth_kind": row.auth_kind,
        "oauth_refresh": bool(row.oauth_refresh),
        "imap": f"{row.imap_host}:{row.imap_port} {row.imap_security}",
        "folder": row.folder,
        "after_intake": row.after_intake if row.after_intake == "seen" else f"move to {row.move_to}",
        "smtp": f"{row.smtp_host}:{row.smtp_port} {row.smtp_security}" if row.smtp_host else None,
    }


def mailbox_dict(row: MailboxRow) -> dict[str, Any]:
    """The public view of a mailbox: settings and fetch state, never the secret."""
    smtp = smtp_endpoint(row)
    return {
        "id": row.public_id,
        "address": row.address,
        "enabled": row.enabled,
        "auth_kind": row.auth_kind,
        "username": row.username,
        "imap": {"host": row.imap_host, "port": row.imap_port, "security": row.imap_security},
        "folder": row.folder,
        "after_intake": row.after_intake,
        "move_to": row.move_to,
        "smtp": (
            {
                "host": smtp.host,
                "port": smtp.port,
                "security": smtp.security,
                "username": row.smtp_username or row.username,
            }
            if smtp is not None
            else None
        ),
        "state": {
            "uid_validity": row.uid_validity,
            "last_uid": int(row.last_uid),
            "fetched_total": int(row.fetched_total),
            "last_fetch_at": row.last_fetch_at.isoformat() if row.last_fetch_at else None,
            "last_error": row.last_error,
        },
        "created_at": row.created_at.isoformat(),
        # Set for a mailbox whose access token the desk renews (never the token or its client).
        "oauth2": (
            {
                "refresh": True,
                "token_expires_at": row.token_expires_at.isoformat() if row.token_expires_at else None,
                "token_refreshed_at": row.token_refreshed_at.isoformat() if row.token_refreshed_at else None,
            }
            if row.oauth_refresh
            else None
        ),
    }


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    error: str | None = None
    stage: str | None = None
    details: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "error": self.error, "stage": self.stage, **(self.details or {})}


def check_imap(
    row: MailboxRow, credentials: Credentials, *, ca_file: str | None, timeout: float = 20.0
) -> CheckResult:
    """Connect, sign in and open the folder; reports the folder's message count and IDLE support."""
    try:
        client = open_imap(
            imap_endpoint(row),
            row.username,
            credentials.imap,
            row.auth_kind,
            ca_file=ca_file,
            timeout=timeout,
        )
    except MailboxConnectError as exc:
        return CheckResult(False, exc.message, exc.stage)
    try:
        select_folder(client, row.folder)
        count = len(client.search("ALL"))
        unseen = len(client.search("UNSEEN"))
        idle = bool(client.has_capability("IDLE"))
        if row.after_intake == "move" and row.move_to and not client.folder_exists(row.move_to):
            return CheckResult(
                False, f"the folder {row.move_to!r} to move taken mail to does not exist", "folder"
            )
    except MailboxConnectError as exc:
        return CheckResult(False, exc.message, exc.stage)
    finally:
        close_imap(client)
    return CheckResult(True, details={"messages": count, "unseen": unseen, "idle": idle})


def check_smtp(
    row: MailboxRow, credentials: Credentials, *, ca_file: str | None, timeout: float = 20.0
) -> CheckResult | None:
    endpoint = smtp_endpoint(row)
    if endpoint is None:
        return None
    try:
        submit(
            None,
            row.address,
            (),
            endpoint,
            row.smtp_username or row.username,
            credentials.for_smtp,
            row.auth_kind,
            ca_file=ca_file,
            timeout=timeout,
        )
    except MailboxConnectError as exc:
        return CheckResult(False, exc.message, exc.stage)
    return CheckResult(True)


def test_mailbox(
    session: Session,
    row: MailboxRow,
    box: SecretBox,
    *,
    ca_file: str | None,
    actor: str,
    ip: str | None = None,
) -> dict[str, Any]:
    """Try the mailbox's IMAP (and SMTP submission, when set) with its stored secrets; audited (caller commits).

    A mailbox with a refresh token gets a fresh access token first, and once more when a server
    refuses the sign-in (the renewed token is kept, sealed)."""
    from trustdesk.mailboxes.oauth import TokenRefreshError, ensure_access_token

    try:
        credentials = ensure_access_token(session, row, box, ca_file=ca_file, actor=actor)
    except TokenRefreshError as exc:
        failed = CheckResult(False, exc.message, exc.stage)
        imap, smtp = failed, (failed if smtp_endpoint(row) is not None else None)
    else:
        imap = check_imap(row, credentials, ca_file=ca_file)
        smtp = check_smtp(row, credentials, ca_file=ca_file)
        refused = imap.stage == "auth" or (smtp is not None and smtp.stage == "auth")
        if refused and row.oauth_refresh:
            try:
                renewed = ensure_access_token(
                    session, row, box, ca_file=ca_file, rejected=credentials.imap, actor=actor
                )
            except TokenRefreshError as exc:
                imap = CheckResult(False, exc.message, exc.stage) if imap.stage == "auth" else imap
            else:
                if imap.stage == "auth":
                    imap = check_imap(row, renewed, ca_file=ca_file)
                if smtp is not None and smtp.stage == "auth":
                    smtp = check_smtp(row, renewed, ca_file=ca_file)
    ok = imap.ok and (smtp is None or smtp.ok)
    result = {
        "id": row.public_id,
        "address": row.address,
        "ok": ok,
        "imap": imap.as_dict(),
        "smtp": smtp.as_dict() if smtp is not None else None,
    }
    audit(
        session,
        "mailbox.tested",
        actor=actor,
        tenant_id=row.tenant_id,
        target=f"mailbox:{row.public_id}",
        details={
            "ok": ok,
            "imap_error": imap.error,
            "smtp_error": smtp.error if smtp is not None else None,
        },
        ip=ip,
    )
    if not ok:
        row.last_error = (imap.error or (smtp.error if smtp else None) or "")[:500] or None
        row.updated_at = utcnow()
    return result
