"""From headers dressed up as the retailer: an invisible character after its address, or its address
or name in the display name of a stranger's authenticated mail. Sent with smtplib to the real
listener; agents see the verdict in the console API, and every such mail is audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import SignedIn, sign_in_staff
from tests.mailchannel.conftest import ACME_SUPPORT, World

from trustdesk.store.db import make_engine
from trustdesk.store.models import AuditEvent, MailRecord
from trustdesk.web.app import create_app


def raw_from(from_header: str, subject: str) -> bytes:
    return (
        f"From: {from_header}\r\nTo: {ACME_SUPPORT}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{abs(hash(subject))}@customer.example>\r\n\r\nPlease confirm your account.\r\n"
    ).encode()


@pytest.fixture
def agent(world: World) -> Iterator[SignedIn]:
    engine = make_engine(world.database_url)
    app = create_app(world.settings, engine=engine)
    try:
        with TestClient(app) as client:
            yield sign_in_staff(client, "acme", "sam@acme-shop.com")[0]
    finally:
        engine.dispose()


def mail_of(agent: SignedIn, subject: str) -> dict:
    queue = agent.client.get("/api/v1/conversations", params={"view": "all"}).json()
    (conversation,) = [c for c in queue if c["subject"] == subject]
    detail = agent.client.get(f"/api/v1/conversations/{conversation['id']}").json()
    return detail["messages"][0]["mail"]


def audited(world: World, action: str) -> list[AuditEvent]:
    with world.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_retailers_address_with_a_zero_width_space_is_spoofing(world: World, agent: SignedIn) -> None:
    """ "help@acme-shop.com" followed by U+200B reads as the retailer's address; it is judged on
    what the reader sees: spoofed (not merely "fail"), audited, and the console shows the hidden
    character instead of passing it off as the retailer's address."""
    world.send_raw(raw_from("help@acme-shop.com\u200b", "Account locked"), to=[ACME_SUPPORT])
    mail = mail_of(agent, "Account locked")
    assert mail["verdict"] == "spoofed" and mail["spoofing"] is True
    assert mail["from"] == "help@acme-shop.com[U+200B]"
    (event,) = audited(world, "mail.spoofed_own_domain")
    assert event.tenant_id == world.tenants["acme"]


@pytest.mark.parametrize(
    ("from_header", "shown"),
    [
        ('"help@acme-shop.com" <billing@customer.example>', "help@acme-shop.com"),
        ("=?utf-8?q?help=40acme-shop=2Ecom?= <billing@customer.example>", "help@acme-shop.com"),
        ('"help\uff20acme-shop.com" <billing@customer.example>', "help@acme-shop.com"),  # full-width @
        ("Acme Shop Security <billing@customer.example>", "Acme Shop"),
        ("ACME-SHOP.COM <billing@customer.example>", "acme-shop.com"),
    ],
)
def test_a_display_name_borrowing_the_retailers_identity_is_never_a_green_pass(
    world: World, agent: SignedIn, from_header: str, shown: str
) -> None:
    """customer.example authorises the sender: DMARC passes, yet the name says it is the retailer."""
    world.send_raw(raw_from(from_header, "Security notice"), to=[ACME_SUPPORT])
    mail = mail_of(agent, "Security notice")
    assert mail["auth"]["dmarc"] == "pass"
    assert mail["verdict"] == "impersonation"
    assert shown.lower() in mail["impersonation"].lower() and "customer.example" in mail["impersonation"]
    (event,) = audited(world, "mail.display_name_impersonation")
    assert event.details["from_domain"] == "customer.example" and event.details["dmarc"] == "pass"
    with world.sessions() as s:
        record = s.scalars(select(MailRecord)).one()
    assert record.impersonation == mail["impersonation"]


@pytest.mark.parametrize(
    "from_header",
    [
        "Pat Example <pat@customer.example>",
        '"pat@customer.example" <pat@customer.example>',
        "Pat <pat@customer.example>",
    ],
)
def test_ordinary_names_stay_a_pass(world: World, agent: SignedIn, from_header: str) -> None:
    world.send_raw(raw_from(from_header, "Where is my order"), to=[ACME_SUPPORT])
    mail = mail_of(agent, "Where is my order")
    assert mail["verdict"] == "pass" and mail["impersonation"] is None
    assert audited(world, "mail.display_name_impersonation") == []
