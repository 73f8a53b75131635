"""`trustdesk tenants languages SLUG [--set en,de --default de]` shows and changes what a retailer offers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.foundation.factory import cli_database, make_tenant
from typer.testing import CliRunner

from trustdesk.cli.main import app
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import AuditEvent

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with cli_database(tmp_path, monkeypatch, lambda s: make_tenant(s, "acme")) as url:
        yield url


def test_show_change_and_refuse(database: str) -> None:
    shown = runner.invoke(app, ["tenants", "languages", "acme", "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output) == {"languages": ["en"], "default": "en"}

    changed = runner.invoke(app, ["tenants", "languages", "acme", "--set", "en,de,fr", "--default", "de"])
    assert changed.exit_code == 0, changed.output
    assert changed.output.strip() == "acme: en, de, fr (default de)"

    refused = runner.invoke(app, ["tenants", "languages", "acme", "--set", "en,xx"])
    assert refused.exit_code == 1
    assert "unknown language code 'xx'" in refused.output
    assert runner.invoke(app, ["tenants", "languages", "nobody"]).exit_code == 1

    engine = make_engine(database)
    with make_session_factory(engine)() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "tenant.languages_changed")).all()
        assert [(e.actor, e.details["after"]) for e in events] == [
            ("cli", {"languages": ["en", "de", "fr"], "default": "de"})
        ]
    engine.dispose()


def test_a_new_retailer_can_be_created_with_its_languages(database: str) -> None:
    made = runner.invoke(
        app,
        [
            "tenants",
            "create",
            "globex",
            "--name",
            "Globex",
            "--domain",
            "globex.test",
            "--languages",
            "nl,en",
        ],
    )
    assert made.exit_code == 0, made.output
    shown = runner.invoke(app, ["tenants", "languages", "globex", "--json"])
    assert json.loads(shown.output) == {"languages": ["nl", "en"], "default": "nl"}
    bad = runner.invoke(
        app,
        [
            "tenants",
            "create",
            "initech",
            "--name",
            "I",
            "--domain",
            "i.test",
            "--languages",
            "en",
            "--default",
            "de",
        ],
    )
    assert bad.exit_code == 1 and "must be one of the offered languages" in bad.output
