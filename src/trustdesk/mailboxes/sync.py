"""One pass over a mailbox folder: new mail through the intake, then flagged, then remembered.

For each batch of new messages (up to `batch`), in this order:

    FETCH BODY.PEEK[] (does not set \\Seen) -> per mail MailIntake.accept (guard, thread, store: commits)
      -> mark the batch \\Seen, or move it -> store its highest UID as the mailbox's last_uid (commit)

A crash anywhere leaves the batch's unmarked mail to be fetched again, and the intake recognises a mail it
already holds (its Message-ID, else its bytes, per sender and retailer): nothing is lost and
nothing is stored twice. Steady state takes every UID above last_uid. On the first pass, and when
the server's UIDVALIDITY changed (its UIDs were renumbered), the stored UID means nothing: the
pass takes the folder's unread mail only (read mail was seen by us or by a person), relying on the
same dedupe, and then records the new UIDVALIDITY and the folder's highest UID.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import compat32
from ipaddress import ip_address

from imapclient import IMAPClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from trustdesk.audit.log import record as audit
from trustdesk.mailboxes.connect import MailboxConnectError, select
from trustdesk.mailchannel.intake import Envelope, MailIntake, MailRefused
from trustdesk.store.models import MailboxRow, utcnow

log = logging.getLogger("trustdesk.mailboxes")

SEEN = b"\\Seen"
DELETED = b"\\Deleted"


@dataclass(frozen=True)
class MailboxTarget:
    """What a pass needs to know about the mailbox (read from its row when the session starts)."""

    id: int
    tenant_id: int
    public_id: str
    address: str
    folder: str
    after_intake: str
    move_to: str | None


@dataclass
class PassResult:
    taken: int = 0
    duplicates: int = 0
    refused: int = 0
    resynced: bool = False
    uids: list[int] = field(default_factory=list)


_RECEIVED_IP = re.compile(r"[\[(](?:IPv6:)?([0-9A-Fa-f:.]+)[\])]")
_RECEIVED_FROM = re.compile(r"\bfrom\s+([^\s();]+)", re.IGNORECASE)


def envelope_of(raw: bytes, address: str, mailbox_id: int) -> Envelope:
    """The SMTP facts the mailbox provider recorded: the client of its newest Received hop that
    names one, and Return-Path (its MAIL FROM). Headers above that hop are the provider's own."""
    end = raw.find(b"\r\n\r\n")
    end = raw.find(b"\n\n") if end < 0 else end
    head = raw[: end if end >= 0 else min(len(raw), 64 * 1024)]
    headers = BytesHeaderParser(policy=compat32).parsebytes(head)
    client_ip, helo = "", ""
    for value in headers.get_all("Received") or []:
        text = " ".join(str(value).split())
        clauses = text.rpartition(";")[0] or text
        from_clause = re.split(r"\bby\b", clauses, maxsplit=1, flags=re.IGNORECASE)[0]
        for candidate in _RECEIVED_IP.findall(from_clause):
            try:
                client_ip = str(ip_address(candidate))
                break
            except ValueError:
                continue
        if client_ip:
            match = _RECEIVED_FROM.search(from_clause)
            helo = match.group(1).lower() if match else ""
            break
    return_path = str(headers.get("Return-Path") or "").strip()
    match = re.search(r"<([^<>]*)>", return_path)
    mail_from = (match.group(1) if match else return_path).strip()
    return Envelope(
        client_ip=client_ip,
        helo=helo[:255],
        mail_from=mail_from[:320],
        recipients=(address,),
        mailbox_id=mailbox_id,
    )


class FolderPass:
    """Takes a folder's new mail into the desk (one call of `run` per wake-up)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        intake: MailIntake,
        target: MailboxTarget,
        *,
        batch: int = 100,
        after_commit: Callable[[int], None] | None = None,
    ) -> None:
        self.sessions = sessions
        self.intake = intake
        self.target = target
        self.batch = batch
        # Test hook: called with the UID after the intake committed and before the flag/UID steps.
        self.after_commit = after_commit

    def run(self, client: IMAPClient, stop: threading.Event | None = None) -> PassResult:
        target = self.target
        if self.intake.tenant_for(target.address) != target.tenant_id:
            raise MailboxConnectError(
                "address",
                f"{target.address} is no longer an official e-mail address of this retailer; mail is left in the mailbox",
                permanent=True,
            )
        uid_validity = select(client, target.folder)
        with self.sessions() as session:
            row = session.get(MailboxRow, target.id)
            if row is None:
                raise MailboxConnectError("mailbox", "the mailbox was removed", permanent=True)
            stored_validity, last_uid = row.uid_validity, int(row.last_uid)
            session.rollback()
        result = PassResult()
        if stored_validity != uid_validity:
            result.resynced = True
            ceiling = max(client.search("ALL") or [0])
            pending = sorted(client.search("UNSEEN"))
            for chunk in _chunks(pending, self.batch):
                self._take_chunk(client, chunk, result, remember=False, stop=stop)
                if _stopping(stop):
                    return result  # the resync starts over next time; taken mail is \Seen or recognised
            self._remember_validity(uid_validity, max([ceiling, *pending]), stored_validity, result.taken)
            return result
        uids = sorted(uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid)
        for chunk in _chunks(uids, self.batch):
            if _stopping(stop):
                break
            self._take_chunk(client, chunk, result, remember=True, stop=stop)
        return result

    def _take_chunk(
        self,
        client: IMAPClient,
        chunk: list[int],
        result: PassResult,
        *,
        remember: bool,
        stop: threading.Event | None = None,
    ) -> None:
        fetched = client.fetch(chunk, ["BODY.PEEK[]"])
        done: list[int] = []
        taken_uids: list[int] = []
        newly_taken = result.taken
        for uid in chunk:
            if _stopping(stop):
                break  # the rest is fetched again next time
            data = fetched.get(uid)
            if data is None or b"BODY[]" not in data:
                continue  # expunged meanwhile by someone else
            raw = bytes(data[b"BODY[]"])
            taken = self._take(uid, raw, result)
            if self.after_commit is not None:
                self.after_commit(uid)
            done.append(uid)
            if taken:
                taken_uids.append(uid)
            result.uids.append(uid)
        # Every mail of the batch is committed: flag (or move) them in one command, then remember the
        # highest UID. An exception above skips both, as a crash would: those mails are fetched again.
        if taken_uids:
            self._mark(client, taken_uids)
        if remember and done:
            self._remember(max(done), counted=result.taken - newly_taken)

    def _take(self, uid: int, raw: bytes, result: PassResult) -> bool:
        """True when the mail is in the desk (new or already there); False when refused for good."""
        target = self.target
        try:
            delivered = self.intake.accept(raw, envelope_of(raw, target.address, target.id))
        except MailRefused as exc:
            # A mail the desk will never take (malformed, too big): left unread in the mailbox for a person.
            result.refused += 1
            log.info(
                "mailbox mail refused", extra={"mailbox": target.public_id, "uid": uid, "code": exc.code}
            )
            with self.sessions() as session:
                audit(
                    session,
                    "mailbox.mail_refused",
                    actor=f"mailbox:{target.public_id}",
                    tenant_id=target.tenant_id,
                    target=f"mailbox:{target.public_id}",
                    details={"uid": uid, "reason": exc.text[:200]},
                )
                session.commit()
            return False
        if delivered and all(d.duplicate for d in delivered):
            result.duplicates += 1
        else:
            result.taken += 1
        return True

    def _mark(self, client: IMAPClient, uids: list[int]) -> None:
        target = self.target
        client.add_flags(uids, [SEEN], silent=True)
        if target.after_intake == "move" and target.move_to:
            if client.has_capability("MOVE"):
                client.move(uids, target.move_to)
            else:
                client.copy(uids, target.move_to)
                client.add_flags(uids, [DELETED], silent=True)
                if client.has_capability("UIDPLUS"):
                    client.uid_expunge(uids)
                else:
                    client.expunge()

    def _remember(self, uid: int, *, counted: int) -> None:
        with self.sessions() as session:
            session.execute(
                update(MailboxRow)
                .where(MailboxRow.id == self.target.id, MailboxRow.last_uid < uid)
                .values(
                    last_uid=uid,
                    fetched_total=MailboxRow.fetched_total + counted,
                    last_fetch_at=utcnow(),
                )
            )
            session.commit()

    def _remember_validity(self, uid_validity: int, ceiling: int, previous: int | None, taken: int) -> None:
        target = self.target
        with self.sessions() as session:
            session.execute(
                update(MailboxRow)
                .where(MailboxRow.id == target.id)
                .values(
                    uid_validity=uid_validity,
                    last_uid=ceiling,
                    fetched_total=MailboxRow.fetched_total + taken,
                    last_fetch_at=utcnow(),
                )
            )
            if previous is not None:
                audit(
                    session,
                    "mailbox.uidvalidity_changed",
                    actor=f"mailbox:{target.public_id}",
                    tenant_id=target.tenant_id,
                    target=f"mailbox:{target.public_id}",
                    details={"previous": previous, "now": uid_validity, "folder": target.folder},
                )
            session.commit()


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), max(1, size))]


def _stopping(stop: threading.Event | None) -> bool:
    return stop is not None and stop.is_set()
