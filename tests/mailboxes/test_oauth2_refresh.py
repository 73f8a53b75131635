"""A mailbox connected with an OAuth2 refresh token: the desk asks a real token endpoint (served on
loopback by the test, standing in for Google's) for access tokens before they expire and when the
IMAP or SMTP server refuses one, keeps them sealed, and audits a renewal that fails; no token,
refresh token or client secret ever reaches a row, a log line or an audit entry in clear."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.mailboxes.helpers import (
    ACME_SUPPORT,
    CUSTOMER,
    ImapAccount,
    World,
    connect_mailbox,
    customer_mail,
)
from tests.mailboxes.test_worker import bodies, fetcher_for, wait_for

from support.oauth_introspection import IntrospectionServer
from support.oauth_token_server import TokenServer
from support.submission_server import SubmissionServer
from support.tls import self_signed_pair
from trustdesk.conversations.domain import Author, AuthorKind
from trustdesk.conversations.pipeline import post_message
from trustdesk.mailboxes.oauth import TokenRefreshError, ensure_access_token
from trustdesk.mailboxes.registry import mailbox_dict, open_credentials
from trustdesk.mailboxes.registry import test_mailbox as try_mailbox  # not a test of its own
from trustdesk.mailboxes.spec import MailboxInputError, build_spec
from trustdesk.store.models import AuditEvent, Conversation, MailboxRow, utcnow

CLIENT_ID = "1234-desk.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-client-secret-" + "x" * 12


@pytest.fixture
def tokens(oauth: IntrospectionServer) -> Iterator[TokenServer]:
    """The provider's token endpoint; the tokens it issues are the ones Dovecot accepts."""
    server = TokenServer()

    def known(token: str, user: str, expires: float) -> None:
        oauth.tokens[token] = user
        oauth.expires[token] = expires

    server.listeners.append(known)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def connect_renewing(
    world: World, account: ImapAccount, tokens: TokenServer, **overrides: object
) -> tuple[MailboxRow, str]:
    refresh = tokens.grant(account.username, CLIENT_ID, CLIENT_SECRET)
    row = connect_mailbox(
        world,
        account,
        auth_kind="oauth2",
        secret="",
        oauth_token_url=tokens.url,
        oauth_client_id=CLIENT_ID,
        oauth_client_secret=CLIENT_SECRET,
        oauth_refresh_token=refresh,
        **overrides,
    )
    return row, refresh


def run_test(world: World, row: MailboxRow, account: ImapAccount) -> dict:  # type: ignore[type-arg]
    with world.sessions() as s:
        stored = s.get(MailboxRow, row.id)
        assert stored is not None
        result = try_mailbox(
            s, stored, world.box, ca_file=str(account.server.tls.cert), actor="admin:boss@acme-shop.com"
        )
        s.commit()
    return result


def stored(world: World, row: MailboxRow) -> MailboxRow:
    with world.sessions() as s:
        found = s.get(MailboxRow, row.id)
        assert found is not None
        s.expunge(found)
    return found


def secrets_in(tokens: TokenServer, refresh: str) -> list[str]:
    return [refresh, CLIENT_SECRET, *tokens.issued]


def test_the_first_access_token_is_fetched_with_the_refresh_grant_and_kept_sealed(
    world: World, acme_account: ImapAccount, tokens: TokenServer
) -> None:
    row, refresh = connect_renewing(world, acme_account, tokens)
    assert mailbox_dict(stored(world, row))["oauth2"] == {
        "refresh": True,
        "token_expires_at": None,
        "token_refreshed_at": None,
    }
    result = run_test(world, row, acme_account)
    assert result["ok"] is True and result["imap"]["ok"] is True, result
    assert tokens.requests == [
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    ]
    after = stored(world, row)
    credentials = open_credentials(world.box, after)
    assert credentials.imap == tokens.issued[0] and credentials.oauth is not None
    assert credentials.oauth.refresh_token == refresh and credentials.oauth.token_url == tokens.url
    assert after.token_expires_at is not None and after.token_refreshed_at is not None
    assert timedelta(minutes=59) < after.token_expires_at - utcnow() <= timedelta(hours=1)
    shown = mailbox_dict(after)
    assert shown["oauth2"]["token_expires_at"] == after.token_expires_at.isoformat()
    assert not any(secret in json.dumps(shown) for secret in secrets_in(tokens, refresh))

    # Fresh enough: the next test signs in with the stored token, no new grant.
    assert run_test(world, row, acme_account)["ok"] is True
    assert len(tokens.requests) == 1
    dump = world.all_rows()
    assert not any(secret in dump for secret in [*secrets_in(tokens, refresh), CLIENT_ID])


def test_a_token_about_to_expire_is_renewed_and_a_rotated_refresh_token_kept(
    world: World, acme_account: ImapAccount, tokens: TokenServer
) -> None:
    row, refresh = connect_renewing(world, acme_account, tokens)
    assert run_test(world, row, acme_account)["ok"] is True
    tokens.rotate = True
    with world.sessions() as s:
        held = s.get(MailboxRow, row.id)
        assert held is not None
        held.token_refreshed_at = utcnow() - timedelta(minutes=58)
        held.token_expires_at = utcnow() + timedelta(minutes=2)  # within the renewal margin
        s.commit()
    assert run_test(world, row, acme_account)["ok"] is True
    assert len(tokens.issued) == 2 and tokens.requests[1]["refresh_token"] == refresh
    credentials = open_credentials(world.box, stored(world, row))
    assert credentials.imap == tokens.issued[1]
    assert credentials.oauth is not None and credentials.oauth.refresh_token != refresh
    assert credentials.oauth.refresh_token in tokens.grants  # the rotated one, which the endpoint knows


def test_a_refused_token_is_renewed_once_and_the_worker_takes_mail(
    world: World, acme_account: ImapAccount, tokens: TokenServer, oauth: IntrospectionServer
) -> None:
    row, _ = connect_renewing(world, acme_account, tokens)
    assert run_test(world, row, acme_account)["ok"] is True
    # The provider revokes the access token early: Dovecot refuses AUTHENTICATE with it.
    oauth.tokens.pop(tokens.issued[0])
    acme_account.put(customer_mail(subject="Renewed", body="Arrived while the token was revoked."))
    fetcher = fetcher_for(world, acme_account, "instance-a")
    fetcher.start()
    try:
        wait_for(lambda: bodies(world) == ["Arrived while the token was revoked."])
    finally:
        fetcher.stop()
    assert len(tokens.issued) == 2
    after = stored(world, row)
    assert open_credentials(world.box, after).imap == tokens.issued[1] and after.last_error is None


def test_a_failed_renewal_is_audited_without_any_secret(
    world: World, acme_account: ImapAccount, tokens: TokenServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    row, refresh = connect_renewing(world, acme_account, tokens)
    tokens.revoke(refresh)  # the customer withdrew the desk's access in their Google account
    result = run_test(world, row, acme_account)
    assert result["ok"] is False and result["imap"]["stage"] == "auth"
    assert result["imap"]["error"] == (
        "the token endpoint 127.0.0.1 refused to renew the access token: invalid_grant (HTTP 400); "
        "connect the mailbox again with a new refresh token"
    )
    with world.sessions() as s:
        entries = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "mailbox.token_refresh_failed")
            .order_by(AuditEvent.id)
        ).all()
        assert [(e.target, e.details) for e in entries] == [
            (f"mailbox:{row.public_id}", {"error": "invalid_grant", "status": 400, "permanent": True})
        ]
        assert entries[0].tenant_id == world.tenants["acme"]
    assert stored(world, row).last_error == result["imap"]["error"]
    # The worker meets the same failure: recorded, not audited again for every retry.
    with world.sessions() as s:
        held = s.get(MailboxRow, row.id)
        assert held is not None
        with pytest.raises(TokenRefreshError):
            ensure_access_token(s, held, world.box, ca_file=None)
        s.commit()
    with world.sessions() as s:
        assert (
            len(
                s.scalars(select(AuditEvent).where(AuditEvent.action == "mailbox.token_refresh_failed")).all()
            )
            == 1
        )
    text = caplog.text + world.all_rows()
    assert not any(secret in text for secret in [refresh, CLIENT_SECRET])


def test_server_trouble_at_the_token_endpoint_is_temporary(
    world: World, acme_account: ImapAccount, tokens: TokenServer
) -> None:
    row, _ = connect_renewing(world, acme_account, tokens)
    tokens.failing = 503
    result = run_test(world, row, acme_account)
    assert result["ok"] is False and "temporarily_unavailable (HTTP 503)" in result["imap"]["error"]
    tokens.failing = None
    assert run_test(world, row, acme_account)["ok"] is True


def test_replies_leave_through_smtp_with_a_renewed_token(
    world: World, acme_account: ImapAccount, tokens: TokenServer, tmp_path: Path
) -> None:
    tls = self_signed_pair(tmp_path / "smtp-tls")
    smtp = SubmissionServer(tls, "nobody", "unused")
    tokens.listeners.append(lambda token, user, _expires: smtp.tokens.__setitem__(token, user))
    smtp.start()
    world.settings.mailbox_ca_file = str(tls.cert)
    try:
        row, _ = connect_renewing(world, acme_account, tokens, smtp_host="127.0.0.1", smtp_port=smtp.port)
        with world.sessions() as s:
            held = s.get(MailboxRow, row.id)
            assert held is not None
            ensure_access_token(s, held, world.box, ca_file=None)
            s.commit()
        acme_account.put(customer_mail(subject="Token reply", body="Hello, please answer by mail."))
        from tests.mailboxes.helpers import folder_pass

        from trustdesk.mailboxes.connect import close_imap, open_imap
        from trustdesk.mailboxes.registry import imap_endpoint

        client = open_imap(
            imap_endpoint(row),
            acme_account.username,
            tokens.issued[0],
            "oauth2",
            ca_file=str(acme_account.server.tls.cert),
        )
        try:
            assert folder_pass(world, row).run(client).taken == 1
        finally:
            close_imap(client)
        # The SMTP server no longer takes the first token (revoked): the reply job renews and sends.
        smtp.tokens.pop(tokens.issued[0])
        with world.sessions() as s:
            public_id = s.scalars(select(Conversation.public_id)).one()
        author = Author(AuthorKind.AGENT, user_id=world.agents["acme"], name="Sam")
        post_message(world.desk, world.tenants["acme"], public_id, author, "We are on it.")
        assert world.worker().run_once() == 1
        smtp.wait(1)
    finally:
        smtp.stop()
    assert len(tokens.issued) == 2
    assert smtp.messages[0][:2] == (ACME_SUPPORT, [CUSTOMER]) and smtp.messages[0][3] == acme_account.username


def test_refresh_settings_are_checked() -> None:
    base = {"address": ACME_SUPPORT, "username": "help", "secret": "", "imap_host": "imap.example.com"}
    with pytest.raises(MailboxInputError) as plain_http:
        build_spec(**base, auth_kind="oauth2", oauth_token_url="http://oauth.example.com/token",
                   oauth_client_id="c", oauth_refresh_token="r")  # fmt: skip
    assert plain_http.value.field == "oauth_token_url"
    with pytest.raises(MailboxInputError) as password:
        build_spec(**base, oauth_token_url="https://oauth2.googleapis.com/token", oauth_client_id="c",
                   oauth_refresh_token="r")  # fmt: skip
    assert password.value.field == "auth_kind"
    with pytest.raises(MailboxInputError) as no_refresh:
        build_spec(**base, auth_kind="oauth2", oauth_token_url="https://oauth2.googleapis.com/token",
                   oauth_client_id="c")  # fmt: skip
    assert no_refresh.value.field == "oauth_refresh_token"
    with pytest.raises(MailboxInputError) as nothing:
        build_spec(**base, auth_kind="oauth2")
    assert nothing.value.field == "secret"
    spec = build_spec(**base, auth_kind="oauth2", oauth_token_url="https://oauth2.googleapis.com/token",
                      oauth_client_id="c", oauth_refresh_token="r")  # fmt: skip
    assert spec.credentials.oauth is not None and "r" not in repr(spec.credentials.oauth)


def test_cli_connects_a_renewing_mailbox_with_secrets_from_stdin(
    world: World,
    acme_account: ImapAccount,
    tokens: TokenServer,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    refresh = tokens.grant(acme_account.username, CLIENT_ID, CLIENT_SECRET)
    added = cli(
        "add", "--tenant", "acme", "--address", ACME_SUPPORT, "--imap-host", "127.0.0.1",
        "--imap-port", str(acme_account.server.imaps_port), "--username", acme_account.username,
        "--auth", "oauth2", "--oauth-token-url", tokens.url, "--oauth-client-id", CLIENT_ID,
        "--secret-stdin", "--json",
        stdin=f"{refresh}\n{CLIENT_SECRET}\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    box = json.loads(added.out)
    assert box["auth_kind"] == "oauth2" and box["oauth2"]["refresh"] is True
    assert {"id", "address", "imap", "smtp", "state", "created_at"} <= set(box)  # the fields it had before
    tested = cli("test", box["id"], "--tenant", "acme", "--json")
    assert tested.code == 0, tested.err
    assert json.loads(tested.out)["imap"]["ok"] is True and len(tokens.issued) == 1
    listed = json.loads(cli("list", "--tenant", "acme", "--json").out.splitlines()[0])
    assert listed["oauth2"]["token_expires_at"] is not None
    everything = added.out + tested.out + world.all_rows()
    assert not any(secret in everything for secret in [refresh, CLIENT_SECRET, tokens.issued[0]])


def test_console_form_connects_a_renewing_mailbox(
    world: World,
    acme_account: ImapAccount,
    tokens: TokenServer,
    app,  # type: ignore[no-untyped-def]
) -> None:
    from fastapi.testclient import TestClient
    from tests.foundation.factory import sign_in_staff

    refresh = tokens.grant(acme_account.username, CLIENT_ID, CLIENT_SECRET)
    with TestClient(app) as a:
        admin, _ = sign_in_staff(a, "acme", "boss@acme-shop.com")
        page = admin.client.get("/console/mailboxes").text
        assert 'name="oauth_refresh_token"' in page and 'name="oauth_token_url"' in page
        form = {
            "csrf_token": admin.csrf,
            "address": ACME_SUPPORT,
            "username": acme_account.username,
            "auth_kind": "oauth2",
            "imap_host": "127.0.0.1",
            "imap_port": str(acme_account.server.imaps_port),
            "oauth_token_url": tokens.url,
            "oauth_client_id": CLIENT_ID,
            "oauth_client_secret": CLIENT_SECRET,
            "oauth_refresh_token": refresh,
        }
        missing = admin.client.post("/console/mailboxes", data=form | {"oauth_client_id": ""})
        assert missing.status_code == 422 and "oauth_client_id is required" in missing.text
        assert admin.client.post("/console/mailboxes", data=form, follow_redirects=False).status_code == 303
        listing = admin.client.get("/console/mailboxes").text
        assert "OAuth2, renewed automatically" in listing
        mailbox_id = listing.split("/console/mailboxes/")[1].split("/test")[0]
        tested = admin.client.post(f"/console/mailboxes/{mailbox_id}/test", data={"csrf_token": admin.csrf})
        assert tested.status_code == 200 and "IMAP works" in tested.text, tested.text
        assert "token valid until" in admin.client.get("/console/mailboxes").text
        shown = admin.client.get("/api/v1/mailboxes").json()[0]
        assert shown["oauth2"]["refresh"] is True
    everything = listing + tested.text + json.dumps(shown) + world.all_rows()
    assert not any(secret in everything for secret in [refresh, CLIENT_SECRET, *tokens.issued])
