"""The mail-channel world (two retailers, real listener and DNS) plus a real Dovecot IMAP server on
loopback holding the retailers' support mailboxes. Dovecot comes from Debian's packages
(scripts/ensure-dovecot.sh installs it where it can); without it these tests skip, and fail in CI."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import REPO_ROOT, skip_or_fail
from tests.mailboxes.helpers import ImapAccount, make_account
from tests.mailchannel.conftest import (  # noqa: F401 - fixtures shared with the mail channel's tests
    ACME_SUPPORT,
    CUSTOMER,
    GLOBEX_SUPPORT,
    Sink,
    World,
    sink,
    world,
)

from support.dovecot import DovecotServer, dovecot_available
from support.oauth_introspection import IntrospectionServer
from trustdesk.config import get_settings
from trustdesk.store.db import make_engine
from trustdesk.web.app import create_app


def _ensure_dovecot() -> None:
    if dovecot_available():
        return
    subprocess.run([str(REPO_ROOT / "scripts" / "ensure-dovecot.sh")], check=False)  # noqa: S603
    if not dovecot_available():
        skip_or_fail("Dovecot (Debian package dovecot-imapd) is not installed and cannot be installed here")


@pytest.fixture(scope="session")
def oauth() -> Iterator[IntrospectionServer]:
    """The token introspection endpoint the test Dovecot asks about XOAUTH2 access tokens."""
    server = IntrospectionServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory: pytest.TempPathFactory, oauth: IntrospectionServer) -> Iterator[DovecotServer]:
    """One IMAP server for the session (passwords and XOAUTH2); each test gets its own mail user."""
    _ensure_dovecot()
    server = DovecotServer(tmp_path_factory.mktemp("dovecot"), oauth_introspection_url=oauth.url).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def private_dovecot(tmp_path: Path) -> Iterator[DovecotServer]:
    """A server of the test's own, for tests that kill it."""
    _ensure_dovecot()
    server = DovecotServer(tmp_path / "dovecot").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def acme_account(dovecot: DovecotServer) -> ImapAccount:
    return make_account(dovecot, ACME_SUPPORT)


class Ran:
    def __init__(self, result) -> None:  # type: ignore[no-untyped-def]
        self.code = result.exit_code
        self.out = result.stdout
        self.err = " ".join((result.stderr or "").split())  # rich wraps long error lines


@pytest.fixture
def cli(world: World, acme_account: ImapAccount, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:  # noqa: F811
    monkeypatch.setenv("TRUSTDESK_DATA_DIR", str(world.settings.data_dir))
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", world.database_url)
    monkeypatch.setenv("TRUSTDESK_MAILBOX_CA_FILE", str(acme_account.server.tls.cert))
    get_settings.cache_clear()

    def run(*args: str, stdin: str | None = None) -> Ran:
        from typer.testing import CliRunner

        from trustdesk.cli.main import app

        return Ran(CliRunner().invoke(app, ["mailboxes", *args], input=stdin))

    yield run
    get_settings.cache_clear()


@pytest.fixture
def app(world: World, acme_account: ImapAccount) -> Iterator[object]:  # noqa: F811
    world.settings.mailbox_ca_file = str(acme_account.server.tls.cert)
    engine = make_engine(world.database_url)
    try:
        yield create_app(world.settings, engine=engine)
    finally:
        engine.dispose()
