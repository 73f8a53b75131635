"""`trustdesk serve`: the web app (and, as channels arrive, the SMTP listener and workers)."""

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
    typer.echo(
        f"Trustdesk on http://{bind_host}:{bind_port}/  (staff sign-in: /login, API docs: /api/v1/docs)",
        err=True,
    )
    uvicorn.run(app, host=bind_host, port=bind_port, log_config=None, access_log=False, proxy_headers=False)
