from __future__ import annotations

from tests.foundation.conftest import app, client, new_client, sessions  # noqa: F401 - shared fixtures
