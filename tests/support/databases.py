"""Migrated test databases without running every migration per test.

Running the whole Alembic chain costs seconds per database, and most tests only need a schema at
head. So each test process (each pytest-xdist worker) migrates one template per backend the first
time one is asked for, and every test then gets a copy: SQLite through the backup API, PostgreSQL
through `CREATE DATABASE ... TEMPLATE`. A copy is the schema the migrations produce (the template
is built by them in the same session) and holds no test's data, so each test still starts from a
pristine database. Tests of the migrations themselves call `trustdesk.store.migrate.upgrade`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

from trustdesk.store.db import make_engine
from trustdesk.store.migrate import current_revision, head_revision, upgrade

_sqlite_template: Path | None = None
_postgres_templates: dict[str, str] = {}  # admin URL -> template database name
_head_revision: str | None = None


def _is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def _head() -> str:
    global _head_revision
    if _head_revision is None:
        _head_revision = head_revision()
    return _head_revision


def migrate(engine: Engine) -> None:
    """`upgrade(engine)` for a test database: an empty one is filled from the session's migrated
    template (the same schema, much faster); one at head is left as it is (a copy of the template
    already); one at an older revision is really upgraded."""
    if engine.dialect.name not in ("sqlite", "postgresql") or not _is_empty(engine):
        if current_revision(engine) != _head():
            upgrade(engine)
        return
    engine.dispose()  # the copy replaces what the pool's connections would have seen
    if engine.dialect.name == "sqlite":
        _copy_sqlite(_sqlite_template_file(), Path(str(engine.url.database)))
    else:
        _copy_postgres(engine)


def migrated_engine(url: str) -> Engine:
    """An engine on the (empty) database at `url`, brought to head by `migrate`."""
    engine = make_engine(url)
    migrate(engine)
    return engine


def _sqlite_template_file() -> Path:
    global _sqlite_template
    if _sqlite_template is None:
        folder = Path(tempfile.mkdtemp(prefix="trustdesk-template-"))
        path = folder / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()  # the last connection checkpoints the WAL into the file
        _sqlite_template = path
    return _sqlite_template


def _copy_sqlite(template: Path, target: Path) -> None:
    # The backup API copies pages into the target whether or not it was opened before, and leaves
    # no write-ahead log behind that could disagree with the new contents.
    source = sqlite3.connect(template)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()


def _admin_url(engine: Engine) -> str:
    # The maintenance database of tests/conftest.py's POSTGRES_ADMIN_URL, on the test database's server.
    admin = os.environ.get("TRUSTDESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    return engine.url.set(database=make_url(admin).database).render_as_string(hide_password=False)


def _admin(url: str) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT")


def postgres_template(admin_url: str) -> str:
    """The name of the session's migrated template on the server of `admin_url` (built on first use);
    `CREATE DATABASE x TEMPLATE name` makes a test database at head."""
    admin_url = make_url(admin_url).render_as_string(hide_password=False)
    name = _postgres_templates.get(admin_url)
    if name is None:
        name = f"td_template_{uuid.uuid4().hex[:12]}"
        admin = _admin(admin_url)
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        engine = make_engine(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
        try:
            upgrade(engine)
        finally:
            engine.dispose()  # CREATE DATABASE ... TEMPLATE needs the template without sessions
        _postgres_templates[admin_url] = name
    return name


def _copy_postgres(engine: Engine) -> None:
    admin_url = _admin_url(engine)
    template = postgres_template(admin_url)
    name = engine.url.database
    admin = _admin(admin_url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    finally:
        admin.dispose()


def drop_templates() -> None:
    """Remove the session's templates (pytest_sessionfinish)."""
    global _sqlite_template
    if _sqlite_template is not None:
        shutil.rmtree(_sqlite_template.parent, ignore_errors=True)
        _sqlite_template = None
    for admin_url, name in list(_postgres_templates.items()):
        admin = _admin(admin_url)
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()
        del _postgres_templates[admin_url]
