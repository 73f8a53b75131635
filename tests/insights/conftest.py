from __future__ import annotations

import pytest

from trustdesk.store.db import make_session_factory


@pytest.fixture
def sessions(migrated_engine):  # type: ignore[no-untyped-def]
    return make_session_factory(migrated_engine)
