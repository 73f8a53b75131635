"""The mailbox worker holds an IMAP session per mailbox (IDLE), takes new mail as it arrives,
leases the mailbox so two processes never fetch it together, and stops cleanly."""

from __future__ import annotations

import time

from sqlalchemy import select
from tests.mailboxes.helpers import ImapAccount, World, connect_mailbox, customer_mail

from trustdesk.mailboxes.fetcher import FetchTiming, MailboxFetcher
from trustdesk.store.models import MailboxRow, Message

FAST = FetchTiming(idle_seconds=30, poll_seconds=1, lease_seconds=30, scan_seconds=0.2, timeout=10)


def wait_for(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("the condition did not hold in time")


def bodies(world: World) -> list[str]:
    with world.sessions() as s:
        return list(
            s.scalars(select(Message.body).where(Message.author_kind == "customer").order_by(Message.id))
        )


def fetcher_for(world: World, account: ImapAccount, worker_id: str) -> MailboxFetcher:
    return MailboxFetcher(
        world.sessions,
        world.intake,
        world.box,
        ca_file=str(account.server.tls.cert),
        timing=FAST,
        worker_id=worker_id,
    )


def test_worker_takes_mail_as_it_arrives_and_stops_cleanly(world: World, acme_account: ImapAccount) -> None:
    acme_account.put(customer_mail(body="Waiting before the worker started."))
    row = connect_mailbox(world, acme_account)
    first = fetcher_for(world, acme_account, "instance-a")
    second = fetcher_for(world, acme_account, "instance-b")
    first.start()
    try:
        wait_for(lambda: bodies(world) == ["Waiting before the worker started."])
        second.start()  # another server process: the lease keeps it off this mailbox
        # New mail reaches the desk through IDLE, without waiting for a poll.
        acme_account.put(customer_mail(body="Sent while the session idles."))
        wait_for(lambda: len(bodies(world)) == 2)
        with world.sessions() as s:
            held = s.get(MailboxRow, row.id)
            assert held is not None and held.locked_by == "instance-a" and held.last_error is None
        assert not second._running  # noqa: SLF001
    finally:
        first.stop()
        second.stop()
    assert first._thread is None and not first._running  # noqa: SLF001
    with world.sessions() as s:
        released = s.get(MailboxRow, row.id)
        assert released is not None and released.locked_by is None and int(released.last_uid) == 2
    assert bodies(world) == ["Waiting before the worker started.", "Sent while the session idles."]


def test_refused_sign_in_is_recorded_without_the_secret(world: World, acme_account: ImapAccount) -> None:
    from trustdesk.mailboxes.registry import seal_credentials
    from trustdesk.mailboxes.spec import Credentials

    row = connect_mailbox(world, acme_account)
    with world.sessions() as s:
        stored = s.get(MailboxRow, row.id)
        assert stored is not None
        stored.secret_sealed = seal_credentials(world.box, Credentials("wrong-password-4711"))
        s.commit()
    fetcher = fetcher_for(world, acme_account, "instance-a")
    fetcher.start()
    try:

        def recorded() -> bool:
            with world.sessions() as s:
                fresh = s.get(MailboxRow, row.id)
                return fresh is not None and bool(fresh.last_error)

        wait_for(recorded)
    finally:
        fetcher.stop()
    with world.sessions() as s:
        error = s.scalar(select(MailboxRow.last_error).where(MailboxRow.id == row.id))
    assert error is not None and "refused the sign-in" in error and acme_account.username in error
    assert "wrong-password-4711" not in world.all_rows()
