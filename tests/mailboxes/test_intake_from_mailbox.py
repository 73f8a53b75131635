"""Mail fetched from a retailer's mailbox on a real Dovecot goes through the listener's intake:
guarded, threaded, authenticated; marked only after the commit; never lost, never taken twice."""

from __future__ import annotations

import pytest
from imapclient.exceptions import IMAPClientError
from sqlalchemy import func, select
from tests.mailboxes.helpers import (
    ACME_SUPPORT,
    CUSTOMER,
    ImapAccount,
    World,
    connect_mailbox,
    customer_mail,
    folder_pass,
)

from trustdesk.mailboxes.connect import close_imap, open_imap
from trustdesk.mailboxes.registry import imap_endpoint
from trustdesk.store.models import AuditEvent, Conversation, MailboxRow, MailRecord, Message

CARD = "4111 1111 1111 1111"


class Crash(Exception):
    """The process dies between two steps (raised from the test hook)."""


def session_for(world: World, account: ImapAccount, row: MailboxRow):  # type: ignore[no-untyped-def]
    return open_imap(
        imap_endpoint(row),
        account.username,
        account.password,
        "password",
        ca_file=str(account.server.tls.cert),
    )


def customer_messages(world: World) -> list[Message]:
    with world.sessions() as s:
        return list(s.scalars(select(Message).where(Message.author_kind == "customer").order_by(Message.id)))


def stored_state(world: World, row: MailboxRow) -> tuple[int | None, int, int]:
    with world.sessions() as s:
        fresh = s.get(MailboxRow, row.id)
        assert fresh is not None
        return fresh.uid_validity, int(fresh.last_uid), int(fresh.fetched_total)


def test_fetched_mail_is_guarded_threaded_and_marked_after_commit(
    world: World, acme_account: ImapAccount
) -> None:
    acme_account.put(customer_mail(subject=f"Refund to {CARD}", body=f"I paid with card {CARD} twice."))
    row = connect_mailbox(world, acme_account)
    client = session_for(world, acme_account, row)
    try:
        result = folder_pass(world, row).run(client)
    finally:
        close_imap(client)
    assert (result.taken, result.duplicates, result.refused, result.resynced) == (1, 0, 0, True)
    (message,) = customer_messages(world)
    assert CARD not in message.body and "[removed:" in message.body
    with world.sessions() as s:
        conv = s.get(Conversation, message.conversation_id)
        record = s.scalar(select(MailRecord).where(MailRecord.message_id == message.id))
    assert conv is not None and conv.channel == "email" and conv.customer_email == CUSTOMER
    assert CARD not in conv.subject
    assert record is not None and record.mailbox_id == row.id and record.to_address == ACME_SUPPORT
    # The provider's Received hop and Return-Path stand in for the SMTP session: SPF is judged on them.
    assert record.client_ip == "127.0.0.1" and record.mail_from == CUSTOMER
    assert record.auth is not None and record.auth["spf"] == "pass"
    assert "\\Seen" in acme_account.flags()[1]
    assert CARD not in world.all_rows()

    # A reply by the customer threads into the same conversation; only mail above the stored UID is read.
    acme_account.put(
        customer_mail(
            subject="Re: Refund",
            body="Any news?",
            headers={"In-Reply-To": record.header_message_id and f"<{record.header_message_id}>"},
        )
    )
    client = session_for(world, acme_account, row)
    try:
        second = folder_pass(world, row).run(client)
    finally:
        close_imap(client)
    assert (second.taken, second.resynced, second.uids) == (1, False, [2])
    first, reply = customer_messages(world)
    assert reply.conversation_id == first.conversation_id
    assert stored_state(world, row)[1:] == (2, 2)


def test_move_after_intake(world: World, acme_account: ImapAccount) -> None:
    acme_account.put(customer_mail())
    row = connect_mailbox(world, acme_account, after_intake="move", move_to="Archive")
    client = session_for(world, acme_account, row)
    try:
        folder_pass(world, row).run(client)
    finally:
        close_imap(client)
    assert acme_account.count("INBOX") == 0 and acme_account.count("Archive") == 1
    assert len(customer_messages(world)) == 1


def test_crash_after_commit_before_flag_takes_no_duplicate(world: World, acme_account: ImapAccount) -> None:
    row = connect_mailbox(world, acme_account)
    client = session_for(world, acme_account, row)
    try:
        folder_pass(world, row).run(client)  # first pass: the (empty) folder's UIDVALIDITY is recorded
        acme_account.put(customer_mail(body="First mail."))
        acme_account.put(customer_mail(body="Second mail."))

        def crash(uid: int) -> None:
            if uid == 2:
                raise Crash

        with pytest.raises(Crash):
            folder_pass(world, row, after_commit=crash).run(client)
    finally:
        close_imap(client)
    # Both mails are committed, yet the batch is neither flagged nor remembered: what a crash there leaves.
    assert len(customer_messages(world)) == 2
    assert not any("\\Seen" in flags for flags in acme_account.flags().values())
    assert stored_state(world, row)[1] == 0

    client = session_for(world, acme_account, row)  # the restarted process
    try:
        again = folder_pass(world, row).run(client)
    finally:
        close_imap(client)
    assert (again.taken, again.duplicates, again.uids) == (0, 2, [1, 2])
    assert [m.body for m in customer_messages(world)] == ["First mail.", "Second mail."]
    assert all("\\Seen" in flags for flags in acme_account.flags().values())
    assert stored_state(world, row)[1] == 2


def test_restart_resumes_from_the_stored_uid(world: World, acme_account: ImapAccount) -> None:
    row = connect_mailbox(world, acme_account)
    for n in range(3):
        acme_account.put(customer_mail(body=f"Mail {n}."))
    client = session_for(world, acme_account, row)
    try:
        assert folder_pass(world, row).run(client).taken == 3
    finally:
        close_imap(client)
    # Someone marks the taken mail unread again in their mail program; two new mails arrive.
    raw = acme_account.connect()
    raw.select("INBOX")
    raw.uid("STORE", "1:3", "-FLAGS", "(\\Seen)")
    raw.logout()
    for n in range(3, 5):
        acme_account.put(customer_mail(body=f"Mail {n}."))
    client = session_for(world, acme_account, row)  # a new process: only the database remembers
    try:
        result = folder_pass(world, row).run(client)
    finally:
        close_imap(client)
    assert (result.uids, result.taken, result.duplicates) == ([4, 5], 2, 0)
    assert [m.body for m in customer_messages(world)] == [f"Mail {n}." for n in range(5)]


def test_uidvalidity_change_resyncs_without_duplicates(world: World, acme_account: ImapAccount) -> None:
    imap = acme_account.connect()
    imap.create("Support")
    imap.logout()
    mails = [customer_mail(body=f"Mail {n}.") for n in range(2)]
    for raw in mails:
        acme_account.put(raw, "Support")
    row = connect_mailbox(world, acme_account, folder="Support")
    client = session_for(world, acme_account, row)
    try:
        assert folder_pass(world, row).run(client).taken == 2
    finally:
        close_imap(client)
    before = stored_state(world, row)[0]

    # The server rebuilds the folder (a migration, a restore): new UIDVALIDITY, UIDs from 1 again,
    # the same two mails unread plus a new one.
    imap = acme_account.connect()
    imap.delete("Support")
    imap.create("Support")
    imap.logout()
    for raw in [*mails, customer_mail(body="Mail 2.")]:
        acme_account.put(raw, "Support")
    client = session_for(world, acme_account, row)
    try:
        result = folder_pass(world, row).run(client)
    finally:
        close_imap(client)
    assert result.resynced and (result.taken, result.duplicates) == (1, 2)
    assert [m.body for m in customer_messages(world)] == ["Mail 0.", "Mail 1.", "Mail 2."]
    validity, last_uid, _ = stored_state(world, row)
    assert validity != before and last_uid == 3
    with world.sessions() as s:
        events = s.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "mailbox.uidvalidity_changed")
        ).all()
    assert len(events) == 1


def test_a_server_killed_mid_batch_loses_and_duplicates_nothing(world: World, private_dovecot) -> None:  # type: ignore[no-untyped-def]
    from tests.mailboxes.helpers import make_account

    account = make_account(private_dovecot, ACME_SUPPORT)
    row = connect_mailbox(world, account)
    client = session_for(world, account, row)
    try:
        folder_pass(world, row).run(client)
    finally:
        close_imap(client)
    for n in range(10):
        account.put(customer_mail(body=f"Mail {n}."))

    def kill_at_four(uid: int) -> None:
        if uid == 4:
            private_dovecot.kill()

    client = session_for(world, account, row)
    with pytest.raises((OSError, IMAPClientError)):
        folder_pass(world, row, batch=3, after_commit=kill_at_four).run(client)
    taken_before_restart = len(customer_messages(world))
    assert 4 <= taken_before_restart < 10
    private_dovecot.start()
    client = session_for(world, account, row)
    try:
        folder_pass(world, row).run(client)
    finally:
        close_imap(client)
    bodies = [m.body for m in customer_messages(world)]
    assert sorted(bodies) == sorted(f"Mail {n}." for n in range(10))
    with world.sessions() as s:
        assert (
            s.scalar(select(func.count()).select_from(MailRecord).where(MailRecord.mailbox_id == row.id))
            == 10
        )


def test_a_report_mailbox_files_forwards_as_reports(world: World, acme_account: ImapAccount) -> None:
    from email.message import EmailMessage

    from trustdesk.mailchannel.report_inbox import ReportInbox
    from trustdesk.store.models import OfficialChannelRow, Report

    address = "report@acme-shop.com"
    with world.sessions() as s:
        s.add(
            OfficialChannelRow(
                tenant_id=world.tenants["acme"], kind="email", value=address, purpose="report phishing"
            )
        )
        s.commit()
    world.intake.forget_addresses()
    world.intake.reports = ReportInbox(
        world.sessions, resolver=world.intake.resolver, settings=world.settings
    )
    phish = EmailMessage()
    phish["From"] = "Acme Shop Security <security@acme-shop-secure.com>"
    phish["To"] = CUSTOMER
    phish["Subject"] = "Your account is locked"
    phish.set_content(
        "Your Acme Shop account is locked. Verify your card at http://acme-shop-secure.com/login now."
    )
    forward = EmailMessage()
    forward["From"] = f"Pat Example <{CUSTOMER}>"
    forward["To"] = address
    forward["Subject"] = "Fwd: Your account is locked"
    forward["Message-ID"] = "<fwd1@customer.example>"
    forward.set_content("Is this really from you?")
    forward.add_attachment(phish)
    acme_account.put(forward.as_bytes().replace(b"\n", b"\r\n"))
    row = connect_mailbox(world, acme_account, address=address)
    client = session_for(world, acme_account, row)
    try:
        assert folder_pass(world, row).run(client).taken == 1
    finally:
        close_imap(client)
    with world.sessions() as s:
        reports = s.scalars(select(Report).where(Report.tenant_id == world.tenants["acme"])).all()
        conversations = s.scalar(select(func.count()).select_from(Conversation))
    assert len(reports) == 1 and "acme-shop-secure" in reports[0].summary and conversations == 0
    assert "\\Seen" in acme_account.flags()[1]
