"""The e-mail world of tests/mailchannel (two retailers, the real SMTP listener, a local DNS server,
an aiosmtpd relay sink) and the chat desk of tests/conversations, reused for the survey's tests."""

from tests.conversations.conftest import desk, sessions  # noqa: F401  (fixtures)
from tests.mailchannel.conftest import sink, world  # noqa: F401  (fixtures)
