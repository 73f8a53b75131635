"""`trustdesk sla show|set SLUG`: read and write a retailer's SLA policy from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.foundation.factory import cli_database, make_tenant
from tests.sla.conftest import policy_body
from typer.testing import CliRunner

from trustdesk.cli.main import app
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import AuditEvent

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with cli_database(tmp_path, monkeypatch, lambda s: make_tenant(s, "acme")) as url:
        yield url


def test_show_set_and_refuse(database: str, tmp_path: Path) -> None:
    empty = runner.invoke(app, ["sla", "show", "acme", "--json"])
    assert empty.exit_code == 0, empty.output
    assert json.loads(empty.output) == {"tenant": "acme", "policy": None}

    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy_body(holidays=["2026-12-25"])))
    saved = runner.invoke(app, ["sla", "set", "acme", str(path), "--json"])
    assert saved.exit_code == 0, saved.output
    assert json.loads(saved.output)["policy"]["holidays"] == ["2026-12-25"]

    shown = runner.invoke(app, ["sla", "show", "acme"])
    assert "Europe/Berlin" in shown.output and "2026-12-25" in shown.output and "urgent" in shown.output
    # `show --json` output can be fed back to `set` as it is.
    path.write_text(runner.invoke(app, ["sla", "show", "acme", "--json"]).output)
    assert runner.invoke(app, ["sla", "set", "acme", str(path)]).exit_code == 0

    path.write_text(json.dumps(policy_body(timezone="Atlantis/Capital")))
    refused = runner.invoke(app, ["sla", "set", "acme", str(path)])
    assert refused.exit_code == 2 and "unknown time zone" in refused.output
    path.write_text("{not json")
    assert runner.invoke(app, ["sla", "set", "acme", str(path)]).exit_code == 2
    assert runner.invoke(app, ["sla", "show", "nobody"]).exit_code == 2
    # The refused policy changed nothing; each accepted one is audited.
    still = json.loads(runner.invoke(app, ["sla", "show", "acme", "--json"]).output)["policy"]
    assert still["timezone"] == "Europe/Berlin"
    engine = make_engine(database)
    with make_session_factory(engine)() as s:
        actions = s.scalars(select(AuditEvent.actor).where(AuditEvent.action == "sla.policy_changed")).all()
    engine.dispose()
    assert actions == ["cli", "cli"]
