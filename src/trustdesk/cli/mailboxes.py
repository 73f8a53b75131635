"""`trustdesk mailboxes`: connect a retailer's own mailbox (IMAP intake, SMTP submission for replies).

The password or OAuth2 access token is never an argument (it would show in the process list and
shell history): it is read from standard input with --secret-stdin, from TRUSTDESK_MAILBOX_SECRET,
or asked for without echo. A different SMTP secret comes from TRUSTDESK_MAILBOX_SMTP_SECRET.
With --oauth-token-url the desk renews the OAuth2 access token itself: the refresh token and the
client secret are read the same way (--secret-stdin: the refresh token on the first line, the
client secret on the second, empty for a public client; or TRUSTDESK_MAILBOX_REFRESH_TOKEN and
TRUSTDESK_MAILBOX_CLIENT_SECRET; or asked for), and no access token is needed.
`test` exits 0 when the mailbox works, 1 with the reason when it does not.
"""

from __future__ import annotations

import os
import sys

import typer

from trustdesk.cli.common import fail, print_json, settings, unit_of_work

app = typer.Typer(help="Retailers' own mailboxes: IMAP intake and SMTP submission.", no_args_is_help=True)

ACTOR = "cli"


@app.callback()
def mailboxes() -> None:
    """Retailers' own mailboxes: IMAP intake and SMTP submission."""


def _tenant(session, slug: str):  # type: ignore[no-untyped-def]
    from trustdesk.tenancy.service import find_tenant

    row = find_tenant(session, slug.strip().lower())
    if row is None:
        fail(f"no tenant {slug!r}", 2)
    return row


def _box():  # type: ignore[no-untyped-def]
    from trustdesk.secretbox import SecretBox

    return SecretBox(settings().encryption_key or "")


def _read_refresh_secrets(from_stdin: bool) -> tuple[str, str | None]:
    """(refresh token, client secret or None) for a mailbox whose access token the desk renews."""
    if from_stdin:
        refresh = sys.stdin.readline().rstrip("\r\n")
        client_secret = sys.stdin.readline().rstrip("\r\n")
    else:
        refresh = os.environ.get("TRUSTDESK_MAILBOX_REFRESH_TOKEN") or str(
            typer.prompt("Refresh token", hide_input=True)
        )
        client_secret = os.environ.get("TRUSTDESK_MAILBOX_CLIENT_SECRET") or str(
            typer.prompt(
                "Client secret (empty for a public client)", hide_input=True, default="", show_default=False
            )
        )
    return refresh, client_secret or None


def _read_secret(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value = os.environ.get("TRUSTDESK_MAILBOX_SECRET")
    if value:
        return value
    return str(typer.prompt("Password or access token", hide_input=True))


@app.command("add")
def add(
    tenant: str = typer.Option(..., "--tenant", help="Retailer (slug)."),
    address: str = typer.Option(..., "--address", help="The official support address this mailbox holds."),
    imap_host: str = typer.Option(..., "--imap-host"),
    username: str = typer.Option(..., "--username", help="Sign-in name (often the address)."),
    auth: str = typer.Option("password", "--auth", help="password, or oauth2 (an XOAUTH2 access token)."),
    imap_port: int | None = typer.Option(None, "--imap-port", help="Default 993 (tls) or 143 (starttls)."),
    imap_security: str = typer.Option("tls", "--imap-security", help="tls (implicit) or starttls."),
    folder: str = typer.Option("INBOX", "--folder"),
    move_to: str | None = typer.Option(
        None, "--move-to", help="Move taken mail to this folder (default: mark it read)."
    ),
    smtp_host: str | None = typer.Option(
        None, "--smtp-host", help="Submission server for replies (optional)."
    ),
    smtp_port: int | None = typer.Option(None, "--smtp-port", help="Default 587 (starttls) or 465 (tls)."),
    smtp_security: str = typer.Option("starttls", "--smtp-security", help="starttls or tls."),
    smtp_username: str | None = typer.Option(None, "--smtp-username", help="Default: --username."),
    oauth_token_url: str | None = typer.Option(
        None,
        "--oauth-token-url",
        help="With --auth oauth2: the provider's token endpoint; the desk renews the access token with a refresh token.",
    ),
    oauth_client_id: str | None = typer.Option(
        None, "--oauth-client-id", help="The OAuth2 client the refresh token was issued to."
    ),
    oauth_scope: str | None = typer.Option(
        None, "--oauth-scope", help="Scope to ask for on renewal (optional)."
    ),
    secret_stdin: bool = typer.Option(False, "--secret-stdin", help="Read the password or token from stdin."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Connect a mailbox (its secret is stored encrypted); run `mailboxes test` next."""
    from trustdesk.mailboxes.registry import add_mailbox, mailbox_dict
    from trustdesk.mailboxes.spec import MailboxInputError, build_spec

    refresh_token, client_secret = None, None
    if oauth_token_url:
        refresh_token, client_secret = _read_refresh_secrets(secret_stdin)
        secret = ""
    else:
        secret = _read_secret(secret_stdin)
    try:
        spec = build_spec(
            address=address,
            username=username,
            secret=secret,
            imap_host=imap_host,
            auth_kind=auth,
            imap_port=imap_port,
            imap_security=imap_security,
            folder=folder,
            after_intake="move" if move_to else "seen",
            move_to=move_to,
            smtp_host=smtp_host,
            smtp_port=smtp_port,
            smtp_security=smtp_security,
            smtp_username=smtp_username,
            smtp_secret=os.environ.get("TRUSTDESK_MAILBOX_SMTP_SECRET") or None,
            oauth_token_url=oauth_token_url,
            oauth_client_id=oauth_client_id,
            oauth_client_secret=client_secret,
            oauth_refresh_token=refresh_token,
            oauth_scope=oauth_scope,
        )
    except MailboxInputError as exc:
        fail(f"{exc.field}: {exc.message}", 2)
    with unit_of_work() as session:
        try:
            row = add_mailbox(session, _tenant(session, tenant), spec, _box(), actor=ACTOR)
        except MailboxInputError as exc:
            fail(f"{exc.field}: {exc.message}", 2)
        out = mailbox_dict(row)
    if as_json:
        print_json(out)
        return
    typer.echo(
        f"connected {out['address']} ({out['id']}); check it with: trustdesk mailboxes test --tenant {tenant} {out['id']}"
    )


@app.command("list")
def list_command(
    tenant: str = typer.Option(..., "--tenant", help="Retailer (slug)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """The retailer's mailboxes with their fetch state (never their secrets)."""
    from trustdesk.mailboxes.registry import list_mailboxes, mailbox_dict

    with unit_of_work() as session:
        items = [mailbox_dict(row) for row in list_mailboxes(session, _tenant(session, tenant).id)]
    if as_json:
        for item in items:
            print_json(item)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "address", "imap", "smtp", "taken", "last fetch", "last error")
    for item in items:
        smtp = item["smtp"]
        table.add_row(
            item["id"],
            item["address"],
            f"{item['imap']['host']}:{item['imap']['port']} {item['imap']['security']}",
            f"{smtp['host']}:{smtp['port']} {smtp['security']}" if smtp else "-",
            str(item["state"]["fetched_total"]),
            (item["state"]["last_fetch_at"] or "-")[:19],
            (item["state"]["last_error"] or "")[:60],
        )
    Console().print(table)


@app.command("test")
def test_command(
    mailbox: str = typer.Argument(..., help="Mailbox id (mbx_...) or address."),
    tenant: str = typer.Option(..., "--tenant", help="Retailer (slug)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Connect and sign in to IMAP (and SMTP, when set) with the stored secret."""
    from trustdesk.mailboxes.registry import MailboxNotFound, find_mailbox, test_mailbox

    with unit_of_work() as session:
        try:
            row = find_mailbox(session, _tenant(session, tenant).id, mailbox)
        except MailboxNotFound:
            fail(f"no mailbox {mailbox!r} for tenant {tenant!r}", 2)
        result = test_mailbox(session, row, _box(), ca_file=settings().mailbox_ca_file, actor=ACTOR)
    if as_json:
        print_json(result)
    else:
        for part in ("imap", "smtp"):
            check = result[part]
            if check is None:
                continue
            state = "ok" if check["ok"] else f"FAILED: {check['error']}"
            typer.echo(f"{part.upper()}: {state}", err=not check["ok"])
    if not result["ok"]:
        raise typer.Exit(1)


@app.command("remove")
def remove(
    mailbox: str = typer.Argument(..., help="Mailbox id (mbx_...) or address."),
    tenant: str = typer.Option(..., "--tenant", help="Retailer (slug)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Disconnect a mailbox and delete its stored secret (mail already taken in stays)."""
    from trustdesk.mailboxes.registry import MailboxNotFound, remove_mailbox

    with unit_of_work() as session:
        try:
            row = remove_mailbox(session, _tenant(session, tenant).id, mailbox, actor=ACTOR)
        except MailboxNotFound:
            fail(f"no mailbox {mailbox!r} for tenant {tenant!r}", 2)
        out = {"id": row.public_id, "address": row.address, "removed": True}
    if as_json:
        print_json(out)
    else:
        typer.echo(f"removed {out['address']} ({out['id']})")


@app.command("work")
def work() -> None:
    """Fetch from every connected mailbox until interrupted (`serve` does this itself by default)."""
    import signal
    import threading

    from trustdesk.cli.common import engine
    from trustdesk.mailboxes.service import build_fetcher
    from trustdesk.runtime import build_desk
    from trustdesk.store.db import make_session_factory
    from trustdesk.web.logs import setup_logging

    s = settings()
    setup_logging(s.log_level, s.log_json)
    sessions = make_session_factory(engine())
    fetcher = build_fetcher(build_desk(sessions, settings=s), s)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    fetcher.start()
    typer.echo("fetching from connected mailboxes; Ctrl-C stops", err=True)
    done.wait()
    fetcher.stop()
