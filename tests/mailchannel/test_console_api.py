"""What agents see of e-mail: the authentication verdict and attachments in the message JSON, and
attachment downloads that are staff-only, tenant-isolated and never rendered inline."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.foundation.factory import sign_in_staff
from tests.mailchannel.conftest import GLOBEX_SUPPORT, World
from tests.mailchannel.files import make_pdf

from trustdesk.store.db import make_engine
from trustdesk.web.app import create_app

HTML_ATTACHMENT = b"<html><script>alert('x')</script>Invoice</html>"
PDF = make_pdf([["Facture 7"]])


def test_agents_see_auth_and_download_attachments_only_in_their_tenant(world: World) -> None:
    world.send(
        subject="Invoice",
        body="Please see the attached invoice.",
        attachments=[
            ("invoice.html", "text/html", HTML_ATTACHMENT),
            ("facture é.pdf", "application/pdf", PDF),
        ],
    )
    world.send(sender="ceo@acme-shop.com", name="CEO", subject="Wire money", body="Pay this now.")
    world.send(to=GLOBEX_SUPPORT, subject="Globex", body="Hello Globex")
    engine = make_engine(world.database_url)
    app = create_app(world.settings, engine=engine)
    try:
        with TestClient(app) as acme_client, TestClient(app) as globex_client, TestClient(app) as anonymous:
            acme, _ = sign_in_staff(acme_client, "acme", "sam@acme-shop.com")
            globex, _ = sign_in_staff(globex_client, "globex", "sam@globex-shop.com")
            queue = acme.client.get("/api/v1/conversations", params={"view": "all"}).json()
            by_subject = {c["subject"]: c for c in queue}
            assert set(by_subject) == {"Invoice", "Wire money"}
            assert {c["channel"] for c in queue} == {"email"}
            detail = acme.client.get(f"/api/v1/conversations/{by_subject['Invoice']['id']}").json()
            mail = detail["messages"][0]["mail"]
            assert (
                mail["verdict"] == "pass"
                and mail["auth"]["spf"] == "pass"
                and mail["from"] == "pat@customer.example"
            )
            names = [a["filename"] for a in mail["attachments"]]
            assert names == ["invoice.html", "facture é.pdf"]
            spoofed = acme.client.get(
                f"/api/v1/conversations/{by_subject['Wire money']['id']}/messages"
            ).json()
            assert spoofed["messages"][0]["mail"]["verdict"] == "spoofed"
            assert spoofed["messages"][0]["mail"]["spoofing"] is True

            html = mail["attachments"][0]
            r = acme.client.get(html["url"])
            assert r.status_code == 200 and r.content == HTML_ATTACHMENT
            assert r.headers["content-type"] == "application/octet-stream"
            assert r.headers["content-disposition"].startswith('attachment; filename="invoice.html"')
            assert r.headers["x-content-type-options"] == "nosniff"
            assert "sandbox" in r.headers["content-security-policy"]
            pdf = acme.client.get(mail["attachments"][1]["url"])
            assert (
                pdf.content == PDF
                and "filename*=UTF-8''facture%20%C3%A9.pdf" in pdf.headers["content-disposition"]
            )
            # Another retailer's staff, and anyone signed out, get nothing.
            assert globex.client.get(html["url"]).status_code == 404
            assert anonymous.get(html["url"]).status_code in (401, 403)
            # A real attachment id under the wrong conversation is not found either.
            wrong = html["url"].replace(by_subject["Invoice"]["id"], by_subject["Wire money"]["id"])
            assert acme.client.get(wrong).status_code == 404
    finally:
        engine.dispose()
