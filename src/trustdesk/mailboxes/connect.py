"""Opening a retailer's mailbox: IMAP (imapclient) and SMTP submission (aiosmtplib), TLS always.

Errors become MailboxConnectError with a sentence an admin can act on ("the IMAP server refused
the sign-in for help@shop.example"); no message ever holds the password or token.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from collections.abc import Sequence

import aiosmtplib
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from trustdesk.mailboxes.spec import Endpoint

# Protocol traces would carry AUTH lines and mail bodies: never below WARNING.
logging.getLogger("imapclient").setLevel(logging.WARNING)
logging.getLogger("aiosmtplib").setLevel(logging.WARNING)


class MailboxConnectError(Exception):
    """Connecting, securing, signing in or opening the folder failed.

    `stage` is one of connect, tls, auth, folder, send; `permanent` when retrying unchanged cannot help
    (refused credentials, a missing folder) as opposed to a server that is down for a moment.
    """

    def __init__(self, stage: str, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.stage = stage
        self.message = message
        self.permanent = permanent


def tls_context(ca_file: str | None = None) -> ssl.SSLContext:
    """The system's trust store, plus `ca_file` (a private CA for a self-hosted server) when given."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def _server_text(exc: BaseException | str) -> str:
    text = str(exc).replace("\r", " ").replace("\n", " ").strip()
    return text[:200] or (type(exc).__name__ if isinstance(exc, BaseException) else "no reason given")


def _network_error(kind: str, endpoint: Endpoint, exc: BaseException) -> MailboxConnectError:
    where = f"{endpoint.host}:{endpoint.port}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailboxConnectError(
            "tls",
            f"the {kind} server {where} presented a certificate that is not trusted: {exc.verify_message}",
        )
    if isinstance(exc, ssl.SSLError):
        return MailboxConnectError(
            "tls",
            f"TLS with the {kind} server {where} failed ({_server_text(exc)}); check the port and the security mode",
        )
    if isinstance(exc, socket.gaierror):
        return MailboxConnectError("connect", f"the {kind} host {endpoint.host} cannot be found")
    if isinstance(exc, TimeoutError | socket.timeout):
        return MailboxConnectError("connect", f"the {kind} server {where} did not answer in time")
    return MailboxConnectError("connect", f"cannot connect to the {kind} server {where}: {_server_text(exc)}")


def open_imap(
    endpoint: Endpoint,
    username: str,
    secret: str,
    auth_kind: str,
    *,
    ca_file: str | None = None,
    timeout: float = 30.0,
) -> IMAPClient:
    """A signed-in IMAP session (implicit TLS or STARTTLS; LOGIN or XOAUTH2)."""
    context = tls_context(ca_file)
    try:
        client = IMAPClient(
            endpoint.host,
            port=endpoint.port,
            use_uid=True,
            ssl=endpoint.security == "tls",
            ssl_context=context,
            timeout=timeout,
        )
    except (OSError, IMAPClientError) as exc:
        raise _network_error("IMAP", endpoint, exc) from None
    try:
        if endpoint.security == "starttls":
            if not client.has_capability("STARTTLS"):
                raise MailboxConnectError(
                    "tls",
                    f"the IMAP server {endpoint.host}:{endpoint.port} does not offer STARTTLS; use 'tls'",
                )
            try:
                client.starttls(context)
            except (OSError, IMAPClientError) as exc:
                raise _network_error("IMAP", endpoint, exc) from None
        try:
            if auth_kind == "oauth2":
                client.oauth2_login(username, secret)
            else:
                client.login(username, secret)
        except LoginError as exc:
            raise MailboxConnectError(
                "auth",
                f"the IMAP server refused the sign-in for {username}: {_server_text(exc)}",
                permanent=True,
            ) from None
        except (OSError, IMAPClientError) as exc:
            raise _network_error("IMAP", endpoint, exc) from None
    except BaseException:
        _close_quietly(client)
        raise
    return client


def select(client: IMAPClient, folder: str) -> int:
    """Open `folder` read-write; returns its UIDVALIDITY."""
    try:
        info = client.select_folder(folder)
    except IMAPClientError as exc:
        raise MailboxConnectError(
            "folder", f"the folder {folder!r} cannot be opened: {_server_text(exc)}", permanent=True
        ) from None
    value = info.get(b"UIDVALIDITY")
    if value is None:
        raise MailboxConnectError("folder", f"the server gave no UIDVALIDITY for {folder!r}")
    return int(value)


def _close_quietly(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection is being dropped anyway
        try:
            client.shutdown()
        except Exception:  # noqa: BLE001, S110
            pass


def close_imap(client: IMAPClient) -> None:
    _close_quietly(client)


async def _submit(
    raw: bytes | None,
    sender: str,
    recipients: Sequence[str],
    endpoint: Endpoint,
    username: str,
    secret: str,
    auth_kind: str,
    ca_file: str | None,
    timeout: float,
) -> None:
    smtp = aiosmtplib.SMTP(
        hostname=endpoint.host,
        port=endpoint.port,
        use_tls=endpoint.security == "tls",
        start_tls=endpoint.security == "starttls",
        tls_context=tls_context(ca_file),
        timeout=timeout,
    )
    await smtp.connect()
    try:
        if auth_kind == "oauth2":
            await smtp.auth_xoauth2(username, secret)
        else:
            await smtp.login(username, secret)
        if raw is not None:
            await smtp.sendmail(sender, list(recipients), raw)
    finally:
        try:
            await smtp.quit()
        except aiosmtplib.SMTPException:
            smtp.close()


def submit(
    raw: bytes | None,
    sender: str,
    recipients: Sequence[str],
    endpoint: Endpoint,
    username: str,
    secret: str,
    auth_kind: str,
    *,
    ca_file: str | None = None,
    timeout: float = 30.0,
) -> None:
    """Send one mail through SMTP submission (raw None: only connect and sign in, for a test).

    MailboxConnectError(permanent=True) for refused credentials and 5xx answers; other failures
    are temporary (the caller retries)."""
    try:
        asyncio.run(_submit(raw, sender, recipients, endpoint, username, secret, auth_kind, ca_file, timeout))
    except aiosmtplib.SMTPAuthenticationError as exc:
        raise MailboxConnectError(
            "auth",
            f"the SMTP server refused the sign-in for {username}: {exc.code} {_server_text(exc.message)}",
            permanent=True,
        ) from None
    except aiosmtplib.SMTPRecipientsRefused as exc:
        reasons = "; ".join(f"{r.code} {_server_text(r.message)}" for r in exc.recipients)
        raise MailboxConnectError(
            "send", f"the SMTP server refused the recipient: {reasons}", permanent=True
        ) from None
    except aiosmtplib.SMTPResponseException as exc:
        message = f"the SMTP server answered {exc.code} {_server_text(exc.message)}"
        raise MailboxConnectError("send", message, permanent=500 <= exc.code < 600) from None
    except aiosmtplib.SMTPConnectError as exc:
        cause = exc.__cause__ or exc
        raise _network_error("SMTP", endpoint, cause) from None
    except (aiosmtplib.SMTPException, OSError) as exc:
        cause = exc.__cause__ if isinstance(exc.__cause__, OSError) else exc
        raise _network_error("SMTP", endpoint, cause) from None
