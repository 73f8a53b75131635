"""Engines and sessions for SQLite (embedded default) and PostgreSQL (scale-out)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker


class DatabaseUnavailable(Exception):
    """The database cannot be reached; the message names the URL without its password."""


class DatabaseNotMigrated(Exception):
    """The schema is older than this code; run `trustdesk db upgrade`."""


def _enable_sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Take transaction control from the sqlite3 module so SAVEPOINTs work and we choose BEGIN's kind.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers proceed during writes; busy_timeout makes writers queue instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # Deleted rows are zeroed in the file, not left in free pages: retention runs and erasures must
    # not leave personal data readable in the database's bytes (most builds default to this; some do not).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _begin(connection) -> None:  # type: ignore[no-untyped-def]
    # Sessions that will write ask for IMMEDIATE: it takes the write lock up front, so a
    # read-then-write transaction never fails half-way because another writer committed in
    # between. Read-only sessions use a plain BEGIN and never block writers (WAL).
    if connection.get_execution_options().get("sqlite_begin") == "immediate":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """Create an engine with the settings each backend needs."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True)


def safe_url(engine_or_url: Engine | str) -> str:
    """The URL with any password masked, fit for messages and logs."""
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else engine_or_url
    from sqlalchemy.engine import make_url

    return make_url(str(url) if not isinstance(url, str) else url).render_as_string(hide_password=True)


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailable with a clear message if the database cannot be reached."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, SQLAlchemyError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else type(exc).__name__
        raise DatabaseUnavailable(f"cannot reach the database at {safe_url(engine)}: {reason}") from None


def make_session_factory(engine: Engine, *, write: bool = True) -> sessionmaker[Session]:
    """Sessions for units of work; `write=False` gives read-only ones that never take SQLite's write lock."""
    bind = engine.execution_options(sqlite_begin="immediate") if write else engine
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
