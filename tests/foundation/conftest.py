from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from trustdesk.store.db import make_session_factory
from trustdesk.web.app import create_app


@pytest.fixture
def app(migrated_engine, database_url, settings_factory):  # type: ignore[no-untyped-def]
    return create_app(settings_factory(database_url), engine=migrated_engine)


@pytest.fixture
def sessions(migrated_engine):  # type: ignore[no-untyped-def]
    return make_session_factory(migrated_engine)


@pytest.fixture
def client(app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, base_url="http://testserver")


@pytest.fixture
def new_client(app):  # type: ignore[no-untyped-def]
    return lambda: TestClient(app, base_url="http://testserver")
