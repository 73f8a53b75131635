"""The conversations desk (a running app, one retailer, two agents) on SQLite and PostgreSQL."""

from tests.conversations.conftest import desk, sessions  # noqa: F401 - fixtures reused
