"""The deployment guide's files work: the systemd units pass `systemd-analyze verify` without a
warning, and forwarded client addresses are believed only from the configured proxies."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from tests.conftest import skip_or_fail
from tests.support.live_server import make_server

from trustdesk.config import ConfigurationError, load_settings
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"


def test_the_systemd_units_verify_cleanly(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        skip_or_fail("systemd-analyze is not installed")
    venv_cli = str(Path(sys.executable).parent / "trustdesk")
    names = []
    for unit in sorted(UNITS.iterdir()):
        # The units name the install path of docs/deployment.md; here, this checkout's command.
        text = unit.read_text().replace("/opt/trustdesk/.venv/bin/trustdesk", venv_cli)
        name = unit.name.replace("@.service", "@8001.service")
        (tmp_path / name).write_text(text)
        names.append(f"./{name}")
    assert len(names) == 6
    done = subprocess.run(
        [analyze, "verify", "--man=no", *names], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_a_misspelt_directive_would_be_caught(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        skip_or_fail("systemd-analyze is not installed")
    text = (UNITS / "trustdesk-worker.service").read_text()
    text = text.replace("/opt/trustdesk/.venv/bin/trustdesk", str(Path(sys.executable).parent / "trustdesk"))
    (tmp_path / "bad.service").write_text(text.replace("RestartSec=", "RestartSecs="))
    done = subprocess.run(
        [analyze, "verify", "--man=no", "./bad.service"], cwd=tmp_path, capture_output=True, text=True
    )
    assert "Unknown key" in done.stderr


def test_trusted_proxies_must_be_addresses() -> None:
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES"):
        load_settings(trusted_proxies="127.0.0.1, proxy.internal")
    assert load_settings(trusted_proxies=" 127.0.0.1 , 10.0.0.0/8").trusted_proxies == "127.0.0.1,10.0.0.0/8"


@pytest.mark.parametrize(("trusted", "seen"), [("127.0.0.1", "203.0.113.7"), ("10.0.0.0/8", "127.0.0.1")])
def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy(
    tmp_path: Path, trusted: str, seen: str
) -> None:
    server = make_server(tmp_path / "var", extra_env={"TRUSTDESK_TRUSTED_PROXIES": trusted}, demo=False)
    server.cli("tenants", "create", "acme", "--name", "Acme", "--domain", "acme.example")
    server.start()
    try:
        answer = httpx.post(
            server.url + "/api/v1/auth/login",
            json={"tenant": "acme", "email": "nobody@acme.example", "password": "wrong password"},
            headers={"X-Forwarded-For": "203.0.113.7"},
            timeout=30,
        )
        assert answer.status_code == 401
    finally:
        server.stop()
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'trustdesk.db'}")
    with make_session_factory(engine)() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login_failed"))
        assert event is not None and event.ip == seen
    engine.dispose()
