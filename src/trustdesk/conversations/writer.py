"""Group commit for live chat: one thread stores the sends that queue up while the previous batch commits.

A chat server spends most of a send's cost outside the guard: a thread hop per message, a transaction
per message, and (on SQLite) writers queueing on the one write lock. Here the event loop hands each send
to one writer thread and awaits its outcome; the writer takes everything waiting, stores it through
`post_messages` (each message guarded and stored exactly as `post_message` would, one commit for all)
and wakes each loop once. Under light traffic a batch is a single send and nothing waits for
company; under load batches grow, and the per-message cost falls as it must.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from trustdesk.conversations.pipeline import Desk, Posted, SendRequest, post_messages

log = logging.getLogger("trustdesk.conversations")

# An admission check run on the writer thread just before the send (rate limits may ask Redis):
# seconds the client must wait, 0 when the send may go ahead.
Admit = Callable[[], int]
# What a send comes to: the stored message, the error to report, or seconds to wait (rate limited).
Outcome = Posted | Exception | int

MAX_BATCH = 64


@dataclass
class _Pending:
    request: SendRequest
    admit: Admit | None
    future: asyncio.Future[Outcome]
    loop: asyncio.AbstractEventLoop


class _Stop:
    pass


class ChatWriter:
    """Stores chat sends for every event loop of this process, a batch per transaction."""

    def __init__(self, desk: Desk, *, max_batch: int = MAX_BATCH) -> None:
        self.desk = desk
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Pending | _Stop] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.batches = 0
        self.sends = 0

    async def post(self, request: SendRequest, admit: Admit | None = None) -> Outcome:
        """Store `request` (after `admit` allows it) and return its outcome; never raises for a bad send."""
        self._ensure_started()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        self._queue.put(_Pending(request, admit, future, loop))
        # If the caller goes away (socket closed) the send is still stored: the client's retry with
        # the same client_msg_id then finds it.
        return await asyncio.shield(future)

    def _ensure_started(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="chat-writer", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Store what is queued, then end the thread."""
        thread = self._thread
        if thread is None:
            return
        self._queue.put(_Stop())
        thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if isinstance(first, _Stop):
                return
            batch = [first]
            stopping = False
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if isinstance(item, _Stop):
                    stopping = True
                    break
                batch.append(item)
            self._write(batch)
            if stopping:
                return

    def _write(self, batch: list[_Pending]) -> None:
        outcomes: list[Outcome] = []
        admitted: list[int] = []
        for index, pending in enumerate(batch):
            try:
                wait = pending.admit() if pending.admit is not None else 0
            except Exception as exc:  # noqa: BLE001 - reported to that send's caller
                outcomes.append(exc)
                continue
            outcomes.append(wait)
            if not wait:
                admitted.append(index)
        try:
            requests = [batch[index].request for index in admitted]
            results = post_messages(self.desk, requests) if requests else []
        except Exception as exc:  # noqa: BLE001 - e.g. the database is unreachable: every send is told
            results = [exc] * len(admitted)
        for index, result in zip(admitted, results, strict=True):
            outcomes[index] = result
        self.batches += 1
        self.sends += len(batch)
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Outcome], Outcome]]] = {}
        for pending, outcome in zip(batch, outcomes, strict=True):
            by_loop.setdefault(pending.loop, []).append((pending.future, outcome))
        for loop, done in by_loop.items():
            try:
                loop.call_soon_threadsafe(_resolve, done)
            except RuntimeError:  # that loop has closed: nobody is waiting there any more
                pass


def _resolve(done: list[tuple[asyncio.Future[Outcome], Outcome]]) -> None:
    for future, outcome in done:
        if not future.done():
            future.set_result(outcome)
