"""The mailbox worker: holds one IMAP session per connected mailbox and takes new mail in.

A supervisor thread claims mailboxes through a lease on their row (locked_by / locked_until,
FOR UPDATE SKIP LOCKED on PostgreSQL), like the job queue claims jobs: with several server
processes each mailbox has exactly one session, and a process that dies leaves its mailboxes to
another once the lease runs out. Each claimed mailbox gets a thread:

    connect (TLS, sign in) -> FolderPass.run -> wait for mail: IMAP IDLE, else poll -> pass again ...

renewing the lease as it goes; an error is recorded on the row (last_error, no secret in it) and
the session reconnects after a pause. `stop()` lets every session finish the mail in hand, leave
IDLE, log out and release its lease.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from trustdesk.mailboxes.connect import MailboxConnectError, close_imap, open_imap
from trustdesk.mailboxes.oauth import fresh_credentials, renewal_due_at
from trustdesk.mailboxes.registry import imap_endpoint, open_credentials
from trustdesk.mailboxes.sync import FolderPass, MailboxTarget, PassResult
from trustdesk.mailchannel.intake import MailIntake
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import MailboxRow, utcnow

log = logging.getLogger("trustdesk.mailboxes")


@dataclass(frozen=True)
class FetchTiming:
    idle_seconds: float = 25 * 60.0  # RFC 2177: re-issue IDLE before 29 minutes
    poll_seconds: float = 60.0  # without IDLE, and the pause after an error
    lease_seconds: float = 90.0
    scan_seconds: float = 10.0  # how often the supervisor looks for mailboxes to take
    batch: int = 100
    timeout: float = 30.0


class MailboxFetcher:
    """Runs mailbox sessions in this process until `stop()`."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        intake: MailIntake,
        box: SecretBox,
        *,
        ca_file: str | None = None,
        timing: FetchTiming | None = None,
        max_sessions: int = 50,
        worker_id: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.intake = intake
        self.box = box
        self.ca_file = ca_file
        self.timing = timing or FetchTiming()
        self.max_sessions = max_sessions
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._running: dict[int, threading.Thread] = {}

    # ---- supervisor

    def claim(self) -> list[int]:
        """Lease every enabled mailbox nobody holds (up to the free session slots); commits."""
        free = self.max_sessions - len(self._running)
        if free <= 0:
            return []
        now = utcnow()
        with self.sessions() as session:
            query = (
                select(MailboxRow)
                .where(
                    MailboxRow.enabled.is_(True),
                    or_(MailboxRow.locked_until.is_(None), MailboxRow.locked_until < now),
                )
                .order_by(MailboxRow.id)
                .limit(free)
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = list(session.scalars(query))
            for row in rows:
                row.locked_by = self.worker_id
                row.locked_until = now + timedelta(seconds=self.timing.lease_seconds)
            ids = [row.id for row in rows]
            session.commit()
        return ids

    def run_forever(self) -> None:
        while not self._stop.is_set():
            for mailbox_id, thread in list(self._running.items()):
                if not thread.is_alive():
                    del self._running[mailbox_id]
            try:
                for mailbox_id in self.claim():
                    thread = threading.Thread(
                        target=MailboxSession(self, mailbox_id).run, name=f"mailbox-{mailbox_id}", daemon=True
                    )
                    self._running[mailbox_id] = thread
                    thread.start()
            except Exception as exc:  # noqa: BLE001 - e.g. the database restarting: look again later
                log.warning("mailbox supervisor error", extra={"error": type(exc).__name__})
            self._stop.wait(self.timing.scan_seconds)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, name="mailboxes", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 20.0) -> None:
        """Finish the mail in hand, leave IDLE, log out, release the leases."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        if self._thread is not None:
            self._thread.join(max(0.0, deadline - time.monotonic()))
            self._thread = None
        for thread in list(self._running.values()):
            thread.join(max(0.0, deadline - time.monotonic()))
        self._running.clear()

    @property
    def stopping(self) -> threading.Event:
        return self._stop


class MailboxSession:
    """One mailbox's IMAP session in its own thread, for as long as this process holds the lease."""

    def __init__(self, fetcher: MailboxFetcher, mailbox_id: int) -> None:
        self.fetcher = fetcher
        self.mailbox_id = mailbox_id
        self._renewed = 0.0

    def run(self) -> None:
        fetcher = self.fetcher
        stop = fetcher.stopping
        try:
            while not stop.is_set():
                if not self.renew():
                    return  # removed, disabled, or taken over by another process
                pause = self.once()
                if pause:
                    stop.wait(pause)
        except Exception as exc:  # noqa: BLE001 - the session ends; the lease lapses and it is claimed again
            log.warning(
                "mailbox session ended", extra={"mailbox_id": self.mailbox_id, "error": type(exc).__name__}
            )
        finally:
            self.release()

    def once(self) -> float:
        """Connect, take new mail, wait for more (IDLE or poll); returns a pause before reconnecting."""
        fetcher = self.fetcher
        timing = fetcher.timing
        with fetcher.sessions() as session:
            row = session.get(MailboxRow, self.mailbox_id)
            if row is None:
                return 0.0
            target = MailboxTarget(
                row.id, row.tenant_id, row.public_id, row.address, row.folder, row.after_intake, row.move_to
            )
            endpoint, username, auth_kind = imap_endpoint(row), row.username, row.auth_kind
            renews = bool(row.oauth_refresh)
            credentials = open_credentials(fetcher.box, row)
            session.rollback()

        def sign_in(secret: str) -> IMAPClient:
            return open_imap(
                endpoint, username, secret, auth_kind, ca_file=fetcher.ca_file, timeout=timing.timeout
            )

        client: IMAPClient | None = None
        try:
            if renews:
                credentials = fresh_credentials(
                    fetcher.sessions, self.mailbox_id, fetcher.box, ca_file=fetcher.ca_file
                )

            try:
                client = sign_in(credentials.imap)
            except MailboxConnectError as exc:
                if not (renews and exc.stage == "auth"):
                    raise
                # Refused although not yet expired (revoked, clocks apart): renew once and sign in again.
                credentials = fresh_credentials(
                    fetcher.sessions,
                    self.mailbox_id,
                    fetcher.box,
                    ca_file=fetcher.ca_file,
                    rejected=credentials.imap,
                )
                client = sign_in(credentials.imap)
            folder_pass = FolderPass(fetcher.sessions, fetcher.intake, target, batch=timing.batch)
            self.record(folder_pass.run(client, fetcher.stopping), None)
            idle = bool(client.has_capability("IDLE"))
            while not fetcher.stopping.is_set():
                if not self.renew():
                    return 0.0
                left = self.token_seconds_left() if renews else None
                if left is not None and left <= 0:
                    return 0.0  # sign in again with a renewed token before this one expires
                if idle:
                    self.idle(client, left)
                else:
                    fetcher.stopping.wait(
                        min(timing.poll_seconds, left) if left is not None else timing.poll_seconds
                    )
                if fetcher.stopping.is_set():
                    break
                self.record(folder_pass.run(client, fetcher.stopping), None)
            return 0.0
        except MailboxConnectError as exc:
            self.record(None, exc.message)
            log.warning(
                "mailbox unavailable",
                extra={"mailbox": target.public_id, "stage": exc.stage, "permanent": exc.permanent},
            )
            return timing.poll_seconds * (5 if exc.permanent else 1)
        except (OSError, IMAPClientError) as exc:
            self.record(None, f"the IMAP session broke: {type(exc).__name__}")
            log.warning(
                "mailbox session broke", extra={"mailbox": target.public_id, "error": type(exc).__name__}
            )
            return timing.poll_seconds
        finally:
            if client is not None:
                close_imap(client)

    def idle(self, client: IMAPClient, limit: float | None = None) -> None:
        """IDLE until the server reports a change, idle_seconds (or `limit`) pass, or the worker stops."""
        timing = self.fetcher.timing
        deadline = time.monotonic() + min(
            timing.idle_seconds, limit if limit is not None else timing.idle_seconds
        )
        client.idle()
        try:
            while not self.fetcher.stopping.is_set() and time.monotonic() < deadline:
                if client.idle_check(timeout=1.0):
                    return
                if time.monotonic() - self._renewed > timing.lease_seconds / 3 and not self.renew():
                    return
        finally:
            client.idle_done()

    def token_seconds_left(self) -> float:
        """Seconds until the mailbox's access token is due for renewal (some providers end an IMAP
        session when its token expires, so the session signs in again before that)."""
        with self.fetcher.sessions() as session:
            times = session.execute(
                select(MailboxRow.token_expires_at, MailboxRow.token_refreshed_at).where(
                    MailboxRow.id == self.mailbox_id
                )
            ).first()
            session.rollback()
        due = renewal_due_at(*times) if times is not None else None
        return 0.0 if due is None else (due - utcnow()).total_seconds()

    def renew(self) -> bool:
        """Extend this process's lease; False when it no longer holds the mailbox (or it is disabled)."""
        fetcher = self.fetcher
        with fetcher.sessions() as session:
            result = session.execute(
                update(MailboxRow)
                .where(
                    MailboxRow.id == self.mailbox_id,
                    MailboxRow.locked_by == fetcher.worker_id,
                    MailboxRow.enabled.is_(True),
                )
                .values(locked_until=utcnow() + timedelta(seconds=fetcher.timing.lease_seconds))
            )
            session.commit()
        self._renewed = time.monotonic()
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def release(self) -> None:
        try:
            with self.fetcher.sessions() as session:
                session.execute(
                    update(MailboxRow)
                    .where(MailboxRow.id == self.mailbox_id, MailboxRow.locked_by == self.fetcher.worker_id)
                    .values(locked_by=None, locked_until=None)
                )
                session.commit()
        except Exception as exc:  # noqa: BLE001 - the lease then simply lapses
            log.warning(
                "mailbox lease not released",
                extra={"mailbox_id": self.mailbox_id, "error": type(exc).__name__},
            )

    def record(self, result: PassResult | None, error: str | None) -> None:
        """Keep the outcome on the row: the last error (or none), for the console and `mailboxes list`."""
        if result is not None and (result.taken or result.duplicates or result.refused):
            log.info(
                "mailbox mail taken in",
                extra={"mailbox_id": self.mailbox_id, "taken": result.taken, "refused": result.refused},
            )
        with self.fetcher.sessions() as session:
            session.execute(
                update(MailboxRow)
                .where(MailboxRow.id == self.mailbox_id)
                .values(last_error=error[:500] if error else None, last_fetch_at=utcnow())
            )
            session.commit()
