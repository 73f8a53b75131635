"""`trustdesk mail check-dns` and `trustdesk message check` against the demo data and a local DNS server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from support.dns_server import DnsTestServer


@pytest.fixture
def demo_env(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A migrated SQLite desk with the demo retailer and its official channels; CLI settings point at it."""
    from tests.foundation.factory import make_tenant, make_user
    from tests.support.databases import migrate

    from trustdesk.accounts.permissions import Role
    from trustdesk.channels.demo import seed_demo_channels
    from trustdesk.config import get_settings
    from trustdesk.store.db import make_engine, make_session_factory

    monkeypatch.setenv("TRUSTDESK_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TRUSTDESK_PUBLIC_BASE_URL", "https://desk.test")
    get_settings.cache_clear()
    engine = make_engine(get_settings().resolved_database_url)
    migrate(engine)
    with make_session_factory(engine)() as s:
        tenant = make_tenant(s, "acme", domain="acmeoutfitters.com")
        tenant.name = "Acme Outfitters"
        make_user(s, tenant, "admin1@acme.test", Role.ADMIN)
        make_user(s, tenant, "admin2@acme.test", Role.ADMIN)
        seed_demo_channels(s, tenant)
        s.commit()
    engine.dispose()
    yield None
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def zone() -> Iterator[DnsTestServer]:
    server = DnsTestServer().start()
    try:
        yield server
    finally:
        server.stop()


class Done:
    def __init__(self, result) -> None:  # type: ignore[no-untyped-def]
        self.returncode = result.exit_code
        self.stdout = result.stdout_bytes
        self.stderr = result.stderr_bytes if result.stderr_bytes is not None else b""


def run(env, *args: str, stdin: bytes | None = None) -> Done:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from trustdesk.cli.main import app

    return Done(CliRunner().invoke(app, list(args), input=stdin))


def test_dkim_key_check_dns_and_message_check(demo_env, zone, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ns = f"127.0.0.1:{zone.port}"
    missing = run(demo_env, "mail", "check-dns", "--tenant", "acme", "--nameserver", ns)
    assert missing.returncode == 4
    assert b"--create-key" in missing.stderr and b"Traceback" not in missing.stderr

    created = run(demo_env, "mail", "dkim-record", "--tenant", "acme", "--create-key", "--selector", "td1")
    assert created.returncode == 0, created.stderr
    line = created.stdout.decode()
    name = line.split()[0].rstrip(".")
    value = "".join(re.findall(r'"([^"]*)"', line))
    assert name == "td1._domainkey.acmeoutfitters.com" and value.startswith("v=DKIM1; k=rsa; p=")

    not_ready = run(demo_env, "mail", "check-dns", "--tenant", "acme", "--json", "--nameserver", ns)
    assert not_ready.returncode == 1
    report = json.loads(not_ready.stdout)
    assert (
        report["ok"] is False
        and report["dkim"]["status"] == "missing"
        and report["spf"]["status"] == "missing"
    )

    zone.update(
        {
            "acmeoutfitters.com": {"TXT": ["v=spf1 ip4:192.0.2.25 -all"]},
            "_dmarc.acmeoutfitters.com": {"TXT": ["v=DMARC1; p=reject; rua=mailto:d@acmeoutfitters.com"]},
            name: {"TXT": [value]},
        }
    )
    ready = run(demo_env, "mail", "check-dns", "--tenant", "acme", "--json", "--nameserver", ns)
    assert ready.returncode == 0, ready.stdout
    report = json.loads(ready.stdout)
    assert report["ok"] is True
    assert {report["spf"]["status"], report["dkim"]["status"], report["dmarc"]["status"]} == {"ok"}

    text = "Hello Pat, your refund of EUR 59.90 goes to IBAN DE89 3704 0044 0532 0130 00 on Friday."
    composed = run(
        demo_env, "message", "compose", "--tenant", "acme", "--to", "pat@example.org",
        "--subject", "Refund", "--text", text,
    )  # fmt: skip
    assert composed.returncode == 0, composed.stderr
    eml = (
        b"Received: from mail.acmeoutfitters.com (mail.acmeoutfitters.com [192.0.2.25]) by mx.example.org;"
        b" Tue, 24 Nov 2026 10:00:00 +0000\r\nReturn-Path: <b@acmeoutfitters.com>\r\n" + composed.stdout
    )
    checked = run(
        demo_env, "message", "check", "-", "--tenant", "acme", "--json", "--nameserver", ns, stdin=eml
    )
    assert checked.returncode == 0, checked.stderr
    out = json.loads(checked.stdout)
    assert {"verdict", "reasons", "auth", "contacts"} <= set(out)
    assert out["verdict"] == "genuine"
    assert out["auth"] == {"spf": "pass", "dkim": "pass", "dmarc": "pass"}
    assert any(
        c["verdict"] == "official" and c["contact"] == "support@acmeoutfitters.com" for c in out["contacts"]
    )

    # The deployment's DNS setting serves the CLI without --nameserver, and the public check API.
    import base64

    from fastapi.testclient import TestClient

    from trustdesk.config import get_settings
    from trustdesk.web.app import create_app

    monkeypatch.setenv("TRUSTDESK_DNS_NAMESERVERS", ns)
    get_settings.cache_clear()
    configured = run(demo_env, "message", "check", "-", "--tenant", "acme", "--json", stdin=eml)
    assert json.loads(configured.stdout)["auth"] == {"spf": "pass", "dkim": "pass", "dmarc": "pass"}
    with TestClient(create_app(get_settings())) as web:
        answer = web.post(
            "/api/v1/messages/check", json={"eml_base64": base64.b64encode(eml).decode(), "tenant": "acme"}
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["verdict"] == "genuine"
    assert answer.json()["auth"] == {"spf": "pass", "dkim": "pass", "dmarc": "pass"}

    tampered = eml.replace(b"0130 00", b"0130 01")
    out = json.loads(run(demo_env, "message", "check", "-", "--json", "--offline", stdin=tampered).stdout)
    assert out["verdict"] == "altered"
    assert out["auth"] == {"spf": "not_checked", "dkim": "not_checked", "dmarc": "not_checked"}

    plain = run(
        demo_env,
        "message",
        "check",
        "-",
        "--offline",
        stdin=b"Acme Outfitters: log in at https://acmeoutfltters.com",
    )
    assert plain.returncode == 0 and plain.stdout.startswith(b"NOT_FROM_US:")


def test_bad_input_is_a_clear_error(demo_env) -> None:  # type: ignore[no-untyped-def]
    missing = run(demo_env, "message", "check", "/nonexistent.eml")
    assert missing.returncode == 1 and b"no such file" in missing.stderr
    bad_ns = run(demo_env, "message", "check", "-", "--nameserver", "not-an-ip", stdin=b"hi")
    assert bad_ns.returncode == 1 and b"--nameserver" in bad_ns.stderr
    unknown = run(demo_env, "message", "check", "-", "--tenant", "nobody", "--offline", stdin=b"hi")
    assert unknown.returncode == 1 and b"no tenant" in unknown.stderr
