"""A mailbox that signs in with an OAuth2 access token (SASL XOAUTH2), as Google Workspace and
Microsoft 365 expect: Dovecot checks the token at an introspection endpoint, the submission server
knows it; an unknown (expired, revoked) token is a clear error, and the token is never stored in clear."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select
from tests.mailboxes.helpers import (
    ACME_SUPPORT,
    CUSTOMER,
    ImapAccount,
    Sink,
    World,
    connect_mailbox,
    customer_mail,
    folder_pass,
)

from support.oauth_introspection import IntrospectionServer
from support.submission_server import SubmissionServer
from support.tls import self_signed_pair
from trustdesk.conversations.domain import Author, AuthorKind
from trustdesk.conversations.pipeline import post_message
from trustdesk.mailboxes.connect import close_imap, open_imap
from trustdesk.mailboxes.registry import imap_endpoint, open_credentials
from trustdesk.mailboxes.registry import test_mailbox as try_mailbox  # not a test of its own
from trustdesk.store.models import Conversation, MailboxRow


def test_xoauth2_mailbox_fetches_and_replies(
    world: World, sink: Sink, acme_account: ImapAccount, oauth: IntrospectionServer, tmp_path: Path
) -> None:
    token = "ya29." + uuid.uuid4().hex
    oauth.tokens[token] = acme_account.username
    tls = self_signed_pair(tmp_path / "smtp-tls")
    smtp = SubmissionServer(tls, "nobody", "unused")
    smtp.tokens[token] = acme_account.username
    smtp.start()
    world.settings.mailbox_ca_file = str(tls.cert)
    try:
        acme_account.put(customer_mail(subject="Token mailbox", body="Hello over XOAUTH2."))
        row = connect_mailbox(
            world, acme_account, auth_kind="oauth2", secret=token, smtp_host="127.0.0.1", smtp_port=smtp.port
        )
        with world.sessions() as s:
            stored = s.get(MailboxRow, row.id)
            assert stored is not None and open_credentials(world.box, stored).imap == token
        client = open_imap(
            imap_endpoint(row),
            acme_account.username,
            token,
            "oauth2",
            ca_file=str(acme_account.server.tls.cert),
        )
        try:
            assert folder_pass(world, row).run(client).taken == 1
        finally:
            close_imap(client)
        with world.sessions() as s:
            conv = s.scalars(select(Conversation)).one()
            public_id = conv.public_id
        author = Author(AuthorKind.AGENT, user_id=world.agents["acme"], name="Sam")
        post_message(world.desk, world.tenants["acme"], public_id, author, "We are on it.")
        assert world.worker().run_once() == 1
        smtp.wait(1)
    finally:
        smtp.stop()
    assert smtp.messages[0][:2] == (ACME_SUPPORT, [CUSTOMER]) and smtp.messages[0][3] == acme_account.username
    assert sink.messages == []
    assert token not in world.all_rows()


def test_an_unknown_token_is_a_clear_error(
    world: World, acme_account: ImapAccount, oauth: IntrospectionServer
) -> None:
    row = connect_mailbox(world, acme_account, auth_kind="oauth2", secret="ya29.expired-or-revoked")
    with world.sessions() as s:
        stored = s.get(MailboxRow, row.id)
        assert stored is not None
        result = try_mailbox(
            s, stored, world.box, ca_file=str(acme_account.server.tls.cert), actor="admin:boss@acme-shop.com"
        )
        s.commit()
    assert result["ok"] is False and result["imap"]["stage"] == "auth"
    assert result["imap"]["error"].startswith(
        f"the IMAP server refused the sign-in for {acme_account.username}"
    )
    assert "ya29.expired-or-revoked" not in world.all_rows()
