"""Fixtures for the bot tests: one trained model per session, a fake retailer, a chat driver."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from tests.conftest import bot_model_cache

from trustdesk.bot.classifier import IntentModel
from trustdesk.bot.context import Customer, TenantProfile
from trustdesk.bot.engine import BotEngine
from trustdesk.bot.examples import shipped_examples
from trustdesk.bot.registry import load_or_train
from trustdesk.bot.state import BotTurn, ConversationState

from .fakes import NOW, TENANT, FakeRetailer, context

DATA = Path(__file__).parent / "data"


def model_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's model cache (tests/conftest.py), shared by the engine fixtures and the CLI tests."""
    return bot_model_cache(tmp_path_factory)


@pytest.fixture(scope="session")
def model(tmp_path_factory: pytest.TempPathFactory) -> IntentModel:
    return load_or_train(shipped_examples(), cache_dir=model_cache_dir(tmp_path_factory))


@pytest.fixture
def cli_model_cache(
    model: IntentModel, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the CLI at the session's model cache, so it loads instead of retraining."""
    monkeypatch.setenv("TRUSTDESK_BOT_CACHE", str(model_cache_dir(tmp_path_factory)))


@pytest.fixture(scope="session")
def engine(model: IntentModel) -> BotEngine:
    return BotEngine(model)


@dataclass
class Chat:
    """Drives one conversation through the engine, a minute between messages by default."""

    engine: BotEngine
    retailer: FakeRetailer
    customer: Customer | None = None
    lookups_allowed: bool = True
    state: ConversationState = field(default_factory=ConversationState)
    now: datetime = NOW
    turns: list[BotTurn] = field(default_factory=list)
    tenant: TenantProfile = TENANT
    language_hint: str | None = None

    def send(self, message: str, *, after: timedelta = timedelta(minutes=1)) -> BotTurn:
        self.now = self.now + after
        ctx = context(
            self.retailer,
            customer=self.customer,
            now=self.now,
            lookups_allowed=self.lookups_allowed,
            tenant=self.tenant,
            language_hint=self.language_hint,
        )
        turn = self.engine.respond(self.state, message, ctx)
        self.state = turn.state
        self.turns.append(turn)
        return turn

    def text(self, turn: BotTurn | None = None) -> str:
        return " ".join((turn or self.turns[-1]).replies)

    def all_replies(self) -> Iterator[str]:
        for turn in self.turns:
            yield from turn.replies


@pytest.fixture
def retailer() -> FakeRetailer:
    return FakeRetailer()


@pytest.fixture
def chat(engine: BotEngine, retailer: FakeRetailer) -> Chat:
    return Chat(engine, retailer)
