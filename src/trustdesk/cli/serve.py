"""`trustdesk serve`: the web app, its job workers, the inbound SMTP listener (e-mail channel) and
the worker that fetches mail from the retailers' connected mailboxes (IMAP)."""

from __future__ import annotations

import typer

from trustdesk.cli.common import fail, settings
from trustdesk.store.db import DatabaseNotMigrated, DatabaseUnavailable


def command(
    host: str = typer.Option(None, "--host", help="Listen address (default from settings: 127.0.0.1)."),
    port: int = typer.Option(None, "--port", help="HTTP port (default 8000)."),
) -> None:
    """Serve Trustdesk over HTTP. Refuses to start on an un-migrated database."""
    import uvicorn

    from trustdesk.web.app import create_app
    from trustdesk.web.logs import setup_logging

    s = settings()
    setup_logging(s.log_level, s.log_json)
    try:
        app = create_app(s)
    except (DatabaseUnavailable, DatabaseNotMigrated) as exc:
        fail(str(exc), 3)
    bind_host = host or s.host
    bind_port = port or s.port
    runtime = app.state.trustdesk.runtime
    runtime.services.setdefault("settings", s)  # the mail job reads the relay settings from here
    listener = _start_mail(runtime.desk, s, app.state.trustdesk.rate_limiter)
    fetcher = _start_mailboxes(runtime.desk, s, app.state.trustdesk.rate_limiter)
    typer.echo(
        f"Trustdesk on http://{bind_host}:{bind_port}/  (staff sign-in: /login, API docs: /api/v1/docs)",
        err=True,
    )
    try:
        uvicorn.run(
            app,
            host=bind_host,
            port=bind_port,
            log_config=None,
            access_log=False,
            # Forwarded headers are believed only from the configured proxies (TRUSTDESK_TRUSTED_PROXIES).
            proxy_headers=bool(s.trusted_proxies),
            forwarded_allow_ips=s.trusted_proxies or None,
            # No WebSocket compression: chat frames are small, so it saves little bandwidth and costs CPU
            # on every frame; and compressing attacker-typed text next to the desk's own data in one
            # stream is the CRIME/BREACH pattern.
            ws_per_message_deflate=False,
        )
    finally:
        if fetcher is not None:
            fetcher.stop()
        if listener is not None:
            listener.stop()


def _start_mail(desk, s, limiter):  # type: ignore[no-untyped-def]
    """The SMTP listener (TRUSTDESK_SMTP_LISTEN_PORT; 0 = off). A port that cannot be bound is reported
    loudly, and the web app still starts: chat and the console do not depend on mail."""
    import logging

    from trustdesk.config import ConfigurationError
    from trustdesk.mailchannel.service import start_listener

    try:
        listener = start_listener(desk, s, limiter)
    except ConfigurationError as exc:
        fail(str(exc), 2)
    except OSError as exc:
        message = (
            f"SMTP listener NOT started: cannot listen on {s.smtp_listen_host}:{s.smtp_listen_port} ({exc}); "
            "set TRUSTDESK_SMTP_LISTEN_PORT to a free port, or 0 to turn the e-mail channel's listener off"
        )
        logging.getLogger("trustdesk.mail").error(message)
        typer.echo(message, err=True)
        return None
    if listener is not None:
        typer.echo(f"Mail for retailers' support addresses: smtp://{listener.host}:{listener.port}", err=True)
    return listener


def _start_mailboxes(desk, s, limiter):  # type: ignore[no-untyped-def]
    """Fetch from connected mailboxes (TRUSTDESK_MAILBOX_FETCH; `trustdesk mailboxes work` runs it apart)."""
    if not s.mailbox_fetch:
        return None
    from trustdesk.mailboxes.service import build_fetcher

    fetcher = build_fetcher(desk, s, limiter)
    fetcher.start()
    return fetcher
