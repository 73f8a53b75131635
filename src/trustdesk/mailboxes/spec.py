"""What an admin types to connect a mailbox, checked into plain values (no IO here).

Every problem is a MailboxInputError naming the field, so the API answers a clear 422 and the
CLI and console show the same sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import ip_address
from urllib.parse import urlsplit

SECURITY_MODES = ("tls", "starttls")  # implicit TLS or STARTTLS; never clear text
AUTH_KINDS = ("password", "oauth2")  # oauth2: an XOAUTH2 access token
AFTER_INTAKE = ("seen", "move")
DEFAULT_IMAP_PORTS = {"tls": 993, "starttls": 143}
DEFAULT_SMTP_PORTS = {"tls": 465, "starttls": 587}

_HOST = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+$|^\d{1,3}(?:\.\d{1,3}){3}$"
)
_ADDRESS = re.compile(r"^[^@\s<>\"]{1,64}@[A-Za-z0-9.-]{1,253}$")
_FOLDER = re.compile(r"^[^\x00-\x1f\x7f*%\"\\]{1,200}$")


class MailboxInputError(ValueError):
    """A mailbox setting that cannot be used; `field` names it, the message says what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    security: str  # tls | starttls


@dataclass(frozen=True)
class OAuthClient:
    """How the desk renews a mailbox's OAuth2 access token (RFC 6749 refresh grant). Every field is
    sealed with the other secrets; the repr hides them."""

    token_url: str
    client_id: str
    refresh_token: str
    client_secret: str | None = None  # None: a public client
    scope: str | None = None

    def __repr__(self) -> str:
        return "OAuthClient(<hidden>)"


@dataclass(frozen=True)
class Credentials:
    """The secrets of one mailbox. Never logged: the repr hides them."""

    imap: str  # the password, or the current access token ("" before the first renewal)
    smtp: str | None = None  # None: the same as imap
    oauth: OAuthClient | None = None  # set: the access token is renewed with this client

    @property
    def for_smtp(self) -> str:
        return self.smtp if self.smtp is not None else self.imap

    def __repr__(self) -> str:
        return "Credentials(<hidden>)"


@dataclass(frozen=True)
class MailboxSpec:
    address: str
    username: str
    auth_kind: str
    imap: Endpoint
    folder: str = "INBOX"
    after_intake: str = "seen"
    move_to: str | None = None
    smtp: Endpoint | None = None
    smtp_username: str | None = None
    credentials: Credentials = field(default=Credentials(""), repr=False)


def _host(value: str, name: str) -> str:
    host = value.strip().rstrip(".").lower()
    if not host or not _HOST.match(host):
        raise MailboxInputError(name, f"{name} must be a host name or IPv4 address, e.g. imap.example.com")
    return host


def _port(value: int | None, security: str, defaults: dict[str, int], name: str) -> int:
    port = defaults[security] if value is None else int(value)
    if not 1 <= port <= 65535:
        raise MailboxInputError(name, f"{name} must be between 1 and 65535")
    return port


def _security(value: str, name: str) -> str:
    mode = (value or "").strip().lower()
    if mode not in SECURITY_MODES:
        raise MailboxInputError(
            name, f"{name} must be 'tls' (implicit TLS) or 'starttls'; clear-text connections are not offered"
        )
    return mode


_LOOPBACK_NAMES = ("localhost",)


def _one_line(value: str | None, name: str, what: str, limit: int = 4096) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > limit or any(c in text for c in "\r\n\x00"):
        raise MailboxInputError(name, f"{what} must be one line of at most {limit} characters")
    return text


def _token_url(value: str) -> str:
    url = value.strip()
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        loopback = host in _LOOPBACK_NAMES or ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if (
        len(url) > 500
        or not host
        or parts.username
        or parts.password
        or parts.fragment
        or not (parts.scheme == "https" or (parts.scheme == "http" and loopback))
    ):
        raise MailboxInputError(
            "oauth_token_url",
            "oauth_token_url must be the provider's https token endpoint, "
            "e.g. https://oauth2.googleapis.com/token (plain http only on this machine's loopback)",
        )
    return url


def build_oauth_client(
    *,
    token_url: str | None,
    client_id: str | None,
    refresh_token: str | None,
    client_secret: str | None = None,
    scope: str | None = None,
) -> OAuthClient | None:
    """The refresh settings, checked; None when none was given."""
    if not any(v and v.strip() for v in (token_url, client_id, refresh_token, client_secret, scope)):
        return None
    if not (token_url or "").strip():
        raise MailboxInputError("oauth_token_url", "oauth_token_url is required to renew access tokens")
    url = _token_url(token_url or "")
    cid = _one_line(client_id, "oauth_client_id", "oauth_client_id", 500)
    if cid is None:
        raise MailboxInputError("oauth_client_id", "oauth_client_id is required to renew access tokens")
    refresh = _one_line(refresh_token, "oauth_refresh_token", "the refresh token")
    if refresh is None:
        raise MailboxInputError("oauth_refresh_token", "the refresh token is required to renew access tokens")
    return OAuthClient(
        token_url=url,
        client_id=cid,
        refresh_token=refresh,
        client_secret=_one_line(client_secret, "oauth_client_secret", "the client secret"),
        scope=_one_line(scope, "oauth_scope", "oauth_scope", 1000),
    )


def build_spec(
    *,
    address: str,
    username: str,
    secret: str | None,
    imap_host: str,
    auth_kind: str = "password",
    imap_port: int | None = None,
    imap_security: str = "tls",
    folder: str = "INBOX",
    after_intake: str = "seen",
    move_to: str | None = None,
    smtp_host: str | None = None,
    smtp_port: int | None = None,
    smtp_security: str = "starttls",
    smtp_username: str | None = None,
    smtp_secret: str | None = None,
    oauth_token_url: str | None = None,
    oauth_client_id: str | None = None,
    oauth_client_secret: str | None = None,
    oauth_refresh_token: str | None = None,
    oauth_scope: str | None = None,
) -> MailboxSpec:
    """Check and normalise a mailbox's settings; MailboxInputError on the first problem.

    With oauth2 and a refresh token (plus token endpoint and client), `secret` (a current access
    token) may be empty: the desk fetches one before it first signs in."""
    addr = address.strip().lower()
    if not _ADDRESS.match(addr):
        raise MailboxInputError("address", "address must be an e-mail address, e.g. help@shop.example")
    if auth_kind not in AUTH_KINDS:
        raise MailboxInputError(
            "auth_kind", "auth_kind must be 'password' or 'oauth2' (an XOAUTH2 access token)"
        )
    user = username.strip()
    if not user or len(user) > 320 or any(c in user for c in "\r\n\x00"):
        raise MailboxInputError("username", "username is required (at most 320 characters, one line)")
    oauth = build_oauth_client(
        token_url=oauth_token_url,
        client_id=oauth_client_id,
        refresh_token=oauth_refresh_token,
        client_secret=oauth_client_secret,
        scope=oauth_scope,
    )
    if oauth is not None and auth_kind != "oauth2":
        raise MailboxInputError("auth_kind", "the OAuth2 refresh settings need auth_kind 'oauth2'")
    secret = secret or ""
    if oauth is not None and smtp_secret is not None:
        raise MailboxInputError(
            "smtp_secret", "with a refresh token, SMTP signs in with the same renewed access token"
        )
    if (not secret and oauth is None) or len(secret) > 4096 or any(c in secret for c in "\r\n\x00"):
        raise MailboxInputError(
            "secret", "the password or access token is required (one line, at most 4096 characters)"
        )
    if smtp_secret is not None and (
        not smtp_secret or len(smtp_secret) > 4096 or any(c in smtp_secret for c in "\r\n\x00")
    ):
        raise MailboxInputError(
            "smtp_secret", "the SMTP password or token must be one line of at most 4096 characters"
        )
    imap_mode = _security(imap_security, "imap_security")
    imap = Endpoint(
        _host(imap_host, "imap_host"), _port(imap_port, imap_mode, DEFAULT_IMAP_PORTS, "imap_port"), imap_mode
    )
    box = (folder or "INBOX").strip()
    if not _FOLDER.match(box):
        raise MailboxInputError(
            "folder", "folder must be a mailbox name such as INBOX (no wildcards or quotes)"
        )
    if after_intake not in AFTER_INTAKE:
        raise MailboxInputError("after_intake", "after_intake must be 'seen' or 'move'")
    target = (move_to or "").strip() or None
    if after_intake == "move":
        if target is None or not _FOLDER.match(target):
            raise MailboxInputError(
                "move_to", "move_to must name the folder taken mail is moved to, e.g. Archive"
            )
        if target == box:
            raise MailboxInputError("move_to", "move_to must differ from the folder mail is fetched from")
    else:
        target = None
    smtp = None
    if smtp_host is not None and smtp_host.strip():
        smtp_mode = _security(smtp_security, "smtp_security")
        smtp = Endpoint(
            _host(smtp_host, "smtp_host"),
            _port(smtp_port, smtp_mode, DEFAULT_SMTP_PORTS, "smtp_port"),
            smtp_mode,
        )
    elif smtp_port is not None or smtp_username or smtp_secret:
        raise MailboxInputError("smtp_host", "smtp_host is required when other SMTP settings are given")
    smtp_user = (smtp_username or "").strip() or None
    if smtp_user is not None and (len(smtp_user) > 320 or any(c in smtp_user for c in "\r\n\x00")):
        raise MailboxInputError("smtp_username", "smtp_username must be one line of at most 320 characters")
    return MailboxSpec(
        address=addr,
        username=user,
        auth_kind=auth_kind,
        imap=imap,
        folder=box,
        after_intake=after_intake,
        move_to=target,
        smtp=smtp,
        smtp_username=smtp_user,
        credentials=Credentials(secret, smtp_secret, oauth),
    )
