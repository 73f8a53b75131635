"""`trustdesk jobs work` (workers without the web server) answers bot turns too, never dead-letters them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.foundation.factory import make_tenant
from tests.support.databases import migrate
from typer.testing import CliRunner

from trustdesk.botdesk import register
from trustdesk.cli.main import app
from trustdesk.config import get_settings
from trustdesk.conversations.domain import Author, AuthorKind
from trustdesk.conversations.pipeline import CustomerRef, Desk, post_message, start_conversation
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import Job, Message

from .conftest import enable_bot


def test_a_standalone_worker_answers_the_customer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'work.db'}"
    engine = make_engine(url)
    migrate(engine)
    sessions = make_session_factory(engine)
    with sessions() as s:
        tenant = make_tenant(s, "acme")
        enable_bot(s, tenant)
        s.commit()
        tenant_id = tenant.id
    # A web process: opens the chat with the bot and stores the customer's message (no workers here).
    desk = Desk(sessions)
    register(desk, {}, {})
    started = start_conversation(desk, tenant_id, CustomerRef(name="Pat"))
    conv_id = started.conversation["id"]
    post_message(
        desk,
        tenant_id,
        conv_id,
        Author(AuthorKind.CUSTOMER, name="Pat"),
        "Which payment methods do you accept?",
    )

    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["jobs", "work", "--once"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    with sessions() as s:
        assert s.scalar(select(Job.status).where(Job.kind == "bot.turn")) == "done"
        replies = s.scalars(
            select(Message.body).where(Message.author_kind == "bot").order_by(Message.seq)
        ).all()
    assert "automated assistant" in replies[0]
    assert any("Visa" in r for r in replies[1:])
    engine.dispose()
