"""One intent model per retailer: the shipped examples merged with the retailer's own, kept current.

A retailer without examples of its own shares the default model. When a retailer's examples
change (seen through a cheap signature query, so every instance notices), the new model trains
in a background thread while the current one keeps answering; the swap is atomic.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from trustdesk.bot.examples import Example, merge_examples, shipped_examples
from trustdesk.bot.intents import Intent
from trustdesk.store.models import BotExample

if TYPE_CHECKING:  # the registry loads or trains models: imported with the first bot turn, not at start
    from trustdesk.bot.classifier import IntentModel
    from trustdesk.bot.registry import ModelHolder

log = logging.getLogger("trustdesk.bot")

Signature = tuple[int, int]


def examples_signature(session: Session, tenant_id: int) -> Signature:
    """(count, highest id) of the retailer's examples: changes whenever one is added or removed."""
    count, top = session.execute(
        select(func.count(BotExample.id), func.max(BotExample.id)).where(BotExample.tenant_id == tenant_id)
    ).one()
    return int(count or 0), int(top or 0)


def tenant_examples(session: Session, tenant_id: int) -> list[Example]:
    """The retailer's own examples (rows with an intent this version does not know are skipped)."""
    known = {i.value for i in Intent}
    rows = session.execute(
        select(BotExample.text, BotExample.intent)
        .where(BotExample.tenant_id == tenant_id)
        .order_by(BotExample.id)
    ).all()
    return [Example(text, Intent(intent)) for text, intent in rows if intent in known]


@dataclass
class _Entry:
    holder: ModelHolder
    signature: Signature
    pending: Future[None] | None = None


class TenantModels:
    """The model each retailer's bot classifies with, retrained in the background on change.

    `embeddings` (the TRUSTDESK_BOT_EMBEDDINGS setting): serve models blended with sentence
    embeddings when the extra is installed; without it the registry warns once and serves plain ones.
    """

    def __init__(self, *, embeddings: bool = False) -> None:
        self.embeddings = embeddings
        self._entries: dict[int, _Entry] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bot-train")
        self._refreshing: dict[int, Future[None]] = {}

    def classifier(self, session: Session, tenant_id: int) -> ModelHolder:
        """The tenant's model holder, scheduling a retrain if its examples changed."""
        signature = examples_signature(session, tenant_id)
        with self._lock:
            entry = self._entries.get(tenant_id)
            if entry is not None and entry.signature == signature:
                return entry.holder
        from trustdesk.bot.registry import ModelHolder

        examples = tenant_examples(session, tenant_id) if signature[0] else []
        base = self.base()  # loads from the disk cache, or trains once per process
        with self._lock:
            entry = self._entries.get(tenant_id)
            if entry is None:
                entry = _Entry(ModelHolder(base), (0, 0))
                self._entries[tenant_id] = entry
            if entry.signature != signature:
                entry.signature = signature
                entry.pending = self._executor.submit(self._retrain, entry, signature, examples, base)
            return entry.holder

    def base(self) -> IntentModel:
        """The model of the shipped examples (plain or blended), loaded once per process."""
        from trustdesk.bot.registry import default_model

        return default_model(embeddings=self.embeddings)

    def _retrain(self, entry: _Entry, signature: Signature, extra: list[Example], base: object) -> None:
        from trustdesk.bot.registry import default_cache_dir, load_or_train, use_embeddings

        with self._lock:
            if entry.signature != signature:
                # Examples changed again since this job was queued: the job queued after it trains the
                # newer set, so an admin adding five phrases waits for one training, not five.
                return
        holder = entry.holder
        try:
            model = (
                base
                if not extra
                else load_or_train(
                    merge_examples(shipped_examples(), extra),
                    cache_dir=default_cache_dir(),
                    embeddings=use_embeddings(self.embeddings),
                )
            )
        except Exception:  # noqa: BLE001 - a bad example set keeps the current model in service
            log.exception("bot model retraining failed; the current model stays in service")
            return
        if model is not holder.current:
            holder.swap(model)  # type: ignore[arg-type]

    def refresh(self, readers: sessionmaker[Session], tenant_id: int) -> None:
        """After an admin changed examples: notice it in the background (never on the request thread)."""

        def check() -> None:
            with readers() as session:
                self.classifier(session, tenant_id)

        self._refreshing[tenant_id] = self._executor.submit(check)

    def wait(self, tenant_id: int, timeout: float = 120.0) -> None:
        """Block until the tenant's latest retraining has finished (tests and the CLI)."""
        refreshing = self._refreshing.get(tenant_id)
        if refreshing is not None:
            refreshing.result(timeout)
        entry = self._entries.get(tenant_id)
        if entry is not None and entry.pending is not None:
            entry.pending.result(timeout)

    def close(self) -> None:
        """Stop the training thread after the job in hand."""
        self._executor.shutdown(wait=True)
