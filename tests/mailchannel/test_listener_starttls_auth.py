"""The desk's SMTP listener offers STARTTLS with a configured certificate, and AUTH only inside TLS;
when AUTH is required, mail from a session that did not authenticate is refused."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from tests.mailchannel.conftest import ACME_SUPPORT, CUSTOMER, World

from support.tls import self_signed_pair
from trustdesk.config import ConfigurationError
from trustdesk.mailchannel.service import listener_security
from trustdesk.mailchannel.smtp import ListenerAuth, SmtpListener


def mail() -> bytes:
    message = EmailMessage()
    message["From"] = f"Pat <{CUSTOMER}>"
    message["To"] = ACME_SUPPORT
    message["Subject"] = "Over TLS"
    message["Message-ID"] = "<tls1@customer.example>"
    message.set_content("Sent through STARTTLS.")
    return message.as_bytes().replace(b"\n", b"\r\n")


@pytest.fixture
def secured(world: World, tmp_path: Path, settings_factory) -> Iterator[tuple[SmtpListener, ssl.SSLContext]]:  # type: ignore[no-untyped-def]
    pair = self_signed_pair(tmp_path / "tls")
    settings = settings_factory(
        world.database_url,
        smtp_listen_tls_cert=pair.cert,
        smtp_listen_tls_key=pair.key,
        smtp_listen_auth_username="relay",
        smtp_listen_auth_password="relay-pass-5521",
        smtp_listen_auth_required=True,
    )
    context, auth = listener_security(settings)
    listener = SmtpListener(world.intake, port=0, tls_context=context, auth=auth)
    listener.start()
    try:
        yield listener, ssl.create_default_context(cafile=str(pair.cert))
    finally:
        listener.stop()


def test_auth_only_after_starttls_and_required_for_mail(secured, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    listener, client_tls = secured
    with smtplib.SMTP("127.0.0.1", listener.port, local_hostname="mx.customer.example", timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("starttls") and not smtp.has_extn("auth")  # no AUTH in clear text
        code, _ = smtp.docmd("AUTH", "PLAIN AHJlbGF5AHJlbGF5LXBhc3MtNTUyMQ==")
        assert code == 538  # encryption required first
        code, _ = smtp.mail(CUSTOMER)
        assert code == 530  # authentication required
        smtp.starttls(context=client_tls)
        smtp.ehlo()
        assert smtp.has_extn("auth")
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.login("relay", "wrong")
        smtp.login("relay", "relay-pass-5521")
        refused = smtp.sendmail(CUSTOMER, [ACME_SUPPORT], mail())
    assert refused == {}
    assert "relay-pass-5521" not in caplog.text


def test_starttls_without_auth_takes_mail_as_before(world: World, tmp_path: Path) -> None:
    pair = self_signed_pair(tmp_path / "tls")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(pair.cert), str(pair.key))
    listener = SmtpListener(world.intake, port=0, tls_context=context)
    listener.start()
    try:
        with smtplib.SMTP(
            "127.0.0.1", listener.port, local_hostname="mx.customer.example", timeout=10
        ) as smtp:
            smtp.starttls(context=ssl.create_default_context(cafile=str(pair.cert)))
            assert smtp.sendmail(CUSTOMER, [ACME_SUPPORT], mail()) == {}
    finally:
        listener.stop()


def test_settings_that_do_not_go_together_are_refused(world: World, tmp_path: Path, settings_factory) -> None:  # type: ignore[no-untyped-def]
    pair = self_signed_pair(tmp_path / "tls")
    with pytest.raises(ConfigurationError, match="AUTH needs STARTTLS"):
        listener_security(
            settings_factory(world.database_url, smtp_listen_auth_username="u", smtp_listen_auth_password="p")
        )
    with pytest.raises(ConfigurationError, match="set both TRUSTDESK_SMTP_LISTEN_TLS_CERT"):
        listener_security(settings_factory(world.database_url, smtp_listen_tls_cert=pair.cert))
    with pytest.raises(ValueError, match="only after STARTTLS"):
        SmtpListener(world.intake, port=0, auth=ListenerAuth("u", "p"))
