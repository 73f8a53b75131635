"""Apply and inspect schema migrations (Alembic) programmatically."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from trustdesk.store.db import DatabaseNotMigrated, check_connection

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        # Alembic's config is ConfigParser-based: a literal % must be doubled.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads; merge them")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest)."""
    check_connection(engine)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_migrated(engine: Engine) -> None:
    """Refuse to run on a schema that is missing or behind the code."""
    check_connection(engine)
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        state = "empty (no migrations applied)" if current is None else f"at revision {current}"
        raise DatabaseNotMigrated(
            f"the database is {state} but this version needs {head}; run `trustdesk db upgrade` first"
        )
