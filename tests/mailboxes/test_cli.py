"""`trustdesk mailboxes add|test|list|remove` against the real Dovecot: secrets read from stdin,
stored sealed, never printed or logged; bad credentials give a clear error; one retailer never
sees or touches another's mailbox; every change is audited."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select
from tests.mailboxes.helpers import ACME_SUPPORT, ImapAccount, World

from trustdesk.store.models import AuditEvent, MailboxRow


def add_args(account: ImapAccount, *, tenant: str = "acme", address: str = ACME_SUPPORT) -> list[str]:
    return [
        "add", "--tenant", tenant, "--address", address, "--imap-host", "127.0.0.1",
        "--imap-port", str(account.server.imap_port), "--imap-security", "starttls",
        "--username", account.username, "--secret-stdin", "--json",
    ]  # fmt: skip


def test_add_test_list_remove(
    world: World, acme_account: ImapAccount, cli, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    added = cli(*add_args(acme_account), stdin=acme_account.password + "\n")
    assert added.code == 0, added.err
    box = json.loads(added.out)
    assert box["address"] == ACME_SUPPORT and box["imap"] == {
        "host": "127.0.0.1",
        "port": acme_account.server.imap_port,
        "security": "starttls",
    }
    assert box["id"].startswith("mbx_") and acme_account.password not in added.out

    tested = cli("test", box["id"], "--tenant", "acme", "--json")
    assert tested.code == 0, tested.err
    result = json.loads(tested.out)
    assert result["ok"] is True and result["imap"]["ok"] is True and result["imap"]["idle"] is True
    assert result["smtp"] is None

    listed = cli("list", "--tenant", "acme", "--json")
    assert [json.loads(line)["id"] for line in listed.out.splitlines()] == [box["id"]]

    removed = cli("remove", box["id"], "--tenant", "acme", "--json")
    assert removed.code == 0 and json.loads(removed.out) == {
        "id": box["id"],
        "address": ACME_SUPPORT,
        "removed": True,
    }
    assert cli("list", "--tenant", "acme", "--json").out == ""
    with world.sessions() as s:
        actions = s.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.target == f"mailbox:{box['id']}")
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["mailbox.added", "mailbox.tested", "mailbox.removed"]
    assert acme_account.password not in world.all_rows()
    assert acme_account.password not in caplog.text


def test_bad_credentials_give_a_clear_error(world: World, acme_account: ImapAccount, cli) -> None:  # type: ignore[no-untyped-def]
    added = cli(*add_args(acme_account), stdin="not-the-password\n")
    assert added.code == 0, added.err
    tested = cli("test", ACME_SUPPORT, "--tenant", "acme")
    assert tested.code == 1
    assert f"IMAP: FAILED: the IMAP server refused the sign-in for {acme_account.username}" in tested.err
    assert "Traceback" not in tested.err and "not-the-password" not in tested.err + tested.out
    as_json = json.loads(cli("test", ACME_SUPPORT, "--tenant", "acme", "--json").out)
    assert as_json["ok"] is False and as_json["imap"]["stage"] == "auth"
    with world.sessions() as s:
        row = s.scalars(select(MailboxRow)).one()
    assert row.last_error is not None and "refused the sign-in" in row.last_error
    assert "not-the-password" not in world.all_rows()


def test_bad_input_is_refused_with_the_field(acme_account: ImapAccount, cli) -> None:  # type: ignore[no-untyped-def]
    not_official = cli(*add_args(acme_account, address="someone@acme-shop.com"), stdin="x\n")
    assert (
        not_official.code == 2
        and "address: someone@acme-shop.com is not an official e-mail address" in not_official.err
    )
    clear_text = cli(*[a if a != "starttls" else "none" for a in add_args(acme_account)], stdin="x\n")
    assert (
        clear_text.code == 2 and "imap_security must be 'tls' (implicit TLS) or 'starttls'" in clear_text.err
    )


def test_one_retailer_cannot_see_or_touch_anothers_mailbox(
    world: World, acme_account: ImapAccount, cli
) -> None:  # type: ignore[no-untyped-def]
    box = json.loads(cli(*add_args(acme_account), stdin=acme_account.password + "\n").out)
    # Globex cannot connect Acme's address, nor list, test or remove Acme's mailbox.
    stolen = cli(*add_args(acme_account, tenant="globex"), stdin="x\n")
    assert stolen.code == 2 and "not an official e-mail address of Globex Shop" in stolen.err
    assert cli("list", "--tenant", "globex", "--json").out == ""
    for command in ("test", "remove"):
        attempt = cli(command, box["id"], "--tenant", "globex")
        assert attempt.code == 2 and "no mailbox" in attempt.err
    assert [
        json.loads(line)["id"] for line in cli("list", "--tenant", "acme", "--json").out.splitlines()
    ] == [box["id"]]
