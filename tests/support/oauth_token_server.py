"""An OAuth2 token endpoint (RFC 6749 section 6, the refresh grant) on loopback, standing in for
Google's or Microsoft's: it knows refresh tokens issued to a client, answers a refresh grant with a
new access token, and hands each token it issues to whoever checks tokens (the test Dovecot's
introspection endpoint, the test SMTP submission server)."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Grant:
    client_id: str
    client_secret: str | None
    user: str


class TokenServer:
    def __init__(self, *, lifetime: int = 3600) -> None:
        self.lifetime = lifetime
        self.grants: dict[str, Grant] = {}  # refresh token -> what it was issued for
        self.issued: list[str] = []  # access tokens, oldest first
        self.requests: list[dict[str, str]] = []  # the forms received (the test reads them)
        self.rotate = False  # answer with a new refresh token (and forget the old one), as Microsoft may
        self.failing: int | None = None  # an HTTP status to answer every request with (server trouble)
        self.listeners: list[Callable[[str, str, float], None]] = []  # (token, user, expires at)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                owner.requests.append(form)
                status, body = owner.answer(form)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/token"

    def grant(self, user: str, client_id: str, client_secret: str | None) -> str:
        """A refresh token for `user`, as the provider's consent screen would have issued it."""
        refresh = "1//refresh-" + secrets.token_urlsafe(24)
        self.grants[refresh] = Grant(client_id, client_secret, user)
        return refresh

    def answer(self, form: dict[str, str]) -> tuple[int, dict[str, object]]:
        if self.failing is not None:
            return self.failing, {"error": "temporarily_unavailable"}
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}
        grant = self.grants.get(form.get("refresh_token", ""))
        if grant is None:
            return 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
        if form.get("client_id") != grant.client_id or form.get("client_secret") != grant.client_secret:
            return 401, {"error": "invalid_client"}
        token = "ya29.a0-" + secrets.token_urlsafe(32)
        expires = time.time() + self.lifetime
        for listener in self.listeners:
            listener(token, grant.user, expires)
        self.issued.append(token)
        body: dict[str, object] = {"access_token": token, "expires_in": self.lifetime, "token_type": "Bearer"}
        if self.rotate:
            refresh = form["refresh_token"]
            del self.grants[refresh]
            rotated = self.grant(grant.user, grant.client_id, grant.client_secret)
            body["refresh_token"] = rotated
        return 200, body

    def revoke(self, refresh: str) -> None:
        self.grants.pop(refresh, None)

    def start(self) -> TokenServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
