"""The inbound SMTP listener (aiosmtpd) on its own thread and event loop.

With a certificate it offers STARTTLS; with credentials it offers AUTH (PLAIN, LOGIN), only once
the session is encrypted, and may require it (a relay that forwards the retailer's mail here).
Recipients are checked at RCPT (550 for anything that is not a retailer's support address),
size at DATA (552), and the mail is taken in by MailIntake on a worker thread (the pipeline
and DNS are blocking). A mail is acknowledged (250) only after it is committed; an unexpected
error answers 451 so the sending server retries: nothing accepted is lost.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import ssl
import threading
from dataclasses import dataclass
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from trustdesk.mailchannel.intake import Envelope as MailEnvelope
from trustdesk.mailchannel.intake import MailIntake, MailRefused
from trustdesk.ratelimit import Limit, MemoryRateLimiter, RateLimiter

log = logging.getLogger("trustdesk.mail")

MAX_RECIPIENTS = 20

# aiosmtpd logs every DATA line at DEBUG: mail bodies (and their secrets) must never reach a log.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class DeskHandler:
    """aiosmtpd handler hooks: RCPT and DATA."""

    def __init__(
        self, intake: MailIntake, limiter: RateLimiter | None = None, per_ip: Limit | None = None
    ) -> None:
        self.intake = intake
        self.limiter = limiter or MemoryRateLimiter()
        self.per_ip = per_ip

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return f"452 4.5.3 too many recipients (at most {MAX_RECIPIENTS} per message)"
        try:
            tenant_id = await asyncio.to_thread(self.intake.tenant_for, address)
        except Exception as exc:  # noqa: BLE001 - e.g. the database restarting: the sender retries
            log.warning("recipient lookup failed", extra={"error": type(exc).__name__})
            return "451 4.3.0 temporary failure looking up the recipient; please retry"
        if tenant_id is None:
            safe = address.replace("\r", "").replace("\n", "")[:200]
            return f"550 5.1.1 <{safe}>: no such support address here (this desk only takes mail for retailers' official support addresses)"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8", errors="surrogateescape")
        peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer or "")
        mail_envelope = MailEnvelope(
            client_ip=str(peer),
            helo=str(session.host_name or ""),
            mail_from=str(envelope.mail_from or ""),
            recipients=tuple(envelope.rcpt_tos),
        )
        if self.per_ip is not None:
            decision = await asyncio.to_thread(
                self.limiter.hit, "smtp-mail", mail_envelope.client_ip, self.per_ip
            )
            if not decision.allowed:
                log.info(
                    "mail deferred: too many from one address", extra={"retry_after": decision.retry_after}
                )
                return f"451 4.7.1 too many messages from your address; try again in {decision.retry_after} seconds"
        try:
            delivered = await asyncio.to_thread(self.intake.accept, data, mail_envelope)
        except MailRefused as exc:
            log.info("mail refused", extra={"code": exc.code, "reason": exc.text[:200]})
            return exc.reply
        except Exception as exc:  # noqa: BLE001 - never crash the session; the sender keeps the mail and retries
            log.warning("mail intake failed", extra={"error": type(exc).__name__})
            return "451 4.3.0 temporary failure storing the message; please retry"
        references = ", ".join(sorted({d.reference for d in delivered}))
        log.info("mail accepted", extra={"conversations": len(delivered), "reference": references})
        if not references:  # only report addresses: the forwarder gets the verdict by mail
            return "250 2.0.0 OK: received for checking; thank you for reporting it"
        return f"250 2.0.0 OK: received in {references}"


@dataclass(frozen=True)
class ListenerAuth:
    """The one account that may AUTH to the listener. Never logged: the repr hides the password."""

    username: str
    password: str
    required: bool = False

    def __repr__(self) -> str:
        return f"ListenerAuth({self.username!r}, required={self.required})"

    def check(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        """aiosmtpd authenticator: constant-time comparison of both parts."""
        if isinstance(data, LoginPassword):
            user_ok = hmac.compare_digest(data.login, self.username.encode())
            password_ok = hmac.compare_digest(data.password, self.password.encode())
            if user_ok and password_ok:
                return AuthResult(success=True, auth_data=self.username)
        log.info("smtp auth refused", extra={"mechanism": mechanism})
        return AuthResult(success=False, handled=False)


class SmtpListener:
    """Runs the SMTP server on a background thread. `port=0` picks a free port (see `.port`).

    `tls_context` (a server context with the certificate loaded) offers STARTTLS; `auth` offers
    AUTH after STARTTLS only (and requires it when `auth.required`)."""

    def __init__(
        self,
        intake: MailIntake,
        host: str = "127.0.0.1",
        port: int = 2525,
        *,
        hostname: str = "trustdesk",
        data_size_limit: int | None = None,
        timeout: float = 60.0,
        limiter: RateLimiter | None = None,
        per_ip: Limit | None = None,
        tls_context: ssl.SSLContext | None = None,
        auth: ListenerAuth | None = None,
    ) -> None:
        if auth is not None and tls_context is None:
            raise ValueError("SMTP AUTH is offered only after STARTTLS: give the listener a TLS certificate")
        self.tls_context = tls_context
        self.auth = auth
        self.intake = intake
        self.host = host
        self.port = port
        self.hostname = hostname
        self.data_size_limit = data_size_limit or intake.limits.max_message_bytes
        self.timeout = timeout
        self.handler = DeskHandler(intake, limiter, per_ip)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None

    def _factory(self) -> SMTP:
        return SMTP(
            self.handler,
            data_size_limit=self.data_size_limit,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=self.hostname,
            ident="Trustdesk ESMTP",
            timeout=self.timeout,
            tls_context=self.tls_context,
            authenticator=self.auth.check if self.auth is not None else None,
            auth_required=bool(self.auth is not None and self.auth.required),
            auth_require_tls=True,
            loop=self._loop,
        )

    def start(self) -> None:
        """Bind and serve; raises OSError when the address cannot be bound."""
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            server = loop.run_until_complete(
                loop.create_server(self._factory, host=self.host, port=self.port)
            )
        except BaseException:
            loop.close()
            self._loop = None
            raise
        self._server = server
        self.port = int(server.sockets[0].getsockname()[1])
        self._thread = threading.Thread(target=loop.run_forever, name="smtp-listener", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        async def close() -> None:
            server.close()
            await server.wait_closed()

        try:
            asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=10)
        except Exception as exc:  # noqa: BLE001 - sessions still open are dropped with the loop
            log.info("smtp listener closed with sessions open", extra={"error": type(exc).__name__})
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        loop.close()
        self._loop = self._server = self._thread = None

    def __enter__(self) -> SmtpListener:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
