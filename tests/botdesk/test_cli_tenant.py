"""`trustdesk bot classify --tenant SLUG` classifies with that retailer's own examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.bot.fakes import TENANT_EXTRA_ROWS, TENANT_WORD
from tests.foundation.factory import make_tenant
from typer.testing import CliRunner

from trustdesk.cli.main import app
from trustdesk.config import get_settings
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.migrate import upgrade
from trustdesk.store.models import BotExample

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as s:
        tenant = make_tenant(s, "acme")
        s.add_all(
            BotExample(tenant_id=tenant.id, intent=r["intent"], text=r["text"]) for r in TENANT_EXTRA_ROWS
        )
        make_tenant(s, "plain")
        s.commit()
    engine.dispose()
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def classify(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["bot", "classify", *args], input=f"{TENANT_WORD} please\n")
    assert result.exit_code == 0, result.output
    return json.loads(next(line for line in result.output.splitlines() if line.startswith("{")))


def test_the_tenants_examples_are_used(database: str) -> None:
    acme = classify("--tenant", "acme")
    assert acme["intent"] == "cancel_order" and acme["confidence"] > 0.5
    assert classify("--tenant", "plain") == classify() != acme  # no examples of its own: the shipped model


def test_an_unknown_tenant_warns_and_uses_the_shipped_model(database: str) -> None:
    result = runner.invoke(app, ["bot", "classify", "--tenant", "nobody"], input="where is my parcel\n")
    assert result.exit_code == 0
    assert "no retailer with the slug 'nobody'" in result.output
    row = next(line for line in result.output.splitlines() if line.startswith("{"))
    assert json.loads(row)["intent"] == "track_shipment"
