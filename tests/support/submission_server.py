"""A real SMTP submission server for tests (aiosmtpd): STARTTLS (port 587 style) or implicit TLS
(465 style), AUTH PLAIN/LOGIN (one user) and XOAUTH2 (known access tokens) only after TLS; keeps
what it receives."""

from __future__ import annotations

import asyncio
import base64
import binascii
import ssl
import threading
import time
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from support.tls import TlsPair


class SubmissionServer:
    def __init__(self, tls: TlsPair, username: str, password: str, *, implicit_tls: bool = False) -> None:
        self.tls = tls
        self.username = username
        self.password = password
        self.implicit_tls = implicit_tls
        self.tokens: dict[str, str] = {}  # XOAUTH2 access token -> user name
        self.messages: list[tuple[str, list[str], bytes, str | None]] = []
        self.failed_logins = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(self.tls.cert), str(self.tls.key))
        return context

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword) and (
            data.login.decode() == self.username and data.password.decode() == self.password
        ):
            return AuthResult(success=True, auth_data=data.login.decode())
        self.failed_logins += 1
        return AuthResult(success=False, handled=False)

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:  # noqa: N802 - aiosmtpd's hook name
        """SASL XOAUTH2 (Google, Microsoft): base64("user=NAME^Aauth=Bearer TOKEN^A^A") as the initial response."""
        try:
            fields = base64.b64decode(args[1] if len(args) > 1 else "", validate=True).decode().split("\x01")
        except (binascii.Error, UnicodeDecodeError):
            return AuthResult(success=False, handled=False)
        user = next((f[5:] for f in fields if f.startswith("user=")), "")
        token = next((f[12:] for f in fields if f.startswith("auth=Bearer ")), "")
        if token and self.tokens.get(token) == user:
            return AuthResult(success=True, auth_data=user)
        self.failed_logins += 1
        return AuthResult(success=False, handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        who = session.auth_data if isinstance(session.auth_data, str) else None
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content), who)
        )
        return "250 2.0.0 OK: queued"

    def start(self) -> SubmissionServer:
        context = self._context()

        def factory() -> SMTP:
            return SMTP(
                self,
                hostname="localhost",
                tls_context=None if self.implicit_tls else context,
                require_starttls=not self.implicit_tls,
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=not self.implicit_tls,  # implicit TLS: the session is encrypted from the start
                decode_data=False,
                loop=self._loop,
            )

        server = self._loop.run_until_complete(
            self._loop.create_server(
                factory, host="127.0.0.1", port=0, ssl=context if self.implicit_tls else None
            )
        )
        self._server = server
        self.port = int(server.sockets[0].getsockname()[1])
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def wait(self, count: int = 1, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return
            time.sleep(0.05)
        raise AssertionError(
            f"the submission server received {len(self.messages)} messages, expected {count}"
        )
