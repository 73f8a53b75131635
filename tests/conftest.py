"""Shared test configuration.

CI sets TRUSTDESK_REQUIRE_SERVICES=1: tests that need PostgreSQL, Redis or the
shared data sets then fail instead of skipping when those are missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TRUSTDESK_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def services_required() -> bool:
    """True in CI, where a missing service or data set is a failure, not a skip."""
    return os.environ.get("TRUSTDESK_REQUIRE_SERVICES") == "1" or os.environ.get("CI") == "true"


def skip_or_fail(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} (mandatory in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ../shared/data folder of public data sets; skips (fails in CI) when absent."""
    if not SHARED_DATA.is_dir():
        skip_or_fail(f"shared data sets not found at {SHARED_DATA}")
    return SHARED_DATA


# --- the bot's trained models -----------------------------------------------------------------


def bot_model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One trained-model cache for the whole run, shared by the xdist workers (the registry lets one
    process train a model while the others wait and load it): each model trains once per run."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's popen-gwN
    return base / "bot-model-cache"


@pytest.fixture(scope="session", autouse=True)
def _bot_model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every model trained in-process or by a server the tests start goes to the run's cache."""
    previous = os.environ.get("TRUSTDESK_BOT_CACHE")
    os.environ["TRUSTDESK_BOT_CACHE"] = str(bot_model_cache(tmp_path_factory))
    yield
    if previous is None:
        os.environ.pop("TRUSTDESK_BOT_CACHE", None)
    else:
        os.environ["TRUSTDESK_BOT_CACHE"] = previous


# --- databases -------------------------------------------------------------------------------

import uuid  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get(
    "TRUSTDESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# One Redis database per pytest-xdist worker (gw0 -> 15, gw1 -> 14, ...), so workers never see each
# other's keys.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_TEST_URL = os.environ.get("TRUSTDESK_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - _WORKER % 15}")


def _postgres_admin_engine():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means the server is not usable here
        engine.dispose()
        skip_or_fail(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {type(exc).__name__}")
    return engine


def _postgres_database(template: str | None = None) -> Iterator[str]:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    admin = _postgres_admin_engine()
    name = f"td_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    yield from _postgres_database()


@pytest.fixture
def migrated_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database at head for one test: a copy of the session's migrated template."""
    from tests.support.databases import postgres_template

    _postgres_admin_engine().dispose()  # skips (fails in CI) without the server
    yield from _postgres_database(template=postgres_template(POSTGRES_ADMIN_URL))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'trustdesk.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs twice: on SQLite and on the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'trustdesk.db'}"
    if "migrated_engine" in request.fixturenames:  # created at head: no empty database to replace
        return request.getfixturevalue("migrated_postgres_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def migrated_engine(database_url: str):  # type: ignore[no-untyped-def]
    """The database at head: a copy of the session's migrated template (tests/support/databases.py)."""
    from tests.support.databases import migrated_engine

    engine = migrated_engine(database_url)
    yield engine
    engine.dispose()


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests.support.databases import drop_templates

    drop_templates()


@pytest.fixture
def db_session(migrated_engine):  # type: ignore[no-untyped-def]
    from trustdesk.store.db import make_session_factory

    session = make_session_factory(migrated_engine)()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def settings_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    from trustdesk.config import load_settings

    def make(database_url: str, **overrides: object):  # type: ignore[no-untyped-def]
        return load_settings(data_dir=tmp_path / "var", database_url=database_url, log_json=True, **overrides)

    return make


@pytest.fixture
def redis_url() -> str:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:  # noqa: BLE001
        skip_or_fail(f"Redis not reachable at {REDIS_TEST_URL}: {type(exc).__name__}")
    return REDIS_TEST_URL


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """Code under test may call setup_logging (CLI commands, servers in-process), which points the root
    logger at the stderr of that moment; a later test's log line would then hit a closed stream."""
    import logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
