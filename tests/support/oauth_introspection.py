"""An OAuth2 token introspection endpoint (RFC 7662) for the test Dovecot's oauth2 passdb: the tokens
it knows are active for their user until their expiry (when they have one), anything else is not."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class IntrospectionServer:
    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}  # access token -> user name
        self.expires: dict[str, float] = {}  # access token -> time.time() it stops being active
        self.asked = 0
        tokens = self.tokens
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                token = (form.get("token") or [""])[0]
                owner.asked += 1
                user = tokens.get(token)
                if user and owner.expires.get(token, float("inf")) <= time.time():
                    user = None
                body = json.dumps({"active": True, "username": user} if user else {"active": False}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/introspect"

    def start(self) -> IntrospectionServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
