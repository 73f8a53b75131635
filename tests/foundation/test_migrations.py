"""Migrations reach head on both databases, match the models, and the server refuses an old schema."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from trustdesk.store.db import DatabaseNotMigrated, make_engine
from trustdesk.store.migrate import current_revision, ensure_migrated, head_revision, upgrade
from trustdesk.store.models import Base
from trustdesk.store.search_index import include_name
from trustdesk.web.app import create_app


def test_upgrade_from_empty_reaches_head(database_url: str) -> None:
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    ensure_migrated(engine)
    engine.dispose()


def _revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    from trustdesk.store.migrate import alembic_config

    return [
        r.revision for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
    ]


def test_a_desk_at_any_earlier_schema_upgrades_to_head_keeping_its_data(database_url: str) -> None:
    from sqlalchemy import text

    revisions = _revisions()
    assert revisions[-1] == head_revision() and len(revisions) >= 12
    for earlier in revisions[:-1]:
        engine = make_engine(database_url)
        with engine.begin() as conn:  # each round starts from an empty database
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(engine, earlier)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO tenants (slug, name, primary_domain, branding, return_window_days, created_at) "
                    "VALUES ('acme', 'Acme', 'acme.example', '{}', 30, CURRENT_TIMESTAMP)"
                )
            )
        upgrade(engine)
        assert current_revision(engine) == head_revision(), earlier
        with engine.connect() as conn:
            assert conn.execute(text("SELECT slug FROM tenants")).scalar_one() == "acme", earlier
        engine.dispose()


def test_models_match_migrations(migrated_engine) -> None:  # type: ignore[no-untyped-def]
    with migrated_engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name}),
            Base.metadata,
        )
    assert diff == [], f"models and migrations differ; generate a migration: {diff}"


def test_app_refuses_unmigrated_database(database_url: str, settings_factory) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    with pytest.raises(DatabaseNotMigrated, match="trustdesk db upgrade"):
        create_app(settings_factory(database_url), engine=engine)
    engine.dispose()


def test_serve_command_explains_unmigrated_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"TRUSTDESK_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "trustdesk.cli", "serve", "--port", "8999"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3
    assert "trustdesk db upgrade" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        "TRUSTDESK_DATA_DIR": str(tmp_path),
        "TRUSTDESK_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "trustdesk.cli", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr
