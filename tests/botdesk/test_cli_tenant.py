"""`trustdesk bot classify --tenant SLUG` classifies with that retailer's own examples."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from tests.bot.fakes import TENANT_EXTRA_ROWS, TENANT_WORD
from tests.foundation.factory import cli_database, make_tenant
from typer.testing import CliRunner

from trustdesk.cli.main import app
from trustdesk.store.models import BotExample

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    def seed(s: Session) -> None:
        tenant = make_tenant(s, "acme")
        s.add_all(
            BotExample(tenant_id=tenant.id, intent=r["intent"], text=r["text"]) for r in TENANT_EXTRA_ROWS
        )
        make_tenant(s, "plain")

    with cli_database(tmp_path, monkeypatch, seed) as url:
        yield url


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
